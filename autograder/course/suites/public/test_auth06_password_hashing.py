"""Public checks for auth06_password_hashing: a salted hash, a wrong password, an unreadable hash, a long password."""

import pytest
from passlib.context import CryptContext

from autograder.kit import expect

# Recognises the strings of the password-hashing schemes (it only identifies, never verifies).
KNOWN_SCHEMES = CryptContext(schemes=["argon2", "bcrypt", "scrypt", "pbkdf2_sha256", "pbkdf2_sha512"])


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_hash_is_salted_and_hides_the_password(student):
    """hash_password gives a password-hashing scheme's string, different each time, without the password"""
    first, second = student.hash_password("secure_password"), student.hash_password("secure_password")
    expect(isinstance(first, str) and "secure_password" not in first,
           f"hash_password('secure_password') returned {first!r}; store a hash string, never the password")
    expect(KNOWN_SCHEMES.identify(first) is not None,
           f"hash_password returned {first[:40]!r}, which is no Argon2, bcrypt, scrypt or PBKDF2 hash")
    expect(first != second, "two hashes of one password are equal: a password hash must be salted")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_wrong_password_is_refused(student):
    """another password gives False"""
    hashed = student.hash_password("secure_password")
    expect(student.verify_password("Secure_password", hashed) is False,
           "verify_password('Secure_password', the hash of 'secure_password') did not return False")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_unreadable_hash_is_false(student):
    """a stored value that is no hash (empty, plaintext, truncated) gives False, not an exception"""
    for stored in ("", "secure_password", "$argon2id$v=19$m=19456"):
        try:
            result = student.verify_password("secure_password", stored)
        except NotImplementedError:
            raise
        except Exception as error:  # noqa: BLE001 - the check reports any exception
            expect(False, f"verify_password('secure_password', {stored!r}) raised {type(error).__name__}; "
                   "catch the library's error and return False")
        expect(result is False, f"verify_password('secure_password', {stored!r}) returned {result!r}; expected False")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_long_passwords_differ(student):
    """two 80-byte passwords that differ only after byte 72 are told apart"""
    first, second = "x" * 72 + "-first", "x" * 72 + "-second"
    hashed = student.hash_password(first)
    expect(student.verify_password(second, hashed) is False,
           "a password sharing the first 72 bytes of another one verified against its hash; bcrypt only reads "
           "72 bytes: use Argon2 or pre-hash")
