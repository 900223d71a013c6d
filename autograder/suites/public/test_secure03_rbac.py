"""Public checks for secure03_rbac: who am I, a role check, an admin-only route."""

import pytest
from fastapi.testclient import TestClient

from autograder.kit import expect_json, expect_status
from autograder.kit.tokens import bearer, mint

PEOPLE = {"ann": "admin", "bob": "user", "gus": "guest"}


@pytest.fixture
def app_client(student):
    for name, role in PEOPLE.items():
        student.add_user(name, "Role-play-password-1", role=role)
    with TestClient(student.app, raise_server_exceptions=False) as client:
        yield client


def as_(student, username):
    return bearer(mint({"sub": username}, student.SECRET_KEY, student.ALGORITHM))


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_me(student, app_client):
    """GET /me answers bob's name and role; no token answers 401"""
    expect_json(app_client.get("/me", headers=as_(student, "bob")), {"username": "bob", "role": "user"})
    expect_status(app_client.get("/me"), 401)


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_reports_refuse_guests(student, app_client):
    """GET /reports: bob (user) 200, gus (guest) 403"""
    expect_status(app_client.get("/reports", headers=as_(student, "bob")), 200)
    expect_status(app_client.get("/reports", headers=as_(student, "gus")), 403)


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_users_list_is_admin_only(student, app_client):
    """GET /users: ann (admin) 200, bob (user) 403"""
    expect_status(app_client.get("/users", headers=as_(student, "ann")), 200)
    expect_status(app_client.get("/users", headers=as_(student, "bob")), 403)
