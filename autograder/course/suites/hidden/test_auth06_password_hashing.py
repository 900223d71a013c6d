"""Hidden suite for auth06_password_hashing.

Catches: the password stored as is or inside the hash, an unsalted hash (the same
string twice), a fast digest (sha256) instead of a password-hashing scheme, a wrong
password accepted (one character, case, a prefix, the empty string, another user's
password), an exception (or ``True``) for a stored value that is not a hash, non-ASCII
passwords mishandled, and passwords over 72 bytes truncated (bcrypt's limit: two long
passwords sharing their first 72 bytes must be told apart) or refused with an error.

Any correct library passes (passlib/libpass, pwdlib, bcrypt or argon2-cffi directly).
Each test hashes at most a few passwords: slow hashes are the point, so the suite keeps
their number small.
"""

import re

import pytest

from autograder.kit import expect

PASSWORD = "secure_password"


def short(text: str) -> str:
    return repr(text) if len(text) <= 24 else f"{text[:12]!r}...({len(text.encode())} bytes)"


def hash_of(student, password: str) -> str:
    try:
        hashed = student.hash_password(password)
    except NotImplementedError:
        pytest.fail("hash_password() is not written yet", pytrace=False)
    except Exception as exc:  # noqa: BLE001 - any error is the student's to fix
        pytest.fail(f"hash_password({short(password)}) raised {type(exc).__name__}: {exc}; "
                    "every password must hash", pytrace=False)
    expect(isinstance(hashed, str) and hashed,
           f"hash_password({short(password)}) returned {hashed!r}; expected a non-empty str to store")
    return hashed


def verdict(student, password: str, hashed: str):
    try:
        return student.verify_password(password, hashed)
    except NotImplementedError:
        pytest.fail("verify_password() is not written yet", pytrace=False)
    except Exception as exc:  # noqa: BLE001
        pytest.fail(f"verify_password({short(password)}, {short(hashed)}) raised {type(exc).__name__}: {exc}; "
                    "it must answer True or False", pytrace=False)


def expect_accepted(student, password: str, hashed: str, what: str) -> None:
    result = verdict(student, password, hashed)
    expect(result is True, f"verify_password({short(password)}, hash_password(...) of the same password) returned "
                           f"{result!r} for {what}; the right password must give True")


def expect_refused(student, password: str, hashed: str, what: str) -> None:
    result = verdict(student, password, hashed)
    expect(result is False, f"verify_password({short(password)}, <hash of another password>) returned {result!r} "
                            f"for {what}; a wrong password must give False")


