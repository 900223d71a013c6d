"""Hidden suite for secure02_refresh_tokens.

Catches: a login without a refresh token or without ``type`` claims, lifetimes other than
15 minutes and 7 days, two refresh tokens that are equal (no ``jti``), ``/me`` opened by
a refresh token (or by a missing, expired or forged one), a refresh that does not answer
a working new pair, a refresh token accepted twice (no rotation), an access token
accepted as a refresh token (the source's mistake: it never looks at the token's type),
an expired refresh token accepted, and forged, tampered, ``alg: none`` or malformed
refresh tokens accepted, or refused without ``WWW-Authenticate: Bearer``.

Expiry is judged two ways: with the kit's ``expired`` tokens, and by moving PyJWT's
clock forward (``jwt.api_jwt.datetime``), so that a refresh token issued by the app
itself expires without anyone waiting.
"""

import base64
import json
import re
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_json, expect_status
from autograder.kit.tokens import bearer, expired, foreign, mint, tampered, unsigned

PASSWORD = "Refresh-me-if-you-can-7"


def challenge(response):
    """The scheme named by WWW-Authenticate (its first word, lower-cased; parameters may follow)."""
    return re.split(r"[\s,]", response.headers.get("www-authenticate", "").strip(), maxsplit=1)[0].lower()


class _DatetimeMeta(type):
    def __instancecheck__(cls, value):
        return isinstance(value, datetime)


class ShiftedClock(metaclass=_DatetimeMeta):
    """Stands in for ``datetime`` inside PyJWT: ``now()`` runs ``offset`` ahead."""

    offset = timedelta(0)

    @classmethod
    def now(cls, tz=None):
        return datetime.now(tz) + cls.offset


@pytest.fixture
def app_client(student):
    student.add_user("alice", PASSWORD)
    with TestClient(student.app, raise_server_exceptions=False) as client:
        yield client


