"""Public checks for auth07_login_flow: store a hash, log in, get refused, use a token."""

import pytest

from autograder.kit import expect, expect_json, expect_status
from autograder.kit.tokens import bearer, mint

PASSWORD = "correct horse battery staple"


def log_in(client, username, password):
    return client.post("/token", data={"username": username, "password": password})


def store_alice(student):
    """Put alice in users_db the way add_user does, so that the login checks do not need task 1."""
    student.users_db["alice"] = {"username": "alice", "hashed_password": student.password_hash.hash(PASSWORD)}


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_add_user_stores_a_hash(student):
    """add_user keeps the username, a hash that verifies, and the extra fields; never the password"""
    student.add_user("alice", PASSWORD, role="admin")
    record = student.users_db.get("alice")
    expect(isinstance(record, dict), f"after add_user('alice', ...) users_db['alice'] is {record!r}; expected a dict")
    expect(PASSWORD not in repr(record), "the record holds the password itself: store only its hash")
    expect(record.get("username") == "alice" and record.get("role") == "admin",
           f"the record is {record!r}; expected the username and the extra field role='admin'")
    hashed = record.get("hashed_password")
    expect(isinstance(hashed, str) and student.password_hash.verify(PASSWORD, hashed),
           "the record's hashed_password must be password_hash.hash(password)")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_right_password_gets_a_bearer_token(student, client):
    """POST /token with the right form fields answers an access token of type bearer"""
    store_alice(student)
    response = log_in(client, "alice", PASSWORD)
    expect_status(response, 200, "the right password must log in")
    body = expect_json(response)
    expect(isinstance(body.get("access_token"), str) and body.get("token_type") == "bearer",
           f"POST /token answered {body!r}; expected {{'access_token': <JWT>, 'token_type': 'bearer'}}")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_wrong_password_is_401(student, client):
    """a wrong password gets 401 'Incorrect username or password' with WWW-Authenticate: Bearer"""
    store_alice(student)
    response = log_in(client, "alice", "wrong")
    expect_status(response, 401, "a wrong password must be refused with 401")
    expect_json(response, {"detail": "Incorrect username or password"})
    expect(response.headers.get("www-authenticate") == "Bearer", "the 401 must carry WWW-Authenticate: Bearer")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_token_opens_protected(student, client):
    """a valid token for alice opens GET /protected"""
    store_alice(student)
    token = mint({"sub": "alice"}, student.SECRET_KEY, student.ALGORITHM)
    expect_json(client.get("/protected", headers=bearer(token)), {"user": "alice"})
