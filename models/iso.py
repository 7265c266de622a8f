"""ISO code tables for the validators: country codes and currencies with their minor units.

ISO 3166-1 alpha-2: the 249 officially assigned codes (unchanged since SS in 2011); reserved
and user-assigned codes such as EU, UK or XK are not in it.
ISO 4217 list one as of amendment 180 (2026-01-01); recently withdrawn and so absent: CUC,
HRK (now EUR), SLL (now SLE), ZWL (now ZWG), ANG (now XCG), BGN (now EUR).
"""

COUNTRIES = frozenset(
    (
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ "
        "BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ "
        "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ "
        "DE DJ DK DM DO DZ "
        "EC EE EG EH ER ES ET "
        "FI FJ FK FM FO FR "
        "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY "
        "HK HM HN HR HT HU "
        "ID IE IL IM IN IO IQ IR IS IT "
        "JE JM JO JP "
        "KE KG KH KI KM KN KP KR KW KY KZ "
        "LA LB LC LI LK LR LS LT LU LV LY "
        "MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ "
        "NA NC NE NF NG NI NL NO NP NR NU NZ "
        "OM "
        "PA PE PF PG PH PK PL PM PN PR PS PT PW PY "
        "QA "
        "RE RO RS RU RW "
        "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ "
        "TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ "
        "UA UG UM US UY UZ "
        "VA VC VE VG VI VN VU "
        "WF WS "
        "YE YT "
        "ZA ZM ZW"
    ).split()
)

_NO_DECIMALS = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_THREE_DECIMALS = "BHD IQD JOD KWD LYD OMR TND"
_FOUR_DECIMALS = "CLF UYW"
_TWO_DECIMALS = (
    "AED AFN ALL AMD AOA ARS AUD AWG AZN "
    "BAM BBD BDT BMD BND BOB BOV BRL BSD BTN BWP BYN BZD "
    "CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK "
    "DKK DOP DZD "
    "EGP ERN ETB EUR "
    "FJD FKP "
    "GBP GEL GHS GIP GMD GTQ GYD "
    "HKD HNL HTG HUF "
    "IDR ILS INR IRR "
    "JMD "
    "KES KGS KHR KPW KYD KZT "
    "LAK LBP LKR LRD LSL "
    "MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN "
    "NAD NGN NIO NOK NPR NZD "
    "PAB PEN PGK PHP PKR PLN "
    "QAR "
    "RON RSD RUB "
    "SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL "
    "THB TJS TMT TOP TRY TTD TWD TZS "
    "UAH USD USN UYU UZS "
    "VED VES "
    "WST "
    "XAD XCD XCG "
    "YER "
    "ZAR ZMW ZWG"
)

CURRENCY_MINOR_UNITS: dict[str, int] = {
    **dict.fromkeys(_NO_DECIMALS.split(), 0),
    **dict.fromkeys(_TWO_DECIMALS.split(), 2),
    **dict.fromkeys(_THREE_DECIMALS.split(), 3),
    **dict.fromkeys(_FOUR_DECIMALS.split(), 4),
}

# Active codes whose minor unit is "N.A.": precious metals, bond market and drawing-right units,
# the testing code and "no currency". Valid ISO 4217, but nothing a deposit can be paid in.
NON_MONEY_CURRENCIES = frozenset("XAG XAU XBA XBB XBC XBD XDR XPD XPT XSU XTS XUA XXX".split())