def claims_of(token):
    """The payload, read without verification (to inspect what the app issued)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def login(client, username="alice", password=PASSWORD):
    return client.post("/login", json={"username": username, "password": password})


def pair(client):
    response = login(client)
    expect_status(response, 200, "alice logging in with the right password must answer 200")
    body = expect_json(response)
    expect(isinstance(body, dict) and isinstance(body.get("access_token"), str)
           and isinstance(body.get("refresh_token"), str),
           f"POST /login answered {body!r}; expected access_token and refresh_token")
    return body["access_token"], body["refresh_token"]


def refresh(client, token):
    return client.post("/refresh-token", json={"refresh_token": token})


def expect_refused(response, why, detail):
    expect_status(response, 401, why)
    expect(challenge(response) == "bearer",
           f"{why}: the 401 must carry WWW-Authenticate: Bearer (it had {response.headers.get('www-authenticate')!r})")
    expect_json(response, {"detail": detail}, f"expected the detail {detail!r}")


def expect_refreshed(response, why):
    expect_status(response, 200, why)
    body = expect_json(response)
    expect(isinstance(body, dict) and isinstance(body.get("access_token"), str)
           and isinstance(body.get("refresh_token"), str) and body.get("token_type") == "bearer",
           f"POST /refresh-token answered {body!r}; expected a new access_token, refresh_token and token_type 'bearer'")
    return body


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_login_answers_a_typed_pair(student, app_client):
    """POST /login answers an access and a refresh token with their type claims; bad passwords get 401"""
    response = login(app_client)
    expect_status(response, 200, "alice logging in with the right password must answer 200")
    expect(response.json().get("token_type") == "bearer", f"token_type is {response.json().get('token_type')!r}")
    access, refresh_token = pair(app_client)
    for token, kind in ((access, "access"), (refresh_token, "refresh")):
        try:
            token_claims = jwt.decode(token, student.SECRET_KEY, algorithms=[student.ALGORITHM])
        except jwt.InvalidTokenError as exc:
            pytest.fail(f"the {kind} token does not verify with SECRET_KEY and ALGORITHM: {exc}", pytrace=False)
        expect(token_claims.get("sub") == "alice" and token_claims.get("type") == kind,
               f"the {kind} token holds {token_claims}; expected sub 'alice' and type {kind!r}")
    expect_refused(login(app_client, password="wrong-password"), "a wrong password", "Incorrect username or password")
    expect_refused(login(app_client, username="mallory"), "an unknown user", "Incorrect username or password")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_lifetimes_and_unique_refresh_tokens(app_client):
    """access tokens live 15 minutes, refresh tokens 7 days, and no two refresh tokens are equal"""
    access, first_refresh = pair(app_client)
    _, second_refresh = pair(app_client)
    now = datetime.now(UTC)
    access_left = datetime.fromtimestamp(claims_of(access).get("exp", 0), UTC) - now
    refresh_left = datetime.fromtimestamp(claims_of(first_refresh).get("exp", 0), UTC) - now
    expect(timedelta(minutes=14) < access_left <= timedelta(minutes=15, seconds=5),
           f"the access token expires in {access_left}; expected 15 minutes")
    expect(timedelta(days=7) - timedelta(minutes=1) < refresh_left <= timedelta(days=7, seconds=5),
           f"the refresh token expires in {refresh_left}; expected 7 days")
    expect(first_refresh != second_refresh,
           "two logins in the same second got the same refresh token; give each one a unique jti (uuid4)")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_me_accepts_access_tokens_only(student, app_client):
    """GET /me opens with an access token, not with a refresh token nor a bad one"""
    access, refresh_token = pair(app_client)
    response = app_client.get("/me", headers=bearer(access))
    expect_status(response, 200, "GET /me with alice's access token must answer 200")
    expect_json(response, {"username": "alice"}, "expected {'username': 'alice'}")
    key, algorithm = student.SECRET_KEY, student.ALGORITHM
    for headers, what in [
        ({}, "no token"),
        (bearer(refresh_token), "a refresh token (it is not an access token)"),
        (bearer(expired({"sub": "alice", "type": "access"}, key, algorithm)), "an expired access token"),
        (bearer(foreign({"sub": "alice", "type": "access"}, algorithm)), "an access token signed with another key"),
        (bearer(unsigned({"sub": "alice", "type": "access"})), "an 'alg: none' token"),
        (bearer(mint({"sub": "alice", "type": "access"}, key, algorithm, minutes=None)),
         "an access token without exp (it would never expire)"),
        (bearer("not.a.jwt"), "a malformed token"),
    ]:
        expect_refused(app_client.get("/me", headers=headers), f"GET /me with {what}", "Could not validate credentials")


@pytest.mark.task(3)
@pytest.mark.points(2)
def test_refresh_answers_a_working_new_pair(student, app_client):
    """POST /refresh-token answers a new pair: the access token opens /me, the refresh token differs and works"""
    _, old_refresh = pair(app_client)
    body = expect_refreshed(refresh(app_client, old_refresh), "refreshing with a fresh refresh token must answer 200")
    expect(body["refresh_token"] != old_refresh, "the refresh answered the same refresh token; issue a new one")
    new_claims = claims_of(body["access_token"])
    expect(new_claims.get("sub") == "alice" and new_claims.get("type") == "access",
           f"the new access token holds {new_claims}; expected sub 'alice' and type 'access'")
    expect_json(app_client.get("/me", headers=bearer(body["access_token"])), {"username": "alice"},
                "the new access token must open GET /me as alice")
    expect_refreshed(refresh(app_client, body["refresh_token"]), "the NEW refresh token must work in its turn")
    expect_status(app_client.post("/refresh-token", json={}), 422, "a refresh without refresh_token must be 422")


@pytest.mark.task(4)
@pytest.mark.points(2)
def test_a_refresh_token_works_once(app_client):
    """a used refresh token is refused with 401, even after its successor was used"""
    _, first = pair(app_client)
    second = expect_refreshed(refresh(app_client, first), "the first use of a refresh token must answer 200")
    expect_refused(refresh(app_client, first), "reusing a refresh token that was already used",
                   "Invalid refresh token")
    expect_refreshed(refresh(app_client, second["refresh_token"]), "the successor refresh token must work once")
    expect_refused(refresh(app_client, second["refresh_token"]), "reusing the successor refresh token",
                   "Invalid refresh token")
    expect_refused(refresh(app_client, first), "using the first refresh token a third time", "Invalid refresh token")


@pytest.mark.task(5)
@pytest.mark.points(1)
def test_access_token_is_not_a_refresh_token(student, app_client):
    """an access token (or any token whose type is not refresh) is refused by /refresh-token"""
    access, refresh_token = pair(app_client)
    expect_refused(refresh(app_client, access), "using an access token as a refresh token", "Invalid refresh token")
    as_access = mint({**claims_of(refresh_token), "type": "access"}, student.SECRET_KEY, student.ALGORITHM)
    expect_refused(refresh(app_client, as_access), "a genuine token of type 'access' carrying a refresh token's jti",
                   "Invalid refresh token")
    expect_refreshed(refresh(app_client, refresh_token), "the real refresh token must still work afterwards")


@pytest.mark.task(5)
@pytest.mark.points(1)
def test_expired_refresh_token_is_refused(monkeypatch, app_client):
    """a refresh token works until its 7 days are over and is refused after"""
    _, young = pair(app_client)
    _, old = pair(app_client)
    monkeypatch.setattr(jwt.api_jwt, "datetime", ShiftedClock)
    ShiftedClock.offset = timedelta(days=7) - timedelta(hours=1)
    try:
        expect_refreshed(refresh(app_client, young), "a refresh token 6 days and 23 hours old must still work")
        ShiftedClock.offset = timedelta(days=7, minutes=1)
        expect_refused(refresh(app_client, old), "a refresh token 7 days and 1 minute old (expired)",
                       "Invalid refresh token")
    finally:
        ShiftedClock.offset = timedelta(0)


@pytest.mark.task(5)
@pytest.mark.points(1)
def test_forged_refresh_tokens_are_refused(student, app_client):
    """forged, tampered, expired, 'alg: none' and malformed refresh tokens are refused"""
    _, genuine = pair(app_client)
    genuine_claims = claims_of(genuine)
    forged_claims = {key: value for key, value in genuine_claims.items() if key != "exp"}
    for token, what in [
        (foreign(forged_claims, student.ALGORITHM), "a refresh token signed with another key"),
        (unsigned(forged_claims), "an 'alg: none' refresh token"),
        (tampered(genuine, sub="mallory"), "a tampered refresh token"),
        (expired(forged_claims, student.SECRET_KEY, student.ALGORITHM), "an expired refresh token"),
        (mint(forged_claims, student.SECRET_KEY, student.ALGORITHM, minutes=None),
         "a refresh token without exp (it would never expire)"),
        ("not.a.jwt", "a malformed token"),
    ]:
        expect_refused(refresh(app_client, token), f"refreshing with {what}", "Invalid refresh token")
    expect_refreshed(refresh(app_client, genuine), "the genuine refresh token must still work after the attacks")
