"""Counting the password-hashing work a request costs, for suites that judge login flows.

A login that refuses an unknown username faster than a wrong password tells an attacker
which usernames exist. Timing that on a loaded machine is flaky, so the suites count
instead: every call into the slow primitive of the hashing libraries a student may use
(pwdlib, libpass's passlib, bcrypt, hashlib) is one unit of work.
"""

from __future__ import annotations

import importlib
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest

# Where the password libraries do their slow work (module, attribute).
VERIFY_PRIMITIVES = [
    ("bcrypt", "checkpw"),
    ("bcrypt", "hashpw"),  # passlib's bcrypt backend verifies by hashing again
    ("argon2.low_level", "verify_secret"),  # passlib's argon2 backend
    ("argon2._password_hasher", "verify_secret"),  # argon2.PasswordHasher.verify (pwdlib)
    ("hashlib", "pbkdf2_hmac"),
    ("hashlib", "scrypt"),
]
HASH_PRIMITIVES = [
    ("argon2.low_level", "hash_secret"),  # passlib's argon2 backend
    ("argon2._password_hasher", "hash_secret"),  # argon2.PasswordHasher.hash (pwdlib)
    ("bcrypt", "gensalt"),  # every new bcrypt hash needs a salt; verifying does not
]


class HashingCounter:
    """Counts calls to the hashing primitives that exist in this environment.

    ``take()`` answers the calls since the last ``take()``. By default only verifications
    count; with ``new_hashes=True`` making a new hash counts too, which tells a login that
    verifies against a dummy hash made once from one that makes a new dummy every time.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, new_hashes: bool = False) -> None:
        self.calls: Counter[str] = Counter()
        for module_name, attribute in VERIFY_PRIMITIVES + (HASH_PRIMITIVES if new_hashes else []):
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            original = getattr(module, attribute, None)
            if original is not None:
                monkeypatch.setattr(module, attribute, self._counting(f"{module_name}.{attribute}", original))

    def _counting(self, name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return original(*args, **kwargs)

        return counted

    def take(self) -> int:
        total = sum(self.calls.values())
        self.calls.clear()
        return total
