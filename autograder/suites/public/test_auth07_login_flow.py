"""Public checks for auth07_login_flow: log in, get refused, use the token."""

import pytest

from autograder.kit import expect, expect_json, expect_status
from autograder.kit.tokens import bearer

PASSWORD = "correct horse battery staple"


def log_in(client, username, password):
    return client.post("/token", data={"username": username, "password": password})


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_right_password_gets_a_bearer_token(student, client):
    """POST /token with the right form fields answers an access token of type bearer"""
    student.add_user("alice", PASSWORD)
    response = log_in(client, "alice", PASSWORD)
    expect_status(response, 200, "the right password must log in")
    body = expect_json(response)
    expect(isinstance(body.get("access_token"), str) and body.get("token_type") == "bearer",
           f"POST /token answered {body!r}; expected {{'access_token': <JWT>, 'token_type': 'bearer'}}")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_wrong_password_is_401(student, client):
    """a wrong password gets 401 'Incorrect username or password' with WWW-Authenticate: Bearer"""
    student.add_user("alice", PASSWORD)
    response = log_in(client, "alice", "wrong")
    expect_status(response, 401, "a wrong password must be refused with 401")
    expect_json(response, {"detail": "Incorrect username or password"})
    expect(response.headers.get("www-authenticate") == "Bearer", "the 401 must carry WWW-Authenticate: Bearer")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_token_opens_protected(student, client):
    """the token from POST /token opens GET /protected"""
    student.add_user("alice", PASSWORD)
    token = expect_json(log_in(client, "alice", PASSWORD)).get("access_token", "")
    expect_json(client.get("/protected", headers=bearer(token)), {"user": "alice"})
