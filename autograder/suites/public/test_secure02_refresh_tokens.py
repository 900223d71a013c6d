"""Public checks for secure02_refresh_tokens: the pair, one refresh, no second use."""

import pytest
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_json, expect_status
from autograder.kit.tokens import bearer

PASSWORD = "Refresh-me-if-you-can-7"


@pytest.fixture
def app_client(student):
    student.add_user("alice", PASSWORD)
    with TestClient(student.app, raise_server_exceptions=False) as client:
        yield client


def tokens(client):
    response = client.post("/login", json={"username": "alice", "password": PASSWORD})
    expect_status(response, 200)
    body = response.json()
    expect(isinstance(body.get("access_token"), str) and isinstance(body.get("refresh_token"), str),
           f"POST /login answered {body!r}; expected access_token and refresh_token")
    return body["access_token"], body["refresh_token"]


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_login_answers_two_tokens(app_client):
    """POST /login answers an access token (that opens /me) and a refresh token"""
    access, _ = tokens(app_client)
    expect_json(app_client.get("/me", headers=bearer(access)), {"username": "alice"})


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_refresh_gives_a_new_pair(app_client):
    """POST /refresh-token answers a new access token that opens /me"""
    _, refresh_token = tokens(app_client)
    response = app_client.post("/refresh-token", json={"refresh_token": refresh_token})
    expect_status(response, 200)
    expect_json(app_client.get("/me", headers=bearer(response.json().get("access_token", ""))), {"username": "alice"})


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_refresh_token_works_once(app_client):
    """the same refresh token used twice: 200, then 401"""
    _, refresh_token = tokens(app_client)
    expect_status(app_client.post("/refresh-token", json={"refresh_token": refresh_token}), 200)
    expect_status(app_client.post("/refresh-token", json={"refresh_token": refresh_token}), 401,
                  "a refresh token that was already used must be refused with 401")
