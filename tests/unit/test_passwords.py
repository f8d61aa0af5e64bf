"""Password hashing: the dummy hash that unknown e-post addresses are verified against."""

from argon2 import PasswordHasher

from vbe_learn.auth import passwords


def test_the_dummy_hash_is_of_todays_parameters_and_verifies_its_text():
    assert not passwords.needs_rehash(passwords.DUMMY_HASH)
    assert PasswordHasher().verify(passwords.DUMMY_HASH, "no such account")


def test_no_stored_hash_never_verifies():
    assert not passwords.verify_password(None, "no such account")
