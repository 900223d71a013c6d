"""Hidden suite for auth03_depends_security.

Catches: an ``/admin`` route left open (each given route is tried: GET stats, GET users,
DELETE a user, GET whoami), a route added to ``admin_router`` later left open (the
dependency put on single routes instead of the router), the public routes locked (a
dependency on the whole app), a bad token (expired, another key, ``alg: none``, not a
JWT, no ``sub``, and a user's token edited to say ``role: admin``) let in, a valid
non-admin token not answered 403, the wrong details, and a 401 without
``WWW-Authenticate: Bearer``.

Refusal checks first open an admin route with an admin token; the admin and public
checks first see an admin route refuse a request without a token. So neither an app
that refuses everything nor one that admits everyone earns points by accident. The app
is called with server exceptions turned into 500 answers.
"""

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_json, expect_status
from autograder.kit.tokens import bearer, expired, foreign, mint, tampered, unsigned

ADMIN_REQUESTS = [("GET", "/admin/stats"), ("GET", "/admin/users"), ("DELETE", "/admin/users/carol"),
                  ("GET", "/admin/whoami")]
PUBLIC_PATHS = ["/", "/health", "/products"]


@pytest.fixture
def api(student):
    with TestClient(student.app, raise_server_exceptions=False) as test_client:
        yield test_client


def token(student, username="alice", role="admin", **extra):
    return mint({"sub": username, "role": role, **extra}, student.SECRET_KEY, student.ALGORITHM)


def admin_is_let_in(student, api):
    expect_status(api.get("/admin/stats", headers=bearer(token(student))), 200,
                  "an admin's valid token (sub alice, role admin) must open GET /admin/stats")


def admin_is_locked(api):
    response = api.get("/admin/stats")
    expect(response.status_code == 401, f"GET /admin/stats without a token answered {response.status_code}; "
                                        "the admin routes must be locked (401) first")


def expect_401(response, detail, what):
    expect_status(response, 401, f"{what} must be 401 Unauthorized")
    body = expect_json(response)
    expect(body.get("detail") == detail, f"{what} was refused with detail {body.get('detail')!r}; "
                                         f"expected {detail!r}")
    challenge = response.headers.get("www-authenticate")
    expect(challenge is not None and challenge.split()[0].lower() == "bearer",
           f"the 401 for {what} has WWW-Authenticate {challenge!r}; a 401 must carry WWW-Authenticate: Bearer")


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_every_admin_route_needs_a_token(student, api):
    """each /admin route answers 401 'Not authenticated' with WWW-Authenticate: Bearer without a token"""
    for method, path in ADMIN_REQUESTS:
        expect_401(api.request(method, path), "Not authenticated", f"{method} {path} without a token")
    expect("carol" in student.USERS, "DELETE /admin/users/carol without a token deleted carol")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_bad_tokens_are_401(student, api):
    """expired, foreign-key, alg none, malformed and sub-less tokens: 401 'Invalid token'"""
    key, algorithm = student.SECRET_KEY, student.ALGORITHM
    cases = [
        ("an expired admin token", expired({"sub": "alice", "role": "admin"}, key, algorithm)),
        ("an admin token signed with another key", foreign({"sub": "alice", "role": "admin"}, algorithm)),
        ("an unsigned 'alg: none' admin token", unsigned({"sub": "alice", "role": "admin"})),
        ("the bearer value 'not-a-jwt'", "not-a-jwt"),
        ("a signed admin token without sub", mint({"role": "admin"}, key, algorithm)),
    ]
    admin_is_let_in(student, api)
    for what, bad in cases:
        expect_401(api.get("/admin/stats", headers=bearer(bad)), "Invalid token", f"GET /admin/stats with {what}")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_user_token_edited_to_admin_is_401(student, api):
    """bob's user token with its role edited to admin (old signature kept): 401 'Invalid token'"""
    admin_is_let_in(student, api)
    forged = tampered(token(student, "bob", "user"), role="admin")
    for method, path in ADMIN_REQUESTS:
        expect_401(api.request(method, path, headers=bearer(forged)), "Invalid token",
                   f"{method} {path} with bob's token edited to role admin")
    expect("carol" in student.USERS, "a forged token deleted carol")


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_non_admin_is_403(student, api):
    """a valid token whose role is not admin: 403 'Admin role required' on every admin route"""
    admin_is_let_in(student, api)
    for who, user_token in (("bob (role user)", token(student, "bob", "user")),
                            ("a token without a role", mint({"sub": "dave"}, student.SECRET_KEY, student.ALGORITHM))):
        for method, path in ADMIN_REQUESTS:
            response = api.request(method, path, headers=bearer(user_token))
            expect_status(response, 403, f"{who} is authenticated but not an admin: 403 Forbidden")
            detail = expect_json(response).get("detail")
            expect(detail == "Admin role required", f"{method} {path} for {who} answered detail {detail!r}; "
                                                    "expected 'Admin role required'")
    expect("carol" in student.USERS, "a non-admin's DELETE /admin/users/carol deleted carol")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_admin_opens_every_admin_route(student, api):
    """with an admin token: stats, users, whoami answer 200 and DELETE answers 204"""
    admin_is_locked(api)
    headers = bearer(token(student, "alice", "admin"))
    expect_json(api.get("/admin/whoami", headers=headers), {"username": "alice", "role": "admin"},
                "whoami must answer the admin's sub and role from the token")
    expect_json(api.get("/admin/stats", headers=headers), {"users": 3, "products": 2})
    expect_status(api.get("/admin/users", headers=headers), 200, "an admin may list the users")
    expect_status(api.delete("/admin/users/carol", headers=headers), 204, "an admin may delete carol")
    users = expect_json(api.get("/admin/users", headers=headers))
    expect([u.get("username") for u in users] == ["alice", "bob"], f"after deleting carol the users are {users!r}")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_route_added_to_the_router_later_is_protected(student):
    """a route declared on admin_router after import is protected too (the dependency is on the router)"""
    router = student.admin_router

    @router.get("/late-report")
    def late_report() -> dict:
        return {"report": "ready"}

    fresh = FastAPI()
    fresh.include_router(router)
    with TestClient(fresh, raise_server_exceptions=False) as api:
        response = api.get("/admin/late-report")
        expect(response.status_code == 401,
               f"a route added to admin_router later answered {response.status_code} without a token; put "
               "Depends(require_admin) in APIRouter(..., dependencies=[...]) so every route of the router gets it")
        expect_json(api.get("/admin/late-report", headers=bearer(token(student))), {"report": "ready"},
                    "with an admin token the new route must answer")


@pytest.mark.task(3)
@pytest.mark.points(2)
def test_public_routes_stay_open(student, api):
    """/, /health and /products answer 200 without a token and ignore a bad Authorization header"""
    admin_is_locked(api)
    for path in PUBLIC_PATHS:
        for headers, what in (({}, "without a token"), (bearer("not-a-jwt"), "with a bad bearer token"),
                              ({"Authorization": "Basic dXNlcjpwYXNz"}, "with Basic credentials")):
            expect_status(api.get(path, headers=headers), 200,
                          f"the public route {path} must stay open {what}: secure the router, not the app")
    expect_json(api.get("/products"), student.PRODUCTS)
