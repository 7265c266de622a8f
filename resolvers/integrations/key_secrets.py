"""API key secrets: their shape, and the keyed hash that is all the database keeps of them.

A secret is `clk_live_` (`clk_test_` outside production), 40 random base62 characters (238
bits) and a 6-character CRC32 of them, as GitHub's tokens: the fixed prefix lets secret
scanners find a leaked key, the checksum lets them (and us) tell a real one from a look-alike
without a database query.

Stored as HMAC-SHA256 under a server-side pepper, not with a password hash such as argon2: a
slow hash protects guessable passwords, but 238 random bits cannot be guessed anyway, and
argon2's ~50 ms of CPU on every request would be the cost of nothing. The key of the HMAC
lives outside the database (CARGOLIVE_API_KEY_PEPPER), so a copied table alone cannot even
confirm a secret found elsewhere.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import zlib

LIVE_PREFIX = "clk_live_"
TEST_PREFIX = "clk_test_"
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
RANDOM_CHARS = 40
CHECK_CHARS = 6
SHOWN_CHARS = 6  # of the random part, in the public prefix that tells keys apart


def _base62(number: int, width: int) -> str:
    digits = []
    for _ in range(width):
        number, digit = divmod(number, len(ALPHABET))
        digits.append(ALPHABET[digit])
    return "".join(reversed(digits))


def _checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode()), CHECK_CHARS)


def new_secret(*, live: bool) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_CHARS))
    return (LIVE_PREFIX if live else TEST_PREFIX) + body + _checksum(body)


def is_key(secret: str) -> bool:
    """True for a string shaped like an API key (prefix, length, checksum), live or test."""
    prefix, body = secret[: len(LIVE_PREFIX)], secret[len(LIVE_PREFIX) :]
    if prefix not in {LIVE_PREFIX, TEST_PREFIX} or len(body) != RANDOM_CHARS + CHECK_CHARS:
        return False
    return hmac.compare_digest(_checksum(body[:RANDOM_CHARS]), body[RANDOM_CHARS:])


def public_prefix(secret: str) -> str:
    return secret[: len(LIVE_PREFIX) + SHOWN_CHARS]


def secret_hash(secret: str, pepper: str) -> str:
    return hmac.new(pepper.encode(), secret.encode(), hashlib.sha256).hexdigest()
