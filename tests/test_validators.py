"""Domain validators: hand-checked examples, exact messages and properties. No database."""

from __future__ import annotations

import math
import string
from collections.abc import Callable
from decimal import Decimal
from itertools import permutations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models import validators
from models.iso import COUNTRIES, CURRENCY_MINOR_UNITS, NON_MONEY_CURRENCIES
from models.validators import (
    WaybillTypo,
    container_number,
    country,
    currency,
    minor_units,
    money,
    new_waybill,
    round_money,
    unlocode,
    vin,
    waybill,
)


@pytest.fixture(autouse=True, scope="module")
def clean() -> None:
    """Shadows conftest's autouse `clean`, which would set up the database for these pure tests."""


# Reference implementations, written from the standards apart from models/validators.py.

VIN_VALUES = {
    **{d: int(d) for d in string.digits},
    **{pair[0]: int(pair[1]) for pair in "A1 B2 C3 D4 E5 F6 G7 H8 J1 K2 L3 M4 N5 P7 R9".split()},
    **{pair[0]: int(pair[1]) for pair in "S2 T3 U4 V5 W6 X7 Y8 Z9".split()},
}
VIN_ALPHABET = "".join(VIN_VALUES)
VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
ISO_6346_VALUES = {
    pair[0]: int(pair[1:])
    for pair in "A10 B12 C13 D14 E15 F16 G17 H18 I19 J20 K21 L23 M24 N25 O26 P27 Q28 R29 "
    "S30 T31 U32 V34 W35 X36 Y37 Z38".split()
}
WAYBILL_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32


