"""Public checks for secure03_rbac: who am I, a role check, admin-only user management, roles from the store."""

from typing import Annotated

import pytest
from fastapi import Header, HTTPException
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_json, expect_status
from autograder.kit.tokens import bearer, mint

PEOPLE = {"ann": "admin", "bob": "user", "gus": "guest"}


@pytest.fixture
def app_client(student):
    for name, role in PEOPLE.items():
        student.USERS[name] = {"username": name, "role": role, "hashed_password": "not-needed-here"}
    with TestClient(student.app, raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def stood_in(student, app_client):
    """get_current_user replaced by a stand-in (the stored user named by the header X-User), so
    that the role checks are judged whatever get_current_user does."""
    def stand_in_user(x_user: Annotated[str, Header()] = "") -> dict:
        if x_user not in student.USERS:
            raise HTTPException(401, "Could not validate credentials", headers={"WWW-Authenticate": "Bearer"})
        return student.USERS[x_user]

    student.app.dependency_overrides[student.get_current_user] = stand_in_user
    return app_client


def as_(student, username, **claims):
    return bearer(mint({"sub": username, **claims}, student.SECRET_KEY, student.ALGORITHM))


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_me(student, app_client):
    """GET /me answers bob's name and role; no token answers 401"""
    expect_json(app_client.get("/me", headers=as_(student, "bob")), {"username": "bob", "role": "user"})
    expect_status(app_client.get("/me"), 401)


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_reports_refuse_guests(stood_in):
    """GET /reports: bob (user) 200, gus (guest) 403"""
    expect_status(stood_in.get("/reports", headers={"X-User": "bob"}), 200, "a user must read GET /reports")
    expect_status(stood_in.get("/reports", headers={"X-User": "gus"}), 403, "a guest must get 403 from GET /reports")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_users_list_is_admin_only(stood_in):
    """GET /users: ann (admin) gets the sorted list, bob (user) 403"""
    expect_json(stood_in.get("/users", headers={"X-User": "ann"}),
                [{"username": "ann", "role": "admin"}, {"username": "bob", "role": "user"},
                 {"username": "gus", "role": "guest"}])
    expect_status(stood_in.get("/users", headers={"X-User": "bob"}), 403, "a user must get 403 from GET /users")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_role_comes_from_the_store(student, app_client):
    """a role claim, an X-Role header or ?role= grant nothing; a stored role change applies at once"""
    forged = app_client.get("/me", headers={**as_(student, "bob", role="admin"), "X-Role": "admin"},
                            params={"role": "admin"})
    expect_json(forged, {"username": "bob", "role": "user"})
    token = as_(student, "gus")
    student.USERS["gus"]["role"] = "admin"
    body = expect_json(app_client.get("/me", headers=token))
    expect(isinstance(body, dict) and body.get("role") == "admin",
           f"after gus became admin in USERS, GET /me with his old token answered {body!r}; read the role from USERS")
