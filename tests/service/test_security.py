"""Attacks on the tokens and the roles: forged, expired, swapped, replayed, revoked, or
carried by the wrong role, each answered with one line and nothing let through."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from sqlalchemy import delete, select

from autograder.service.models import RefreshToken, User
from tests.support.service import ITEM, SECRET, bearer

#: The API routes anyone may call (they take a password, a sign-up token or a refresh token).
PUBLIC = {("POST", "/api/token"), ("POST", "/api/refresh"), ("POST", "/api/logout"), ("POST", "/api/signup")}
#: Routes for any signed-in account.
SIGNED_IN = {("GET", "/api/me"), ("POST", "/api/terminal-token")}
#: Routes for students only. Every other API route must refuse a student: a new route lands
#: in the instructor's column unless someone adds it here on purpose.
STUDENT = {("GET", "/api/items"), ("POST", "/api/submissions/{item_id}"), ("GET", "/api/submissions"),
           ("GET", "/api/submissions/{submission_id}"), ("GET", "/api/events")}
#: The instructor's routes today (a check that the walk over the schema finds them).
KNOWN_INSTRUCTOR = {("GET", "/api/audit"), ("GET", "/api/class/events"), ("GET", "/api/exports/{kind}"),
                    ("GET", "/api/flags"), ("GET", "/api/gradebook"), ("GET", "/api/roster"), ("POST", "/api/roster"),
                    ("POST", "/api/roster/{username}/link"), ("POST", "/api/regrade"),
                    ("GET", "/api/students/{username}/history")}
#: A value for each path parameter, so that the route itself is reached.
SAMPLE = {"item_id": ITEM, "submission_id": "1", "username": "ada.lovelace", "kind": "csv"}


def api_routes(app) -> list[tuple[str, str]]:
    """Every API operation the app publishes (its OpenAPI schema: FastAPI 0.165 nests the
    included routers' routes out of ``app.routes``' reach)."""
    return sorted((method.upper(), path) for path, operations in app.openapi()["paths"].items()
                  if path.startswith("/api") for method in operations)


def call(service, method: str, path: str, headers: dict[str, str]):
    url = path.format(**SAMPLE)
    return service.client.request(method, url, headers=headers)


def forged(claims: dict, secret: str = SECRET, alg: str = "HS256") -> str:
    now = datetime.now(UTC)
    return jwt.encode({"iat": now, "exp": now + timedelta(minutes=5), **claims}, secret, algorithm=alg)


def assert_401(response, detail: str) -> None:
    assert (response.status_code, response.json()) == (401, {"detail": detail})
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_every_instructor_route_refuses_a_student_with_one_line(service):
    student = service.student("Ada Lovelace")
    routes = api_routes(service.client.app)
    instructor_only = [r for r in routes if r not in PUBLIC | SIGNED_IN | STUDENT]
    assert set(instructor_only) >= KNOWN_INSTRUCTOR  # the schema walk finds the routes at all
    for method, path in instructor_only:
        response = call(service, method, path, student)
        assert (response.status_code, response.json()) == (403, {"detail": "this needs the instructor role"}), path
    # and nothing a student tried was recorded as an instructor's action
    audit = service.client.get("/api/audit", headers=service.instructor).json()
    assert [(e["actor"], e["action"]) for e in audit] == [("instructor", "roster.import")]


def test_every_student_route_refuses_the_instructor_and_every_route_a_stranger(service):
    routes = api_routes(service.client.app)
    for method, path in sorted(STUDENT):
        response = call(service, method, path, service.instructor)
        assert (response.status_code, response.json()) == (403, {"detail": "this needs the student role"}), path
    for method, path in routes:
        if (method, path) in PUBLIC:
            continue
        assert_401(call(service, method, path, {}), "sign in first: this needs a bearer token")


def test_an_expired_access_token_is_refused(service_with):
    service = service_with(access_seconds=-1)
    assert_401(service.client.get("/api/me", headers=service.instructor), "the token has expired; sign in again")


def test_a_tampered_signature_and_a_foreign_key_are_refused(service):
    token = service.instructor["Authorization"].removeprefix("Bearer ")
    head, body, signature = token.split(".")
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    assert_401(service.client.get("/api/me", headers=bearer(f"{head}.{body}.{flipped}")), "the token is not valid")
    other = forged({"sub": "1", "scope": "instructor", "type": "access"}, secret="another install's secret" * 2)
    assert_401(service.client.get("/api/me", headers=bearer(other)), "the token is not valid")


def test_a_student_cannot_promote_their_token(service):
    """The claims of a student's token, changed to the instructor's role and re-encoded
    unsigned (alg none) or with the signature kept: both refused."""
    student = service.student("Ada Lovelace")
    head, body, signature = student["Authorization"].removeprefix("Bearer ").split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["scope"] = "instructor"
    promoted = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    none_head = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    for token in (f"{head}.{promoted}.{signature}", f"{none_head}.{promoted}."):
        assert_401(service.client.get("/api/roster", headers=bearer(token)), "the token is not valid")


def test_alg_none_is_refused(service):
    unsigned = jwt.encode({"sub": "1", "scope": "instructor", "type": "access", "iat": 1, "exp": 2**40},
                          key=None, algorithm="none")
    assert_401(service.client.get("/api/roster", headers=bearer(unsigned)), "the token is not valid")


def test_a_refresh_token_is_not_an_access_token_and_back(service):
    tokens = service.sign_in("instructor").json()
    assert_401(service.client.get("/api/me", headers=bearer(tokens["refresh_token"])), "this is not an access token")
    response = service.client.post("/api/refresh", json={"refresh_token": tokens["access_token"]})
    assert_401(response, "this is not a refresh token")
    response = service.client.post("/api/logout", json={"refresh_token": tokens["access_token"]})
    assert_401(response, "this is not a refresh token")


def test_a_token_for_an_account_that_never_signed_up_or_was_deleted(service):
    invite = service.enrol("Ada Lovelace")["Ada Lovelace"]
    ada = service.db(select(User).where(User.username == invite["username"]))[0]
    never = forged({"sub": str(ada.id), "scope": "student", "type": "access"})
    assert_401(service.client.get("/api/me", headers=bearer(never)), "the account no longer exists")
    ghost = forged({"sub": "4242", "scope": "student", "type": "access"})
    assert_401(service.client.get("/api/items", headers=bearer(ghost)), "the account no longer exists")
    garbled = forged({"sub": "not a number", "scope": "student", "type": "access"})
    assert_401(service.client.get("/api/items", headers=bearer(garbled)), "the account no longer exists")
    # An account removed from the store (its refresh tokens first, as the foreign key asks).
    tokens = service.sign_up(invite["token"])
    service.db(delete(RefreshToken).where(RefreshToken.user_id == ada.id))
    service.db(delete(User).where(User.id == ada.id))
    assert_401(service.client.get("/api/me", headers=bearer(tokens["access_token"])), "the account no longer exists")
    response = service.client.post("/api/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert_401(response, "the refresh token is not valid; sign in again")


def test_a_forged_refresh_token_is_not_in_the_store(service):
    fake = forged({"sub": "1", "type": "refresh", "jti": "0" * 32, "fam": "0" * 32})
    assert_401(service.client.post("/api/refresh", json={"refresh_token": fake}),
               "the refresh token is not valid; sign in again")


def test_a_replayed_refresh_token_signs_out_its_whole_family(service):
    first = service.sign_in("instructor").json()["refresh_token"]
    other_session = service.sign_in("instructor").json()["refresh_token"]
    second = service.client.post("/api/refresh", json={"refresh_token": first})
    assert second.status_code == 200
    replay = service.client.post("/api/refresh", json={"refresh_token": first})
    assert_401(replay, "the refresh token was already used; every session it started is signed out")
    after = service.client.post("/api/refresh", json={"refresh_token": second.json()["refresh_token"]})
    assert_401(after, "the refresh token is not valid; sign in again")
    # another sign-in (another family) is untouched
    assert service.client.post("/api/refresh", json={"refresh_token": other_session}).status_code == 200
    fam = jwt.decode(first, SECRET, algorithms=["HS256"])["fam"]
    family = service.db(select(RefreshToken).where(RefreshToken.family == fam))
    assert sorted((t.used, t.revoked) for t in family) == [(False, True), (True, True)]


def test_logout_revokes_the_family(service):
    tokens = service.sign_in("instructor").json()
    nxt = service.client.post("/api/refresh", json={"refresh_token": tokens["refresh_token"]}).json()
    assert service.client.post("/api/logout", json={"refresh_token": tokens["refresh_token"]}).status_code == 204
    response = service.client.post("/api/refresh", json={"refresh_token": nxt["refresh_token"]})
    assert_401(response, "the refresh token is not valid; sign in again")


@pytest.mark.parametrize("value", ["Bearer", "Basic aW5zdHJ1Y3Rvcjp4", "Bearer " + "x" * 5000, "Bearer a.b.c"])
def test_a_malformed_authorization_header_is_one_line(service, value):
    response = service.client.get("/api/me", headers={"Authorization": value})
    assert response.status_code == 401
    assert response.json()["detail"] in {"sign in first: this needs a bearer token", "the token is not valid"}


def test_argon2_hashes_and_verifies_off_the_event_loop(monkeypatch):
    """A hash takes tens of milliseconds of CPU: on the loop it would stall every request."""
    import asyncio
    import threading

    from autograder.service import security

    ran: list[int] = []
    real_hash, real_verify = security._hasher.hash, security._hasher.verify
    monkeypatch.setattr(security._hasher, "hash", lambda p: ran.append(threading.get_ident()) or real_hash(p))
    monkeypatch.setattr(security._hasher, "verify",
                        lambda p, h: ran.append(threading.get_ident()) or real_verify(p, h))

    async def both() -> tuple[int, bool]:
        hashed = await security.hash_password("a password")
        return threading.get_ident(), await security.verify_password("a password", hashed)

    loop_thread, verified = asyncio.run(both())
    assert verified and len(ran) == 2 and loop_thread not in ran
    assert security._hasher.hashers[0].__class__.__name__ == "Argon2Hasher"
