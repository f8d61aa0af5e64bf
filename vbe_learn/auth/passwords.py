"""Password hashing with argon2id at OWASP's recommended parameters (19 MiB, t=2, p=1)."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when the email is unknown, so that both cases take the same time: the
# argon2id hash of "no such account" at the parameters above (made once, not at every start;
# tests/unit/test_passwords.py checks it still matches them).
DUMMY_HASH = (
    "$argon2id$v=19$m=19456,t=2,p=1$x+HwgK9JDln/LxDSI6QDiw"
    "$MQRu/KzfxKI2oRAYP5uwbm1qVxUuDgQpmhG+YE0SDDw"
)

MIN_PASSWORD_LENGTH = 12


def hash_password(password: str) -> str:
    """Hash a password for storage."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches the stored hash (always spends the same work)."""
    try:
        return _hasher.verify(password_hash or DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)
