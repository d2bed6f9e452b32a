"""Password rules and hashing (scrypt, through Werkzeug)."""

from functools import cache
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from app.services.errors import ServiceError

MIN_LENGTH = 8
MAX_LENGTH = 128

# Checked against when nobody has the email, so that a wrong email costs the
# same time as a wrong password and the two cannot be told apart.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


@cache
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    words = path.read_text().split()
    return frozenset(word.casefold() for word in words)


def check_new_password(password: str, field: str = "password") -> None:
    """Refuse short, over-long and common passwords; any characters allowed."""
    if len(password) < MIN_LENGTH:
        raise ServiceError(f"Use at least {MIN_LENGTH} characters.", field)
    if len(password) > MAX_LENGTH:
        raise ServiceError(f"Use at most {MAX_LENGTH} characters.", field)
    if password.casefold() in common_passwords():
        raise ServiceError(
            "This password is too common and easy to guess. Choose another.", field
        )


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str | None, password: str) -> bool:
    if password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)
