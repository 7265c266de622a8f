"""Pure validators: each returns the normalized value or raises ValueError naming the rule.

Messages are short and user-facing; the caller attaches the field path.
"""

from __future__ import annotations

import re
import secrets
import string
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from models.iso import COUNTRIES, CURRENCY_MINOR_UNITS, NON_MONEY_CURRENCIES

# Keys of rows: ids are 32-bit integers (PostgreSQL's integer), the event log's seq 64-bit.
MAX_KEY = 2**31 - 1
MAX_SEQ = 2**63 - 1


def key(value: str, limit: int = MAX_KEY) -> int:
    """A row's key as written in an id or a cursor: ASCII digits only (str.isdigit and int
    take ١ for 1), within the column's range."""
    if not (value.isascii() and value.isdigit()) or len(value) > 19:
        raise ValueError("is not a key")
    number = int(value)
    if not 0 <= number <= limit:
        raise ValueError("is not a key")
    return number


# Text: characters that no one types. C0 and C1 controls but tab and line breaks (PostgreSQL
# refuses NUL in text outright), and the invisible ones that make a blank look filled.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_INVISIBLE = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufeff\uffa0"
)
_BLANK = re.compile(f"[\\s{_INVISIBLE}]*")


def control_character(value: str) -> str | None:
    """The first control character of `value` as U+XXXX, or None."""
    found = _CONTROL.search(value)
    return None if found is None else f"U+{ord(found[0]):04X}"


def blank(value: str) -> bool:
    """True for text made only of white space and invisible characters (zero-width ones)."""
    return _BLANK.fullmatch(value) is not None


def _upper(value: str) -> str:
    # str.upper turns some non-ASCII letters into ASCII ones (ß → SS, ı → I): leave those to fail.
    return "".join(ch.upper() if ch.isascii() else ch for ch in value.strip())


# VIN: ISO 3779, check digit in position 9 as in 49 CFR 565.15.

