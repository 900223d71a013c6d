"""Counting password-hashing work: every slow primitive call is one unit, whichever library makes it."""

from __future__ import annotations

import hashlib

import bcrypt
import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pwdlib.hashers.bcrypt import BcryptHasher

from autograder.kit import hashing
from autograder.kit.hashing import HashingCounter

SECRET = b"correct horse battery staple"


@pytest.fixture(scope="module")
def bcrypt_hash() -> bytes:
    return bcrypt.hashpw(SECRET, bcrypt.gensalt(rounds=4))  # the cheapest cost: these tests count, not time


def test_each_verification_counts_once(monkeypatch, bcrypt_hash):
    counter = HashingCounter(monkeypatch)
    assert bcrypt.checkpw(SECRET, bcrypt_hash) is True  # answers as before
    assert bcrypt.checkpw(b"wrong", bcrypt_hash) is False
    hashlib.pbkdf2_hmac("sha256", SECRET, b"salt", 1)
    assert dict(counter.calls) == {"bcrypt.checkpw": 2, "hashlib.pbkdf2_hmac": 1}
    assert counter.take() == 3


def test_take_answers_the_calls_since_the_last_take(monkeypatch, bcrypt_hash):
    counter = HashingCounter(monkeypatch)
    bcrypt.checkpw(SECRET, bcrypt_hash)
    assert counter.take() == 1
    assert counter.take() == 0
    bcrypt.checkpw(SECRET, bcrypt_hash)
    bcrypt.checkpw(SECRET, bcrypt_hash)
    assert counter.take() == 2


def test_a_new_salt_counts_only_when_asked(monkeypatch):
    counter = HashingCounter(monkeypatch)
    bcrypt.gensalt(rounds=4)
    assert counter.take() == 0
    counter = HashingCounter(monkeypatch, new_hashes=True)
    bcrypt.gensalt(rounds=4)
    assert dict(counter.calls) == {"bcrypt.gensalt": 1}


def test_pwdlibs_argon2_is_counted_where_argon2_does_the_work(monkeypatch):
    hasher = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8, parallelism=1),))
    stored = hasher.hash("secret")
    counter = HashingCounter(monkeypatch, new_hashes=True)
    assert hasher.verify("secret", stored) and not hasher.verify("nope", stored)
    assert counter.calls["argon2._password_hasher.verify_secret"] == 2
    hasher.hash("another")
    assert counter.calls["argon2._password_hasher.hash_secret"] == 1


def test_pwdlibs_bcrypt_is_counted(monkeypatch):
    hasher = PasswordHash((BcryptHasher(rounds=4),))
    stored = hasher.hash("secret")
    counter = HashingCounter(monkeypatch)
    assert hasher.verify("secret", stored)
    assert counter.take() == 1


def test_the_originals_come_back_with_the_monkeypatch(monkeypatch):
    original = bcrypt.checkpw
    HashingCounter(monkeypatch)
    assert bcrypt.checkpw is not original
    monkeypatch.undo()
    assert bcrypt.checkpw is original


def test_a_library_this_environment_lacks_is_skipped(monkeypatch):
    monkeypatch.setattr(hashing, "VERIFY_PRIMITIVES", [("no_such_hashing_library", "verify"),
                                                      ("hashlib", "no_such_function"), ("hashlib", "scrypt")])
    counter = HashingCounter(monkeypatch)
    hashlib.scrypt(SECRET, salt=b"salt", n=2, r=1, p=1)
    assert dict(counter.calls) == {"hashlib.scrypt": 1}
    assert not hasattr(hashlib, "no_such_function")
