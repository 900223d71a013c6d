"""Public checks for auth02_jwt_anatomy: a round trip, and a forged token refused."""

import jwt
import pytest

from autograder.kit import expect
from autograder.kit.tokens import mint

KEY = "auth02-public-check-signing-key-long-enough-0123456789abcdef"


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_round_trip(student):
    """read_claims(encode_token(claims, key), key) gives the claims back"""
    claims = {"sub": "alice", "role": "reader"}
    token = student.encode_token(claims, KEY)
    expect(jwt.get_unverified_header(token).get("alg") == "HS256", "the token's header must say alg HS256")
    got = student.read_claims(token, KEY)
    expect(got == claims, f"read_claims returned {got!r}; expected {claims!r}")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_other_key_is_refused(student):
    """a token signed with another key raises jwt.InvalidTokenError"""
    forged = mint({"sub": "alice"}, "a-key-that-is-not-the-servers-key-0123456789", "HS256")
    with pytest.raises(jwt.InvalidTokenError):
        student.read_claims(forged, KEY)
