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

# BEGIN SOLUTION
# Argon2 hashes new passwords (no 72-byte limit). bcrypt stays listed so that hashes
# made earlier with bcrypt still verify; "deprecated='auto'" marks every scheme but the
# first as deprecated, so pwd_context.needs_update(old_hash) says when to re-hash.
# The Argon2 cost is OWASP's baseline (19 MiB, 2 passes, 1 lane): slow for an attacker's
# billions of guesses, quick enough for one login. The library's defaults are stronger.
pwd_context = CryptContext(
    schemes=["argon2", "bcrypt"],
    deprecated="auto",
    argon2__memory_cost=19456,  # KiB
    argon2__rounds=2,  # Argon2's time cost
    argon2__parallelism=1,
)
# END SOLUTION
# STUB: # TODO (task 1): pwd_context = CryptContext(schemes=[...]) with a scheme that has no 72-byte limit.


def hash_password(password: str) -> str:
    """A salted hash of ``password``, safe to store."""
    # BEGIN SOLUTION
    return pwd_context.hash(password)
    # END SOLUTION
    # STUB: # TODO (tasks 1 and 3): hash the password with your CryptContext.
    # STUB: raise NotImplementedError("hash_password() is not written yet")


def verify_password(plain_password: str, hashed_password: str) -> bool:
    """True when ``plain_password`` is the password that ``hashed_password`` was made from."""
    # BEGIN SOLUTION
    try:
        return pwd_context.verify(plain_password, hashed_password)
    except ValueError:  # an unknown or malformed hash (passlib's UnknownHashError is a ValueError)
        return False
    # END SOLUTION
    # STUB: # TODO (task 2): verify with your CryptContext; an unreadable hash must give False.
    # STUB: raise NotImplementedError("verify_password() is not written yet")
