"""API tokens: random, shown once, stored as a salted scrypt digest.

A token reads `tdir_<lookup>_<secret>`: the lookup finds the row without scanning, the secret is
checked against its digest in constant time. Nothing stored lets anyone rebuild a token.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

PREFIX = "tdir"
# scrypt cost: ~16 MiB and a few tens of milliseconds per check (RFC 7914's interactive setting).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


@dataclass(frozen=True)
class NewToken:
    lookup: str
    secret: str
    salt: bytes
    digest: bytes

    @property
    def token(self) -> str:
        return f"{PREFIX}_{self.lookup}_{self.secret}"


def digest(secret: str, salt: bytes) -> bytes:
    return hashlib.scrypt(secret.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)


def new_token() -> NewToken:
    lookup, secret, salt = secrets.token_hex(8), secrets.token_urlsafe(32), secrets.token_bytes(16)
    return NewToken(lookup, secret, salt, digest(secret, salt))


def split_token(token: str) -> tuple[str, str] | None:
    """(lookup, secret) of a well-formed token, else None."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or len(parts[1]) != 16 or not parts[2]:
        return None
    return parts[1], parts[2]


def matches(secret: str, salt: bytes, expected: bytes) -> bool:
    return hmac.compare_digest(digest(secret, salt), expected)
