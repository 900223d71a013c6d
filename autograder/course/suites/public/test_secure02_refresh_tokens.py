"""Public checks for secure02_refresh_tokens: the typed pair, /me for access tokens only, one refresh,
no second use, no access token as a refresh token."""

import uuid

import jwt
import pytest
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from autograder.kit import expect, expect_json, expect_status
from autograder.kit.tokens import bearer, expired, mint

PASSWORD = "Refresh-me-if-you-can-7"


@pytest.fixture
def app_client(student):
    if isinstance(getattr(student, "password_hash", None), PasswordHash):  # cheap Argon2: quick checks
        student.password_hash = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    student.add_user("alice", PASSWORD)
    with TestClient(student.app, raise_server_exceptions=False) as client:
        yield client


def claims_of(student, token):
    return jwt.decode(token, student.SECRET_KEY, algorithms=[student.ALGORITHM])


def issued_refresh_token(student, **extra):
    """A refresh token for alice, remembered in ACTIVE_REFRESH_TOKENS as the server would after issuing it."""
    jti = uuid.uuid4().hex
    student.ACTIVE_REFRESH_TOKENS[jti] = "alice"
    make = extra.pop("make", mint)
    return make({"sub": "alice", "type": "refresh", "jti": jti, **extra}, student.SECRET_KEY, student.ALGORITHM), jti


def refresh(client, token):
    return client.post("/refresh-token", json={"refresh_token": token})


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_login_answers_a_typed_pair(student, app_client):
    """POST /login answers an access token (type access) and a refresh token (type refresh, with a jti)"""
    response = app_client.post("/login", json={"username": "alice", "password": PASSWORD})
    expect_status(response, 200, "the right password must log in")
    body = expect_json(response)
    expect(isinstance(body.get("access_token"), str) and isinstance(body.get("refresh_token"), str)
           and body.get("token_type") == "bearer",
           f"POST /login answered {body!r}; expected access_token, refresh_token and token_type 'bearer'")
    access, refresh_claims = claims_of(student, body["access_token"]), claims_of(student, body["refresh_token"])
    expect(access.get("type") == "access" and access.get("sub") == "alice",
           f"the access token holds {access!r}; expected sub 'alice' and type 'access'")
    expect(refresh_claims.get("type") == "refresh" and refresh_claims.get("jti"),
           f"the refresh token holds {refresh_claims!r}; expected type 'refresh' and a jti")
    expect_status(app_client.post("/login", json={"username": "alice", "password": "wrong"}), 401,
                  "a wrong password must answer 401")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_me_takes_access_tokens_only(student, app_client):
    """GET /me answers for an access token, and 401 for a refresh token"""
    access = mint({"sub": "alice", "type": "access"}, student.SECRET_KEY, student.ALGORITHM)
    expect_json(app_client.get("/me", headers=bearer(access)), {"username": "alice"})
    refresh_token, _ = issued_refresh_token(student)
    response = app_client.get("/me", headers=bearer(refresh_token))
    expect_status(response, 401, "a refresh token must not open GET /me")
    expect(response.headers.get("www-authenticate") == "Bearer", "the 401 must carry WWW-Authenticate: Bearer")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_refresh_gives_a_new_pair(student, app_client):
    """POST /refresh-token with an issued refresh token answers a new pair for the same user"""
    refresh_token, _ = issued_refresh_token(student)
    response = refresh(app_client, refresh_token)
    expect_status(response, 200, "an issued, unused refresh token must be exchanged for a new pair")
    body = expect_json(response)
    expect(isinstance(body.get("access_token"), str) and isinstance(body.get("refresh_token"), str),
           f"POST /refresh-token answered {body!r}; expected access_token and refresh_token")
    expect(body["refresh_token"] != refresh_token, "the new refresh token must differ from the one used")
    sub = claims_of(student, body["access_token"]).get("sub")
    expect(sub == "alice", f"the new access token names {sub!r}; expected 'alice'")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_refresh_token_works_once(student, app_client):
    """a refresh token never issued, or already used, is refused with 401"""
    unknown = mint({"sub": "alice", "type": "refresh", "jti": uuid.uuid4().hex}, student.SECRET_KEY, student.ALGORITHM)
    expect_status(refresh(app_client, unknown), 401,
                  "a refresh token whose jti is not in ACTIVE_REFRESH_TOKENS must be refused with 401")
    refresh_token, jti = issued_refresh_token(student)
    refresh(app_client, refresh_token)
    expect(jti not in student.ACTIVE_REFRESH_TOKENS, "a used refresh token's jti must leave ACTIVE_REFRESH_TOKENS")
    expect_status(refresh(app_client, refresh_token), 401,
                  "a refresh token used a second time must be refused with 401")


@pytest.mark.task(5)
@pytest.mark.points(1)
def test_refresh_refuses_other_tokens(student, app_client):
    """an access token, or an expired refresh token, sent to POST /refresh-token is 401 'Invalid refresh token'"""
    jti = uuid.uuid4().hex
    student.ACTIVE_REFRESH_TOKENS[jti] = "alice"  # even with a known jti, an access token is no refresh token
    access = mint({"sub": "alice", "type": "access", "jti": jti}, student.SECRET_KEY, student.ALGORITHM)
    response = refresh(app_client, access)
    expect_status(response, 401, "an access token must not be accepted as a refresh token")
    expect(response.headers.get("www-authenticate") == "Bearer", "the 401 must carry WWW-Authenticate: Bearer")
    stale, _ = issued_refresh_token(student, make=expired)
    expect_status(refresh(app_client, stale), 401, "an expired refresh token must be refused with 401")
