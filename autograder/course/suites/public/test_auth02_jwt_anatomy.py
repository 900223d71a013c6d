"""Public checks for auth02_jwt_anatomy: signing, reading, a forged token and an expired one refused."""

import jwt
import pytest

from autograder.kit import expect
from autograder.kit.tokens import expired, mint

KEY = "auth02-public-check-signing-key-long-enough-0123456789abcdef"


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_encode_token_signs_the_claims(student):
    """encode_token(claims, key) makes an HS256 token of exactly those claims"""
    claims = {"sub": "alice", "role": "reader"}
    token = student.encode_token(claims, KEY)
    expect(isinstance(token, str) and token.count(".") == 2,
           f"encode_token returned {token!r}; expected a str of three dot-separated parts")
    expect(jwt.get_unverified_header(token).get("alg") == "HS256", "the token's header must say alg HS256")
    try:
        got = jwt.decode(token, KEY, algorithms=["HS256"])
    except jwt.InvalidTokenError as error:
        expect(False, f"the token does not verify with the key it was signed with ({error})")
    expect(got == claims, f"the token holds {got!r}; expected exactly {claims!r}")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_read_claims_reads_any_library_token(student):
    """read_claims gives back the claims of a token another JWT library signed with the key"""
    claims = {"sub": "alice", "role": "reader"}
    got = student.read_claims(mint(claims, KEY, minutes=None), KEY)
    expect(got == claims, f"read_claims returned {got!r}; expected {claims!r}")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_other_key_is_refused(student):
    """a token signed with another key raises jwt.InvalidTokenError"""
    forged = mint({"sub": "alice"}, "a-key-that-is-not-the-servers-key-0123456789", "HS256")
    try:
        got = student.read_claims(forged, KEY)
    except jwt.InvalidTokenError:
        return
    expect(False, f"read_claims accepted a token signed with another key (returned {got!r}); it must raise "
           "jwt.InvalidTokenError")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_read_claims_refuses_an_expired_token(student):
    """a correctly signed token whose exp has passed raises jwt.InvalidTokenError"""
    try:
        got = student.read_claims(expired({"sub": "alice"}, KEY), KEY)
    except jwt.InvalidTokenError:
        return
    expect(False, f"read_claims accepted a token that expired an hour ago (returned {got!r}); it must raise "
           "jwt.InvalidTokenError (jwt.ExpiredSignatureError)")