def reference_vin_check(number: str) -> str:
    remainder = sum(VIN_VALUES[ch] * w for ch, w in zip(number, VIN_WEIGHTS, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


def reference_container_check(first_ten: str) -> str:
    values = [ISO_6346_VALUES.get(ch) or int(ch) for ch in first_ten]
    return str(sum(v * 2**i for i, v in enumerate(values)) % 11 % 10)


def gf32_mul(a: int, b: int) -> int:
    product = 0
    for bit in range(5):
        if b >> bit & 1:
            product ^= a << bit
    for bit in range(8, 4, -1):  # reduce modulo x^5 + x^2 + 1
        if product >> bit & 1:
            product ^= 0b100101 << (bit - 5)
    return product


def reference_waybill(body: str) -> str:
    """CL + body + c, c = Σ v·x^k over the body (weights x^12 … x^1; c itself has weight 1)."""
    weight, check = 1, 0
    for symbol in reversed(body):
        weight = gf32_mul(weight, 2)
        check ^= gf32_mul(WAYBILL_ALPHABET.index(symbol), weight)
    return "CL" + body + WAYBILL_ALPHABET[check]


def raises(call: Callable, *args: object, message: str, kind: type = ValueError) -> None:
    with pytest.raises(kind) as caught:
        call(*args)
    assert str(caught.value) == message


def test_references_agree_with_sums_computed_by_hand() -> None:
    assert reference_vin_check("1HGCM82633A004352") == "3"  # weighted sum 311 ≡ 3 (mod 11)
    assert reference_vin_check("1M8GDM9AXKP042788") == "X"  # weighted sum 351 ≡ 10, written X
    # ISO 6346: Σ value·2^position mod 11, 10 written 0. CSQU alone weighs 13+60+112+256 = 441.
    assert reference_container_check("CSQU305438") == "3"  # 441+48+320+512+768+4096 = 6185
    assert reference_container_check("MSCU123456") == "6"  # 392+16+64+192+512+1280+3072 = 5528
    assert reference_container_check("CSQU100008") == "0"  # 441+16+4096 = 4553 ≡ 10
    assert reference_container_check("TGHU872770") == "8"  # 393+128+224+128+896+1792 = 3561
    assert reference_container_check("ABCZ000000") == "5"  # 10+24+52+304 = 390
    assert reference_container_check("XYZJ999999") == "1"  # 36+74+152+160+9·1008 = 9494
    assert reference_waybill("7K3M9QX2TB4H") == "CL7K3M9QX2TB4H5"
    assert reference_waybill("0123456789AB") == "CL0123456789ABV"


LOCODE_SHAPE = "must be a country code and 3 letters or digits 2–9, like DEHAM"
MISTYPED = "check character does not match: the number is mistyped"

ACCEPTED = [
    (vin, "1HGCM82633A004352", "1HGCM82633A004352"),
    (vin, "1M8GDM9AXKP042788", "1M8GDM9AXKP042788"),
    (vin, " 1hgcm82633a004352\n", "1HGCM82633A004352"),
    (vin, "WVWZZZ1JZXW000001", "WVWZZZ1JZXW000001"),  # Europe: no check digit rule
    (vin, "JHMCM56557C404453", "JHMCM56557C404453"),
    (container_number, "CSQU3054383", "CSQU3054383"),
    (container_number, " csqu 305438 3 ", "CSQU3054383"),
    (container_number, "MSCU1234566", "MSCU1234566"),
    (container_number, "CSQU1000080", "CSQU1000080"),
    (container_number, "TGHU8727708", "TGHU8727708"),
    (container_number, "ABCZ0000005", "ABCZ0000005"),
    (container_number, "XYZJ9999991", "XYZJ9999991"),
    (country, " ge ", "GE"),
    (country, "BQ", "BQ"),
    (unlocode, "GEPTI", "GEPTI"),
    (unlocode, "GE PTI", "GEPTI"),
    (unlocode, " nl rtm ", "NLRTM"),
    (unlocode, "DE2AB", "DE2AB"),
    (currency, "eur", "EUR"),
    (currency, "XCG", "XCG"),
    (waybill, "CL7K3M9QX2TB4H5", "CL7K3M9QX2TB4H5"),
    (waybill, "cl7k3-m9qx2-tb4h5", "CL7K3M9QX2TB4H5"),
    (waybill, " CL 7K3M 9QX2 TB4H5 ", "CL7K3M9QX2TB4H5"),
    (waybill, "clOL23456789abv", "CL0123456789ABV"),  # O → 0, L → 1
    (waybill, "CL-oi23-4567-89AB-V", "CL0123456789ABV"),  # I → 1
]

REJECTED = [
    (vin, "1HGCM82633A00435", "must be 17 characters (vehicles from 1981 on; 5 to 17 before)"),
    (vin, "1HGCM82633A0043521", "must be 17 characters (vehicles from 1981 on; 5 to 17 before)"),
    (vin, "", "must be 17 characters (vehicles from 1981 on; 5 to 17 before)"),
    (vin, "1HGCM82633AO04352", "must not contain I, O or Q"),
    (vin, "IHGCM82633A004352", "must not contain I, O or Q"),
    (vin, "1HGCM82633A00435q", "must not contain I, O or Q"),
    (vin, "1HGCM82633A00435-", "must contain only letters A–Z and digits 0–9"),
    (vin, "1HGCM82633A00435ß", "must contain only letters A–Z and digits 0–9"),
    (vin, "1HGCM82643A004352", "check digit (9th character) should be 3 for this VIN"),
    (vin, "1M8GDM9A1KP042788", "check digit (9th character) should be X for this VIN"),
    (container_number, "CSQU305438", "must be 11 characters"),
    (container_number, "CSQU30543831", "must be 11 characters"),
    (container_number, "CS1U3054383", "owner code (first 3 characters) must be letters"),
    (container_number, "CSQX3054383", "category (4th character) must be U, J or Z"),
    (container_number, "CSQU30543A3", "serial number (5th to 10th character) must be digits"),
    (container_number, "CSQU3054384", "check digit (11th character) should be 3"),
    (container_number, "CSQU305438X", "check digit (11th character) should be 3"),
    (container_number, "CSQU1000081", "check digit (11th character) should be 0"),
    (container_number, "MSCU1234565", "check digit (11th character) should be 6"),
    (country, "DEU", "must be a 2-letter ISO 3166-1 country code"),
    (country, "1A", "must be a 2-letter ISO 3166-1 country code"),
    (country, "UK", "UK is not an ISO 3166-1 country code"),  # reserved, not assigned
    (country, "xk", "XK is not an ISO 3166-1 country code"),  # user-assigned
    (unlocode, "GE  PTI", LOCODE_SHAPE),
    (unlocode, "GE-PTI", LOCODE_SHAPE),
    (unlocode, "GEPT1", LOCODE_SHAPE),
    (unlocode, "GEPT0", LOCODE_SHAPE),
    (unlocode, "GEPT", LOCODE_SHAPE),
    (unlocode, "UKLON", "UK is not an ISO 3166-1 country code"),
    (currency, "EURO", "must be a 3-letter ISO 4217 currency code"),
    (currency, "€", "must be a 3-letter ISO 4217 currency code"),
    (currency, "HRK", "HRK is not an active ISO 4217 currency code"),
    (currency, "BGN", "BGN is not an active ISO 4217 currency code"),
    (currency, "ABC", "ABC is not an active ISO 4217 currency code"),
    (currency, "XAU", "XAU is not a currency money can be paid in"),
    (minor_units, "HRK", "HRK is not an active ISO 4217 currency code"),
    (waybill, "", "must start with CL"),
    (waybill, "XL7K3M9QX2TB4H5", "must start with CL"),
    (waybill, "C17K3M9QX2TB4H5", "must start with CL"),
    (waybill, "CL7K3M9QX2TB4H", "must be 15 characters"),
    (waybill, "CL7K3M9QX2TB4H55", "must be 15 characters"),
    (waybill, "CL7K3M9QX2TB4HU", "must not contain U"),
    (waybill, "CL7K3M9QX2TB4H*", "must not contain *"),
    (waybill, "CL7K3M9QX2TB4H6", MISTYPED),
    (waybill, "CL7K3M9QX2TBH45", MISTYPED),
]


def name(value: object) -> str | None:
    return getattr(value, "__name__", None)


@pytest.mark.parametrize(("validate", "value", "expected"), ACCEPTED, ids=name)
def test_accepts(validate: Callable[[str], object], value: str, expected: object) -> None:
    assert validate(value) == expected


@pytest.mark.parametrize(("validate", "value", "message"), REJECTED, ids=name)
def test_rejects(validate: Callable[[str], object], value: str, message: str) -> None:
    raises(
        validate, value, message=message, kind=WaybillTypo if validate is waybill else ValueError
    )


# VIN and container check digits


@given(
    st.sampled_from([ch for ch in VIN_ALPHABET if ch not in "12345"]),
    st.text(VIN_ALPHABET, min_size=16, max_size=16),
)
def test_any_well_formed_vin_outside_north_america_is_accepted(first: str, rest: str) -> None:
    assert vin((first + rest).lower()) == first + rest


@given(
    st.sampled_from("12345"),
    st.text(VIN_ALPHABET, min_size=15, max_size=15),
    st.integers(0, 16).filter(lambda position: position != 8),
    st.sampled_from(VIN_ALPHABET),
)
def test_north_american_vin_check_digit(first: str, rest: str, position: int, new: str) -> None:
    draft = first + rest[:7] + "0" + rest[7:]
    number = draft[:8] + reference_vin_check(draft) + draft[9:]
    assert vin(number) == number
    for wrong in sorted(set("0123456789X") - {number[8]}):
        message = f"check digit (9th character) should be {number[8]} for this VIN"
        raises(vin, number[:8] + wrong + number[9:], message=message)
    changed = number[:position] + new + number[position + 1 :]
    expected = reference_vin_check(changed)
    if changed[0] not in "12345" or expected == changed[8]:
        assert vin(changed) == changed
    else:
        message = f"check digit (9th character) should be {expected} for this VIN"
        raises(vin, changed, message=message)


@given(
    st.text(string.ascii_uppercase, min_size=3, max_size=3),
    st.sampled_from("UJZ"),
    st.text(string.digits, min_size=6, max_size=6),
)
def test_container_check_digit_verifies_and_every_other_fails(
    owner: str, category: str, serial: str
) -> None:
    first_ten = owner + category + serial
    check = reference_container_check(first_ten)
    assert container_number(first_ten + check) == first_ten + check
    for wrong in string.digits.replace(check, ""):
        message = f"check digit (11th character) should be {check}"
        raises(container_number, first_ten + wrong, message=message)


# Tables and money


def test_tables() -> None:
    assert len(COUNTRIES) == 249
    assert {"GE", "RO", "US", "SS", "CW", "SX", "BQ", "AQ"} <= COUNTRIES
    assert not CURRENCY_MINOR_UNITS.keys() & NON_MONEY_CURRENCIES
    assert set(CURRENCY_MINOR_UNITS.values()) == {0, 2, 3, 4}
    assert {"XCG", "ZWG", "SLE", "VED"} <= CURRENCY_MINOR_UNITS.keys()
    codes = ["EUR", "usd", "JPY", "KWD", "GEL", "RON", "CLF", "ISK", "BHD"]
    assert [minor_units(code) for code in codes] == [2, 2, 0, 3, 2, 2, 4, 0, 3]


@pytest.mark.parametrize(
    ("amount", "code", "expected"),
    [
        ("10.00", "EUR", "10.00"),
        ("10", "eur", "10.00"),
        ("10.000", "EUR", "10.00"),
        ("-0", "EUR", "0.00"),
        ("1500", "JPY", "1500"),
        ("1.234", "KWD", "1.234"),
    ],
)
def test_money_accepts(amount: str, code: str, expected: str) -> None:
    value, normalized = money(Decimal(amount), code)
    assert (str(value), normalized) == (expected, code.upper())


@pytest.mark.parametrize(
    ("amount", "code", "message"),
    [
        ("10.001", "EUR", "EUR has 2 decimal places"),
        ("1.5", "JPY", "JPY has no decimal places"),
        ("0.0001", "KWD", "KWD has 3 decimal places"),
        ("NaN", "EUR", "must be a finite number"),
        ("sNaN", "EUR", "must be a finite number"),
        ("-Infinity", "EUR", "must be a finite number"),
        ("-0.01", "EUR", "must not be negative"),
        ("1E+30", "EUR", "must be at most 1,000,000,000,000"),
        ("1", "XYZ", "XYZ is not an active ISO 4217 currency code"),
    ],
)
def test_money_rejects(amount: str, code: str, message: str) -> None:
    raises(money, Decimal(amount), code, message=message)


def test_money_refuses_floats() -> None:
    raises(money, 10.0, "EUR", message="amount must be a Decimal, not float", kind=TypeError)


@given(st.sampled_from(sorted(CURRENCY_MINOR_UNITS)), st.data())
def test_money_keeps_every_amount_the_currency_can_hold(code: str, data: st.DataObject) -> None:
    places = CURRENCY_MINOR_UNITS[code]
    amount = data.draw(st.decimals(min_value=0, max_value=validators.MAX_MONEY, places=places))
    value, _ = money(amount, code)
    assert value == amount
    assert value.as_tuple().exponent == -places


@pytest.mark.parametrize(
    ("amount", "code", "expected"),
    [
        (Decimal("10.00") * Decimal("0.20"), "EUR", "2.00"),  # the seed's example
        (Decimal("0.05") * Decimal("0.20"), "EUR", "0.01"),
        ("0.005", "EUR", "0.01"),  # half up, not half even
        ("0.015", "EUR", "0.02"),
        ("0.0149", "EUR", "0.01"),
        ("2.5", "JPY", "3"),
        ("0.0005", "KWD", "0.001"),
    ],
)
def test_round_money(amount: str | Decimal, code: str, expected: str) -> None:
    assert str(round_money(Decimal(amount), code)) == expected
    raises(round_money, Decimal("NaN"), code, message="must be a finite number")


# Waybill numbers


def single_edits(number: str) -> list[str]:
    """Every substitution by a letter or digit that reads differently, every adjacent swap."""
    read_as = str.maketrans("OIL", "011")
    edits = [
        number[:i] + new + number[i + 1 :]
        for i in range(len(number))
        for new in string.ascii_uppercase + string.digits
        if (new != number[i] if i < 2 else new.translate(read_as) != number[i])
    ]
    edits += [
        number[:i] + number[i + 1] + number[i] + number[i + 2 :]
        for i in range(len(number) - 1)
        if number[i] != number[i + 1]
    ]
    return edits


def assert_every_single_edit_is_a_typo(number: str) -> None:
    assert waybill(number) == number
    for edited in single_edits(number):
        with pytest.raises(WaybillTypo):
            waybill(edited)


@given(st.text(WAYBILL_ALPHABET, min_size=12, max_size=12))
def test_every_substitution_and_adjacent_swap_is_a_typo(body: str) -> None:
    assert_every_single_edit_is_a_typo(reference_waybill(body))


def test_generated_waybills() -> None:
    numbers = [new_waybill() for _ in range(300)]
    random_length = len(numbers[0]) - len("CL") - 1
    assert random_length == validators.WAYBILL_RANDOM_LENGTH
    assert random_length * math.log2(len(set(WAYBILL_ALPHABET))) >= 60
    assert validators.WAYBILL_ALPHABET == WAYBILL_ALPHABET
    assert not set("ILOU") & set(WAYBILL_ALPHABET)
    assert len(set(numbers)) == 300
    assert set().union(*(number[2:-1] for number in numbers)) == set(WAYBILL_ALPHABET)
    for number in numbers:
        assert len(number) == validators.WAYBILL_LENGTH == 15
        assert number.startswith("CL")
        assert reference_waybill(number[2:-1]) == number
        assert validators.format_waybill(number).replace("-", "") == number
    for number in numbers[:20]:
        assert_every_single_edit_is_a_typo(number)


def test_every_substitution_and_adjacent_swap_is_caught_exhaustively() -> None:
    """The check is linear over GF(32): whether an edit is caught depends only on where it is and
    which symbols it exchanges, so one number per case covers all 15-character numbers."""

    def number_with(symbols: dict[int, str]) -> str:
        # A valid number holding the given symbols (positions after CL, 12 is the check symbol).
        free = min(set(range(12)) - symbols.keys())
        for filler in WAYBILL_ALPHABET:
            body = "".join(symbols.get(i, filler if i == free else "0") for i in range(12))
            number = reference_waybill(body)
            if symbols.get(12, number[-1]) == number[-1]:
                return number
        raise AssertionError(symbols)

    for position in range(13):
        for old in WAYBILL_ALPHABET:
            number = number_with({position: old})
            for new in WAYBILL_ALPHABET.replace(old, ""):
                with pytest.raises(WaybillTypo):
                    waybill(number[: 2 + position] + new + number[3 + position :])
    for position in range(12):
        for first, second in permutations(WAYBILL_ALPHABET, 2):
            number = number_with({position: first, position + 1: second})
            with pytest.raises(WaybillTypo):
                waybill(number[: 2 + position] + second + first + number[4 + position :])
