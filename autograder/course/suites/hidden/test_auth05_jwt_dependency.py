"""Hidden suite for auth05_jwt_dependency.

Catches: a valid token refused or its user lost; a missing header not answered 401 with
``WWW-Authenticate: Bearer``; and every bad token that is not a clean 401: expired
(detail ``"Token has expired"``), signed with another key, edited payload, ``alg: none``,
no ``sub``, not a JWT (detail ``"Invalid token"``), each with ``WWW-Authenticate:
Bearer``. The source's answer catches ``jwt.JWTError``, which PyJWT does not have:
Python evaluates that ``except`` clause only when an exception reaches it, so the first
bad token other than an expired one raises ``AttributeError`` and the answer is a 500.
The app is called with server exceptions turned into 500 answers, so such a crash reads
as a status, not a traceback.

Each refusal check first sends a valid token: an app that refuses everyone earns nothing
for refusing.
"""

import pytest
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_json, expect_status
from autograder.kit.tokens import bearer, expired, foreign, mint, tampered, unsigned

PATH = "/protected-route"


@pytest.fixture
def api(student):
    """A client on the student's app that answers 500 instead of raising the app's exceptions."""
    with TestClient(student.app, raise_server_exceptions=False) as test_client:
        yield test_client


def good_token(student, username="alice"):
    return mint({"sub": username}, student.SECRET_KEY, student.ALGORITHM)


def valid_token_is_accepted(student, api):
    """Precondition of the refusal checks."""
    response = api.get(PATH, headers=bearer(good_token(student, "alice")))
    expect_status(response, 200, "a valid token (sub 'alice', signed with SECRET_KEY) must be accepted")


def expect_refused(student, api, headers, what, detail):
    valid_token_is_accepted(student, api)
    response = api.get(PATH, headers=headers)
    if response.status_code == 500:
        pytest.fail(f"{what} crashed the app (500); if you catch jwt.JWTError, PyJWT has no such name: "
                    "catch jwt.InvalidTokenError and raise HTTPException(401)", pytrace=False)
    expect_status(response, 401, f"{what} must be refused with 401 Unauthorized")
    body = expect_json(response)
    expect(body.get("detail") == detail, f"{what} was refused with detail {body.get('detail')!r}; "
                                         f"expected {detail!r}")
    return response


def expect_bearer_challenge(response, what):
    challenge = response.headers.get("www-authenticate")
    expect(challenge is not None and challenge.split()[0].lower() == "bearer",
           f"the 401 for {what} has WWW-Authenticate {challenge!r}; a 401 must carry "
           "WWW-Authenticate: Bearer (headers={\"WWW-Authenticate\": \"Bearer\"})")


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_valid_token_grants_access(student, api):
    """a valid token gets 200 {"message": "Access granted", "user": {"username": <sub>}}"""
    for username in ("alice", "bob"):
        expect_json(api.get(PATH, headers=bearer(good_token(student, username))),
                    {"message": "Access granted", "user": {"username": username}},
                    f"a valid token for {username!r} must answer the message and that user")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_missing_header_is_401_with_challenge(student, api):
    """no Authorization header: 401 with WWW-Authenticate: Bearer"""
    valid_token_is_accepted(student, api)
    response = api.get(PATH)
    expect_status(response, 401, "a request without a token must be 401 Unauthorized")
    expect_bearer_challenge(response, "a request without a token")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_expired_token_says_so(student, api):
    """an expired token: 401 with the detail 'Token has expired'"""
    token = expired({"sub": "alice"}, student.SECRET_KEY, student.ALGORITHM)
    expect_refused(student, api, bearer(token), "an expired token", "Token has expired")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_edited_payload_is_invalid(student, api):
    """a token whose payload was edited (sub -> admin) keeps its old signature: 401 'Invalid token'"""
    token = tampered(good_token(student, "alice"), sub="admin")
    expect_refused(student, api, bearer(token), "a token whose payload was edited", "Invalid token")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_token_signed_with_another_key_is_invalid(student, api):
    """a token signed with a key the app does not know: 401 'Invalid token'"""
    token = foreign({"sub": "alice"}, student.ALGORITHM)
    expect_refused(student, api, bearer(token), "a token signed with another key", "Invalid token")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_alg_none_is_invalid(student, api):
    """an unsigned 'alg: none' token: 401 'Invalid token'"""
    expect_refused(student, api, bearer(unsigned({"sub": "admin"})), "an unsigned 'alg: none' token",
                   "Invalid token")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_token_without_sub_is_invalid(student, api):
    """a correctly signed token that names no user (no sub, or an empty one): 401 'Invalid token'"""
    for claims in ({"role": "admin"}, {"sub": ""}):
        token = mint(claims, student.SECRET_KEY, student.ALGORITHM)
        expect_refused(student, api, bearer(token), f"a signed token with claims {claims!r}", "Invalid token")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_garbage_is_invalid(student, api):
    """a bearer value that is not a JWT: 401 'Invalid token'"""
    for garbage in ("not-a-jwt", "a.b.c"):
        expect_refused(student, api, bearer(garbage), f"the bearer value {garbage!r}", "Invalid token")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_every_refusal_carries_the_challenge(student, api):
    """each bad-token 401 (expired, wrong key, edited, alg none, no sub) carries WWW-Authenticate: Bearer"""
    key, algorithm = student.SECRET_KEY, student.ALGORITHM
    cases = [
        ("an expired token", expired({"sub": "alice"}, key, algorithm), "Token has expired"),
        ("a token signed with another key", foreign({"sub": "alice"}, algorithm), "Invalid token"),
        ("an edited token", tampered(good_token(student), sub="admin"), "Invalid token"),
        ("an 'alg: none' token", unsigned({"sub": "alice"}), "Invalid token"),
        ("a token without sub", mint({"role": "admin"}, key, algorithm), "Invalid token"),
    ]
    for what, token, detail in cases:
        expect_bearer_challenge(expect_refused(student, api, bearer(token), what, detail), what)
