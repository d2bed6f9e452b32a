import pytest

from app.services import passwords
from app.services.errors import ServiceError


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", "Use at least 8 characters."),
        ("1234567", "Use at least 8 characters."),
        ("x" * 129, "Use at most 128 characters."),
        ("password", "This password is too common and easy to guess. Choose another."),
        ("PassWord", "This password is too common and easy to guess. Choose another."),
        ("iloveyou", "This password is too common and easy to guess. Choose another."),
        ("12345678", "This password is too common and easy to guess. Choose another."),
    ],
)
def test_check_new_password_refuses(password, message):
    with pytest.raises(ServiceError) as caught:
        passwords.check_new_password(password, field="new_password")

    assert caught.value.message == message
    assert caught.value.field == "new_password"


@pytest.mark.parametrize(
    "password",
    [
        "x" * 8,
        "x" * 128,
        "correct horse battery",
        "pässwörd ñandú",
        "日本語のパスワードです",
        "🎸🎹🥁🎺🎻🎷🪕🎤",
        "        ",
        "tab\there\nnewline",
    ],
)
def test_check_new_password_accepts_any_characters(password):
    assert passwords.check_new_password(password) is None


def test_common_passwords_are_compared_without_case():
    words = passwords.common_passwords()

    assert "password" in words
    assert all(word == word.casefold() for word in words)


def test_hash_is_salted_scrypt_without_the_password():
    first = passwords.hash_password("pässwörd ñandú")
    second = passwords.hash_password("pässwörd ñandú")

    assert first.startswith("scrypt:")
    assert first != second
    assert "pässwörd" not in first


@pytest.mark.parametrize(
    ("attempt", "expected"),
    [
        ("pässwörd ñandú", True),
        ("Pässwörd ñandú", False),
        ("pässwörd ñandú ", False),
        ("", False),
    ],
)
def test_verify_password_matches_exactly(attempt, expected):
    password_hash = passwords.hash_password("pässwörd ñandú")

    assert passwords.verify_password(password_hash, attempt) is expected


def test_verify_password_without_a_hash_is_always_false():
    assert passwords.verify_password(None, "not-a-real-password") is False
