"""Public checks for auth06_password_hashing: a round trip, a wrong password, a long password."""

import pytest

from autograder.kit import expect


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_round_trip(student):
    """the hash of a password is not the password, and the password verifies against it"""
    hashed = student.hash_password("secure_password")
    expect(isinstance(hashed, str) and "secure_password" not in hashed,
           f"hash_password('secure_password') returned {hashed!r}; store a hash string, never the password")
    expect(student.verify_password("secure_password", hashed) is True,
           "verify_password('secure_password', its hash) did not return True")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_wrong_password_is_refused(student):
    """another password gives False"""
    hashed = student.hash_password("secure_password")
    expect(student.verify_password("Secure_password", hashed) is False,
           "verify_password('Secure_password', the hash of 'secure_password') did not return False")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_long_passwords_differ(student):
    """two 80-byte passwords that differ only after byte 72 are told apart"""
    first, second = "x" * 72 + "-first", "x" * 72 + "-second"
    hashed = student.hash_password(first)
    expect(student.verify_password(second, hashed) is False,
           "a password sharing the first 72 bytes of another one verified against its hash; bcrypt only reads "
           "72 bytes: use Argon2 or pre-hash")
