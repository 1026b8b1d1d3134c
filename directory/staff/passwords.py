"""Password hashing (argon2id) and the weak-password rule. Passwords are never logged or stored plain."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
# A short list of the passwords and words most often tried first; the length rule does most of the work.
_COMMON = {
    "password",
    "passw0rd",
    "qwerty",
    "letmein",
    "welcome",
    "admin",
    "administrator",
    "council",
    "sefton",
    "knowsley",
    "localoffer",
    "changeme",
    "iloveyou",
    "monkey",
    "dragon",
    "football",
    "123456",
    "12345678",
    "123456789",
    "1234567890",
    "abc123",
    "111111",
    "000000",
}

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


def use_hasher(hasher: PasswordHasher) -> None:
    """Tests use cheaper argon2id parameters (still argon2id, still salted) to stay fast on 2 cores."""
    global _hasher, DUMMY_HASH
    _hasher = hasher
    DUMMY_HASH = hash_password("not-a-real-password-used-for-timing-only")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def password_problems(password: str, *, email: str = "") -> list[str]:
    """Plain-words reasons a password is too weak; empty when it is acceptable."""
    problems: list[str] = []
    lowered = password.lower()
    if len(password) < MIN_LENGTH:
        problems.append(f"Password must be at least {MIN_LENGTH} characters long")
    if len(set(password)) < 5:
        problems.append("Password must not repeat the same few characters")
    stripped = "".join(ch for ch in lowered if ch.isalpha())
    if (
        lowered in _COMMON
        or stripped in _COMMON
        or any(lowered.startswith(w) and len(lowered) - len(w) <= 4 for w in _COMMON)
    ):
        problems.append("Password is too common: use three or more random words")
    local_part = email.split("@", 1)[0].lower()
    if local_part and len(local_part) >= 3 and local_part in lowered:
        problems.append("Password must not contain your email address")
    return problems


# A hash of a random string, verified against when the email is unknown so sign-in takes the same time.
DUMMY_HASH = hash_password("not-a-real-password-used-for-timing-only")
