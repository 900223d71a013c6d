"""Public checks for auth03_depends_security: require_admin, the router locked by it, public routes open."""

from typing import Annotated

import pytest
from fastapi import Header, HTTPException
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_status
from autograder.kit.tokens import bearer, mint


def stand_in_admin_check(x_admin: Annotated[str | None, Header()] = None) -> dict:
    """Replaces require_admin, so that the router's lock is checked whatever require_admin does."""
    if x_admin != "yes":
        raise HTTPException(401, "Not authenticated", headers={"WWW-Authenticate": "Bearer"})
    return {"sub": "alice", "role": "admin"}


@pytest.fixture
def locked_client(student):
    """The app with require_admin replaced by a stand-in: 401 unless the header X-Admin: yes."""
    student.app.dependency_overrides[student.require_admin] = stand_in_admin_check
    with TestClient(student.app) as client:
        yield client


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_require_admin(student, client):
    """require_admin (on GET /admin/whoami): 401 without a token, 403 for a user, the claims for an admin"""
    response = client.get("/admin/whoami")
    expect_status(response, 401, "GET /admin/whoami without a token must be 401")
    expect(response.headers.get("www-authenticate") == "Bearer", "a 401 must carry WWW-Authenticate: Bearer")
    user = mint({"sub": "bob", "role": "user"}, student.SECRET_KEY, student.ALGORITHM)
    expect_status(client.get("/admin/whoami", headers=bearer(user)), 403,
                  "a valid token without the admin role must be 403")
    admin = mint({"sub": "alice", "role": "admin"}, student.SECRET_KEY, student.ALGORITHM)
    response = client.get("/admin/whoami", headers=bearer(admin))
    expect_status(response, 200, "an admin token must open GET /admin/whoami")
    expect(response.json() == {"username": "alice", "role": "admin"},
           f"GET /admin/whoami answered {response.json()!r}: require_admin must return the token's claims")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_router_carries_the_dependency(locked_client):
    """every route of admin_router runs require_admin: GET /admin/stats is locked, and opened by it"""
    expect_status(locked_client.get("/admin/stats"), 401,
                  "GET /admin/stats answered without running require_admin: attach it to the router")
    expect_status(locked_client.get("/admin/stats", headers={"X-Admin": "yes"}), 200,
                  "GET /admin/stats must answer once require_admin lets the caller in")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_public_route_is_open_while_admin_is_locked(locked_client):
    """GET /products answers 200 without a token, while /admin/stats does not"""
    expect(locked_client.get("/admin/stats").status_code == 401, "lock the admin routes first (task 2)")
    expect_status(locked_client.get("/products"), 200, "the public routes must stay open")