_VIN_VALUES = {
    **{digit: int(digit) for digit in string.digits},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_NORTH_AMERICA = "12345"


def _vin_check_digit(vin: str) -> str:
    remainder = sum(_VIN_VALUES[ch] * w for ch, w in zip(vin, _VIN_WEIGHTS, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


# One range per concept (issue 15): a model year is 1886 (the Benz Patent-Motorwagen) to next
# year (model years run a year ahead of the calendar), in bookings and customs estimates alike.
FIRST_MODEL_YEAR = 1886
# The 17-character VIN with its rules is the standard from the 1981 model year (ISO 3779, 49 CFR
# 565): older vehicles carry the maker's own serial, 5 to 17 letters and digits, no check digit.
STANDARD_VIN_FROM = 1981
OLD_VIN_LENGTHS = range(5, 18)


def model_year(year: int, this_year: int) -> int:
    if not FIRST_MODEL_YEAR <= year <= this_year + 1:
        raise ValueError(f"must be {FIRST_MODEL_YEAR} to {this_year + 1}")
    return year


def vin(value: str, year: int | None = None) -> str:
    """A VIN as of its model year: before 1981 the maker's serial, else the 17-character VIN.

    Without a year the standard rules apply."""
    number = _upper(value)
    if year is not None and year < STANDARD_VIN_FROM:
        if len(number) not in OLD_VIN_LENGTHS or not re.fullmatch("[A-Z0-9]+", number):
            raise ValueError(
                f"of a {year} vehicle must be {OLD_VIN_LENGTHS.start} to"
                f" {OLD_VIN_LENGTHS.stop - 1} letters A–Z and digits 0–9"
            )
        return number
    if len(number) != 17:
        raise ValueError(
            f"must be 17 characters (vehicles from {STANDARD_VIN_FROM} on;"
            f" {OLD_VIN_LENGTHS.start} to {OLD_VIN_LENGTHS.stop - 1} before)"
        )
    if any(ch in "IOQ" for ch in number):
        raise ValueError("must not contain I, O or Q")
    if not all(ch in _VIN_VALUES for ch in number):
        raise ValueError("must contain only letters A–Z and digits 0–9")
    if number[0] in _NORTH_AMERICA:
        expected = _vin_check_digit(number)
        if number[8] != expected:
            raise ValueError(f"check digit (9th character) should be {expected} for this VIN")
    return number


# Container numbers: ISO 6346.


def _container_letter_values() -> dict[str, int]:
    values, value = {}, 10
    for letter in string.ascii_uppercase:
        if value % 11 == 0:
            value += 1
        values[letter] = value
        value += 1
    return values


_CONTAINER_VALUES = {**_container_letter_values(), **{d: int(d) for d in string.digits}}


def _container_check_digit(number: str) -> str:
    total = sum(_CONTAINER_VALUES[ch] * 2**position for position, ch in enumerate(number[:10]))
    return str(total % 11 % 10)


def container_number(value: str) -> str:
    number = "".join(_upper(value).split())
    if len(number) != 11:
        raise ValueError("must be 11 characters")
    if not re.fullmatch("[A-Z]{3}", number[:3]):
        raise ValueError("owner code (first 3 characters) must be letters")
    if number[3] not in "UJZ":
        raise ValueError("category (4th character) must be U, J or Z")
    if not re.fullmatch("[0-9]{6}", number[4:10]):
        raise ValueError("serial number (5th to 10th character) must be digits")
    expected = _container_check_digit(number)
    if number[10] != expected:
        raise ValueError(f"check digit (11th character) should be {expected}")
    return number


# Places, countries, currencies and money.

_UNLOCODE = re.compile("([A-Z]{2}) ?([A-Z2-9]{3})")


def country(value: str) -> str:
    code = _upper(value)
    if not re.fullmatch("[A-Z]{2}", code):
        raise ValueError("must be a 2-letter ISO 3166-1 country code")
    if code not in COUNTRIES:
        raise ValueError(f"{code} is not an ISO 3166-1 country code")
    return code


def unlocode(value: str) -> str:
    match = _UNLOCODE.fullmatch(_upper(value))
    if match is None:
        raise ValueError("must be a country code and 3 letters or digits 2–9, like DEHAM")
    return country(match[1]) + match[2]


def _currency_code(value: str) -> str:
    code = _upper(value)
    if not re.fullmatch("[A-Z]{3}", code):
        raise ValueError("must be a 3-letter ISO 4217 currency code")
    if code in NON_MONEY_CURRENCIES:
        raise ValueError(f"{code} is not a currency money can be paid in")
    if code not in CURRENCY_MINOR_UNITS:
        raise ValueError(f"{code} is not an active ISO 4217 currency code")
    return code


def currency(value: str) -> str:
    return _currency_code(value)


def minor_units(currency: str) -> int:
    return CURRENCY_MINOR_UNITS[_currency_code(currency)]


# One ceiling for every amount (10^12 major units): far above any deposit, rate or refund, and
# inside the numeric(18, 3) columns.
MAX_MONEY = Decimal(10) ** 12
_DECIMAL = re.compile(r"-?[0-9]{1,30}(\.[0-9]{1,30})?")


def decimal_text(value: object) -> Decimal:
    """A decimal as a client writes it: ASCII digits and one point (no ١٠, no 1_000, no 1e9)."""
    text = str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
    if not isinstance(text, str) or not _DECIMAL.fullmatch(text):
        raise ValueError("must be a decimal number written with the digits 0-9, like 1250.50")
    return Decimal(text)


# 28 significant digits, the decimal module's default, whatever the caller's context says.
_MONEY = Context(prec=28, rounding=ROUND_HALF_UP, traps=[InvalidOperation])


def _require_finite(amount: Decimal) -> None:
    if not isinstance(amount, Decimal):
        raise TypeError(f"amount must be a Decimal, not {type(amount).__name__}")
    if not amount.is_finite():
        raise ValueError("must be a finite number")


def _to_minor_unit(amount: Decimal, code: str) -> Decimal:
    unit = Decimal(1).scaleb(-CURRENCY_MINOR_UNITS[code])
    try:
        return amount.quantize(unit, rounding=ROUND_HALF_UP, context=_MONEY)
    except InvalidOperation:
        raise ValueError("is too large") from None


def money(amount: Decimal, currency: str) -> tuple[Decimal, str]:
    """The amount at the currency's minor unit; trailing zeros (10.000 EUR) are not an error."""
    code = _currency_code(currency)
    _require_finite(amount)
    if amount < 0:
        raise ValueError("must not be negative")
    if amount > MAX_MONEY:
        raise ValueError(f"must be at most {MAX_MONEY:,f}")
    exact = _to_minor_unit(amount, code)
    if exact != amount:
        places = CURRENCY_MINOR_UNITS[code]
        raise ValueError(f"{code} has {places or 'no'} decimal places")
    return exact.copy_abs(), code  # copy_abs: -0 becomes 0


def round_money(amount: Decimal, currency: str) -> Decimal:
    _require_finite(amount)
    return _to_minor_unit(amount, _currency_code(currency))


# Waybill numbers: "CL", 12 random Crockford base32 symbols (60 bits) and a check symbol.

WAYBILL_PREFIX = "CL"
WAYBILL_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
WAYBILL_RANDOM_LENGTH = 12
WAYBILL_LENGTH = len(WAYBILL_PREFIX) + WAYBILL_RANDOM_LENGTH + 1

_WAYBILL_VALUES = {symbol: value for value, symbol in enumerate(WAYBILL_ALPHABET)}
_CONFUSABLES = str.maketrans({"O": "0", "I": "1", "L": "1"})


class WaybillTypo(ValueError):
    """Not a waybill number as typed (shape or check symbol), as opposed to an unknown one."""


def _checksum(symbols: str) -> int:
    """Σ x^k·v_k in GF(32) (modulus x^5 + x^2 + 1), k counted from the right end.

    x generates GF(32)*, so the weights of up to 31 positions are distinct and nonzero:
    substituting b for a at k changes the sum by x^k·(a+b) ≠ 0, and swapping a and b at j and k
    by (x^j + x^k)·(a+b) ≠ 0 (+ is XOR). Every substitution and every transposition is caught.
    """
    total = 0
    for symbol in symbols:
        total <<= 1
        if total & 0b100000:
            total ^= 0b100101
        total ^= _WAYBILL_VALUES[symbol]
    return total


def _check_symbol(body: str) -> str:
    # _checksum(body + c) is x·_checksum(body) + c, and c + c is 0 in GF(32).
    return WAYBILL_ALPHABET[_checksum(body + "0")]


def new_waybill() -> str:
    body = "".join(secrets.choice(WAYBILL_ALPHABET) for _ in range(WAYBILL_RANDOM_LENGTH))
    return waybill_with_body(body)


def waybill_with_body(body: str) -> str:
    """The waybill of 12 symbols of WAYBILL_ALPHABET: prefix, body and check symbol."""
    if len(body) != WAYBILL_RANDOM_LENGTH or set(body) - set(WAYBILL_ALPHABET):
        raise ValueError(f"a waybill body is {WAYBILL_RANDOM_LENGTH} of {WAYBILL_ALPHABET}")
    return WAYBILL_PREFIX + body + _check_symbol(body)


def waybill(value: str) -> str:
    compact = _upper(value).replace(" ", "").replace("-", "")
    if not compact.startswith(WAYBILL_PREFIX):
        raise WaybillTypo(f"must start with {WAYBILL_PREFIX}")
    if len(compact) != WAYBILL_LENGTH:
        raise WaybillTypo(f"must be {WAYBILL_LENGTH} characters")
    symbols = compact[len(WAYBILL_PREFIX) :].translate(_CONFUSABLES)
    for symbol in symbols:
        if symbol not in _WAYBILL_VALUES:
            raise WaybillTypo(f"must not contain {symbol}")
    if _checksum(symbols) != 0:
        raise WaybillTypo("check character does not match: the number is mistyped")
    return WAYBILL_PREFIX + symbols


def format_waybill(number: str) -> str:
    """The stored form in groups of five for people to read: CL7K3-M9QX2-TB4H5."""
    return "-".join(number[start : start + 5] for start in range(0, len(number), 5))
