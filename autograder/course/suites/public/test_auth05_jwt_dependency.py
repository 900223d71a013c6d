"""Public checks for auth05_jwt_dependency: a valid token, no header, and an expired token."""

import pytest
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_json, expect_status
from autograder.kit.tokens import bearer, expired, mint


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_valid_token_grants_access(student, client):
    """GET /protected-route with a valid token answers the message and the user"""
    token = mint({"sub": "alice"}, student.SECRET_KEY, student.ALGORITHM)
    expect_json(client.get("/protected-route", headers=bearer(token)),
                {"message": "Access granted", "user": {"username": "alice"}})


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_missing_header_is_401(student):
    """GET /protected-route without an Authorization header is 401 with WWW-Authenticate: Bearer"""
    with TestClient(student.app, raise_server_exceptions=False) as client:
        response = client.get("/protected-route")
    expect_status(response, 401, "a request without a token must be 401 Unauthorized")
    expect(response.headers.get("www-authenticate") == "Bearer", "a 401 must carry WWW-Authenticate: Bearer")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_expired_token_is_401(student):
    """an expired token is answered 401 'Token has expired' with WWW-Authenticate: Bearer"""
    token = expired({"sub": "alice"}, student.SECRET_KEY, student.ALGORITHM)
    with TestClient(student.app, raise_server_exceptions=False) as client:
        response = client.get("/protected-route", headers=bearer(token))
    expect_status(response, 401, "an expired token must be 401 Unauthorized")
    expect(response.json().get("detail") == "Token has expired", f"the detail was {response.json()!r}")
    expect(response.headers.get("www-authenticate") == "Bearer", "a 401 must carry WWW-Authenticate: Bearer")
