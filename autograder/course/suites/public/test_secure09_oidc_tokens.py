"""Public checks for secure09_oidc_tokens: a valid ID token; one for another application, an expired one,
an HS256 forgery refused."""

import base64
import hashlib
import hmac
import json
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
    response = client.get("/me", headers={"Authorization": f"Bearer {token(keys, aud='another-app')}"})
    expect_status(response, 401, "a token whose aud is another application must be refused")
    response = client.get("/me", headers={"Authorization": f"Bearer {token(keys, iss='https://id.evil.example')}"})
    expect_status(response, 401, "a token from another issuer must be refused")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_expired_or_endless_token(student, client, keys):
    """an expired ID token, and one without exp, are refused with 401"""
    student.PUBLIC_KEY = keys[1]
    past = datetime.now(UTC) - timedelta(hours=1)
    stale = token(keys, iat=past - timedelta(minutes=5), exp=past)
    expect_status(client.get("/me", headers={"Authorization": f"Bearer {stale}"}), 401,
                  "an ID token whose exp has passed must be refused")
    now = datetime.now(UTC)
    endless = jwt.encode({"iss": "https://id.example.com", "aud": "workbook-api", "sub": "user-1", "iat": now},
                         keys[0], algorithm="RS256")
    expect_status(client.get("/me", headers={"Authorization": f"Bearer {endless}"}), 401,
                  "an ID token without exp must be refused: require it")


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_hs256_with_the_public_key_is_refused(student, client, keys):
    """a token 'signed' with HS256 using the public key as the HMAC secret is refused with 401"""
    student.PUBLIC_KEY = keys[1]
    now = int(datetime.now(UTC).timestamp())
    claims = {"iss": "https://id.example.com", "aud": "workbook-api", "sub": "admin", "iat": now, "exp": now + 300}
    signing_input = f"{b64(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode())}.{b64(json.dumps(claims).encode())}"
    signature = hmac.new(keys[1].encode(), signing_input.encode(), hashlib.sha256).digest()
    forged = f"{signing_input}.{b64(signature)}"
    expect_status(client.get("/me", headers={"Authorization": f"Bearer {forged}"}), 401,
                  "an HS256 token signed with the public key must be refused: accept RS256 only")
