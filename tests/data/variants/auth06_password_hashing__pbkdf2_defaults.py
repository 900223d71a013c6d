# expected: 10/10
# why: PBKDF2-SHA512 with the library's default rounds (25000) is what the task's own message accepts.
"""A correct answer that keeps passlib's defaults: PBKDF2 has no 72-byte limit either."""

from passlib.context import CryptContext

pwd_context = CryptContext(schemes=["pbkdf2_sha512"])


def hash_password(password: str) -> str:
    return pwd_context.hash(password)


def verify_password(plain_password: str, hashed_password: str) -> bool:
    try:
        return pwd_context.verify(plain_password, hashed_password)
    except ValueError:
        return False
