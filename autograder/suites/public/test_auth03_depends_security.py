"""Public checks for auth03_depends_security: admin locked, admin let in, public open."""

import pytest

from autograder.kit import expect, expect_status
from autograder.kit.tokens import bearer, mint


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_admin_route_needs_a_token(client):
    """GET /admin/stats without a token is 401 with WWW-Authenticate: Bearer"""
    response = client.get("/admin/stats")
    expect_status(response, 401, "the admin routes must be locked")
    expect(response.headers.get("www-authenticate") == "Bearer", "a 401 must carry WWW-Authenticate: Bearer")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_admin_token_opens_the_router(student, client):
    """an admin token opens GET /admin/stats, which is locked without one"""
    expect(client.get("/admin/stats").status_code == 401, "lock the admin routes first")
    token = mint({"sub": "alice", "role": "admin"}, student.SECRET_KEY, student.ALGORITHM)
    expect_status(client.get("/admin/stats", headers=bearer(token)), 200)


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_public_route_is_open_while_admin_is_locked(client):
    """GET /products answers 200 without a token, while /admin/stats does not"""
    expect(client.get("/admin/stats").status_code == 401, "lock the admin routes first")
    expect_status(client.get("/products"), 200, "the public routes must stay open")
