"""Public checks for auth01_password_flow: a form login, form-only credentials, and a wrong password."""

import pytest
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from autograder.kit import expect, expect_json, expect_status


@pytest.fixture
def api(student, client):
    if isinstance(getattr(student, "password_hash", None), PasswordHash):
        student.password_hash = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    student.add_user("alice", "correct horse battery staple")
    return client


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_form_login(api):
    """POST /token with the form fields username and password answers a bearer token"""
    response = api.post("/token", data={"grant_type": "password", "username": "alice",
                                           "password": "correct horse battery staple"})
    body = expect_json(response)
    expect_status(response, 200)
    expect(body.get("token_type") == "bearer" and isinstance(body.get("access_token"), str),
           f"POST /token answered {body!r}; expected {{\"access_token\": \"...\", \"token_type\": \"bearer\"}}")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_wrong_password(api):
    """a wrong password is 401 with WWW-Authenticate: Bearer"""
    response = api.post("/token", data={"grant_type": "password", "username": "alice", "password": "wrong"})
    expect_status(response, 401, "a wrong password must be 401 Unauthorized")
    expect(response.headers.get("www-authenticate") == "Bearer", "the 401 must carry WWW-Authenticate: Bearer")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_credentials_come_from_a_form(student):
    """POST /token reads a form: a JSON body is 422, a form login reaches your code and is answered"""
    with TestClient(student.app, raise_server_exceptions=False) as client:
        as_json = client.post("/token", json={"username": "alice", "password": "wonderland"})
        expect_status(as_json, 422, "a JSON body must be refused with 422: the password grant sends a form")
        as_form = client.post("/token", data={"grant_type": "password", "username": "alice", "password": "wonderland"})
        expect(as_form.status_code not in (422, 500), f"a form login answered {as_form.status_code}; the form must "
               "reach your route and be answered (a token, or 401 for bad credentials)")