# A password-hashing scheme with its work factor, as found at the start of the stored string.
SCHEMES = [
    ("argon2", re.compile(r"^\$argon2(?:id|i)\$v=\d+\$m=(\d+),t=(\d+),p=\d+\$"),
     lambda m, t: int(m) >= 7168 and int(m) * int(t) >= 35840,
     "at least OWASP's minimum, e.g. m=19456 KiB with t=2"),
    ("bcrypt", re.compile(r"^\$2[aby]\$(\d\d)\$"), lambda cost: int(cost) >= 10, "cost of at least 10"),
    ("bcrypt-sha256", re.compile(r"^\$bcrypt-sha256\$v=\d,t=2[aby],r=(\d+)\$"), lambda cost: int(cost) >= 10,
     "cost of at least 10"),
    ("scrypt", re.compile(r"^\$scrypt\$ln=(\d+),r=\d+,p=\d+\$"), lambda ln: int(ln) >= 14, "ln of at least 14"),
    # PBKDF2's floor is passlib's (and libpass's) default for each digest: a student who
    # kept "the library's default" must pass, and the default differs with the digest.
    ("pbkdf2-sha256", re.compile(r"^\$pbkdf2-sha256\$(\d+)\$"), lambda rounds: int(rounds) >= 29000,
     "at least 29000 rounds"),
    ("pbkdf2-sha512", re.compile(r"^\$pbkdf2-sha512\$(\d+)\$"), lambda rounds: int(rounds) >= 25000,
     "at least 25000 rounds"),
    ("pbkdf2-sha1", re.compile(r"^\$pbkdf2\$(\d+)\$"), lambda rounds: int(rounds) >= 131000,
     "at least 131000 rounds"),
]


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_hashes_are_salted_and_hide_the_password(student):
    """two hashes of one password differ (a random salt), hide the password and both verify"""
    first, second = hash_of(student, PASSWORD), hash_of(student, PASSWORD)
    for hashed in (first, second):
        expect(PASSWORD not in hashed, f"hash_password({PASSWORD!r}) returned {hashed!r}, which contains the "
                                       "password; store a hash, never the password")
    expect(first != second, f"hash_password({PASSWORD!r}) returned {first!r} twice; without a random salt, equal "
                            "passwords have equal hashes and one precomputed table cracks them all")
    expect_accepted(student, PASSWORD, first, "the first of two hashes")
    expect_accepted(student, PASSWORD, second, "the second of two hashes")


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_hash_uses_a_slow_password_scheme(student):
    """the hash comes from argon2, bcrypt, scrypt or PBKDF2 with a real work factor"""
    hashed = hash_of(student, PASSWORD)
    for name, pattern, strong_enough, requirement in SCHEMES:
        found = pattern.match(hashed)
        if found:
            expect(strong_enough(*found.groups()),
                   f"hash_password() made the {name} hash {hashed[:40]!r}...; its work factor is too low "
                   f"(use {requirement}, or the library's default)")
            return
    pytest.fail(f"hash_password() returned {hashed[:40]!r}, which is no password-hashing scheme; use Argon2, "
                "bcrypt, scrypt or PBKDF2 (a fast digest such as sha256 lets an attacker try billions of "
                "guesses a second)", pytrace=False)


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_wrong_passwords_are_refused(student):
    """a changed character, another case, a prefix and the empty string give False"""
    hashed = hash_of(student, PASSWORD)
    expect_accepted(student, PASSWORD, hashed, "the right password")
    for wrong, what in (("secure_passwore", "a changed last character"), ("Secure_password", "another case"),
                        ("secure_passwor", "a prefix of the password"), ("", "the empty string")):
        expect_refused(student, wrong, hashed, what)


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_unreadable_hash_gives_false(student):
    """a stored value that is not a hash (empty, garbage, truncated, the plaintext) gives False, not an error"""
    hashed = hash_of(student, PASSWORD)
    for stored, what in (("", "an empty stored hash"), ("not-a-hash", "the stored value 'not-a-hash'"),
                         (hashed[:-8], "a truncated hash"), (PASSWORD, "the plaintext password as stored value")):
        try:
            result = student.verify_password(PASSWORD, stored)
        except Exception as exc:  # noqa: BLE001
            pytest.fail(f"verify_password() raised {type(exc).__name__} ({exc}) for {what}; catch the library's "
                        "error and return False, or every login with a damaged record becomes a 500",
                        pytrace=False)
        expect(result is False, f"verify_password() returned {result!r} for {what}; only a real hash of the "
                                "password may give True")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_non_ascii_passwords(student):
    """passwords with accents, CJK characters and emoji verify, and a one-character change is refused"""
    password = "pässwörd-密码-🔑"
    hashed = hash_of(student, password)
    expect_accepted(student, password, hashed, "a non-ASCII password")
    expect_refused(student, "passwörd-密码-🔑", hashed, "a non-ASCII password without its first accent")


@pytest.mark.task(3)
@pytest.mark.points(2)
def test_long_passwords_are_hashed_in_full(student):
    """two passwords sharing their first 72 bytes are told apart (ASCII, then 4-byte emoji)"""
    cases = (("x" * 72, "72 ASCII characters", True), ("🔑" * 18, "18 emoji (72 bytes)", False))
    for prefix, what, check_right in cases:
        first, second = prefix + "-first", prefix + "-second"
        hashed = hash_of(student, first)
        if check_right:
            expect_accepted(student, first, hashed, f"a password of {len(first.encode())} bytes")
        result = verdict(student, second, hashed)
        expect(result is False,
               f"two passwords starting with the same {what} were both accepted by the same hash: only the "
               "first 72 bytes were hashed (bcrypt's limit); use Argon2 or pre-hash long passwords")
