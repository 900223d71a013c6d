"""Public checks for secure01_register_login: register, log in, read /me."""

import pytest
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_json, expect_status
from autograder.kit.tokens import bearer

PASSWORD = "Correct-horse-battery-42"


@pytest.fixture
def app_client(student):
    with TestClient(student.app, raise_server_exceptions=False) as client:
        yield client


def register(client, username):
    return client.post("/register", json={"username": username, "email": f"{username}@example.com",
                                          "password": PASSWORD})


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_register(app_client):
    """POST /register answers 201 with the username and e-mail only"""
    response = register(app_client, "alice")
    expect_status(response, 201)
    expect_json(response, {"username": "alice", "email": "alice@example.com"})


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_duplicate_username_is_409(app_client):
    """registering the same username twice answers 409"""
    expect_status(register(app_client, "alice"), 201)
    expect_status(register(app_client, "alice"), 409, "a username already taken must answer 409 Conflict")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_login_then_me(app_client):
    """the token from POST /login opens GET /me"""
    expect_status(register(app_client, "alice"), 201)
    response = app_client.post("/login", json={"username": "alice", "password": PASSWORD})
    expect_status(response, 200)
    token = response.json().get("access_token")
    expect(isinstance(token, str), f"POST /login answered {response.json()!r}; expected an access_token")
    expect_json(app_client.get("/me", headers=bearer(token)), {"username": "alice", "email": "alice@example.com"})
