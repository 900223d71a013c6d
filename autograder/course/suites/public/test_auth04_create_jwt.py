"""Public checks for auth04_create_jwt.

The claims, the algorithm, an exp 30 minutes away, the caller's dict untouched.
"""

import time

import jwt
import pytest

from autograder.kit import expect

KEY = "auth04-public-check-signing-key-long-enough-for-hs512-0123456789abcdef"


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_token_holds_the_payload(student):
    """create_jwt_token({"sub": "alice"}, key, "HS256", 30) verifies with the key and keeps sub"""
    token = student.create_jwt_token({"sub": "alice"}, KEY, "HS256", 30)
    claims = jwt.decode(token, KEY, algorithms=["HS256"], options={"verify_exp": False})
    expect(claims.get("sub") == "alice", f"the token's claims are {claims!r}; expected sub 'alice'")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_algorithm_is_honoured(student):
    """algorithm="HS512" gives a token whose header says HS512"""
    token = student.create_jwt_token({"sub": "bob"}, KEY, "HS512", 30)
    alg = jwt.get_unverified_header(token).get("alg")
    expect(alg == "HS512", f"asked for HS512, the token's header says alg={alg!r}")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_exp_is_thirty_minutes_away(student):
    """with expires_in_minutes=30, exp is about 1800 s from now"""
    before = time.time()
    token = student.create_jwt_token({"sub": "carol"}, KEY, "HS256", 30)
    exp = jwt.decode(token, KEY, algorithms=["HS256"]).get("exp")
    expect(isinstance(exp, int | float) and abs(exp - before - 1800) <= 3,
           f"exp is {exp!r}; expected about {before + 1800:.0f} (now + 1800 s)")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_callers_payload_is_untouched(student):
    """the payload dict passed in is the same after the call (no exp added to it)"""
    payload = {"sub": "dave", "role": "reader"}
    student.create_jwt_token(payload, KEY, "HS256", 30)
    expect(payload == {"sub": "dave", "role": "reader"},
           f"after the call the caller's payload is {payload!r}: sign a copy, do not add exp to the caller's dict")
