"""Password hashing with passlib: salted, slow, and correct for every password.

A login system never stores a password, only a *hash* of it: a one-way, deliberately
slow, salted function. At login the typed password is hashed again the same way (with
the salt kept inside the stored string) and the results are compared.

The card asks for passlib. passlib 1.7.4 itself is unmaintained and breaks with
bcrypt 5 (every hash fails); this course installs ``libpass``, its maintained fork,
which keeps the ``passlib`` import name. Whatever the library, bcrypt only reads the
first 72 bytes of a password (bcrypt 5 refuses longer ones with ``ValueError``), so
pick a scheme without that limit (Argon2, as FastAPI's docs now do with pwdlib), or
pre-hash long passwords yourself.

Task 1. ``hash_password(password)`` returns a string made by a password-hashing scheme
        (Argon2, bcrypt, scrypt or PBKDF2, with its work factor), salted: hashing the
        same password twice gives two different strings, and neither contains the
        password.
Task 2. ``verify_password(plain_password, hashed_password)`` returns ``True`` for the
        right password and ``False`` for any other. A stored value it cannot read (an
        empty string, a truncated hash, a plaintext password) gives ``False``, never an
        exception.
Task 3. Every password works in full: non-ASCII characters, and passwords longer than
        72 bytes (two long passwords that differ only after their 72nd byte are told
        apart).
"""

from passlib.context import CryptContext

# TODO (task 1): pwd_context = CryptContext(schemes=[...]) with a scheme that has no 72-byte limit.


def hash_password(password: str) -> str:
    """A salted hash of ``password``, safe to store."""
    # TODO (tasks 1 and 3): hash the password with your CryptContext.
    raise NotImplementedError("hash_password() is not written yet")


def verify_password(plain_password: str, hashed_password: str) -> bool:
    """True when ``plain_password`` is the password that ``hashed_password`` was made from."""
    # TODO (task 2): verify with your CryptContext; an unreadable hash must give False.
    raise NotImplementedError("verify_password() is not written yet")
