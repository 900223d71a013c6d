"""Public checks for secure09_oidc_tokens: a valid ID token, and one for another application."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from autograder.kit import expect_json, expect_status


@pytest.fixture(scope="module")
def keys():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return key, public


def token(keys, **changes):
    now = datetime.now(UTC)
    claims = {"iss": "https://id.example.com", "aud": "workbook-api", "sub": "user-1", "email": "a@example.com",
              "iat": now, "exp": now + timedelta(minutes=5), **changes}
    return jwt.encode(claims, keys[0], algorithm="RS256")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_valid_token(student, client, keys):
    """GET /me with a valid ID token answers its sub and email"""
    student.PUBLIC_KEY = keys[1]
    response = client.get("/me", headers={"Authorization": f"Bearer {token(keys)}"})
    expect_status(response, 200, "a valid ID token must be accepted")
    expect_json(response, {"sub": "user-1", "email": "a@example.com"})


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_other_audience(student, client, keys):
    """an ID token for another application is refused with 401"""
    student.PUBLIC_KEY = keys[1]
    ok = client.get("/me", headers={"Authorization": f"Bearer {token(keys)}"})
    expect_status(ok, 200, "a valid ID token must be accepted first")
    response = client.get("/me", headers={"Authorization": f"Bearer {token(keys, aud='another-app')}"})
    expect_status(response, 401, "a token whose aud is another application must be refused")
