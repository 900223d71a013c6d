"""Hidden suite for secure09_oidc_tokens.

Catches: a valid ID token refused (or its claims lost), a token signed with another RSA
key accepted, a wrong issuer or audience accepted, an expired token or one without
``exp`` accepted, and algorithm confusion: an HS256 token whose HMAC secret is the
provider's public key PEM accepted. Each refusal check first sends a valid token, so an
implementation that refuses everything earns nothing for refusing.

The provider is played by an RSA key pair made once for this module (2048 bits, with
``cryptography``); the suite sets the student's ``PUBLIC_KEY`` to its public PEM and
calls the given ``GET /me`` route. PyJWT refuses to *encode* the confused token, so it
is built by hand with ``hmac``.
"""

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

ISSUER = "https://id.example.com"
AUDIENCE = "workbook-api"
USER = {"sub": "user-123", "email": "ada@example.com"}


def make_key_pair():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


@pytest.fixture(scope="module")
def provider():
    return make_key_pair()


@pytest.fixture(scope="module")
def impostor():
    return make_key_pair()


def claims(**changes):
    now = datetime.now(UTC)
    base = {"iss": ISSUER, "aud": AUDIENCE, **USER, "iat": now, "exp": now + timedelta(minutes=10)}
    base.update(changes)
    return {name: value for name, value in base.items() if value is not None}


def id_token(private_pem, **changes):
    return jwt.encode(claims(**changes), private_pem, algorithm="RS256", headers={"kid": "provider-key-1"})


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def confused_token(public_pem):
    """HS256 "signed" with the public key's PEM as the HMAC secret: the algorithm-confusion attack."""
    payload = {k: int(v.timestamp()) if isinstance(v, datetime) else v for k, v in claims().items()}
    signing_input = f"{b64(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode())}.{b64(json.dumps(payload).encode())}"
    signature = hmac.new(public_pem.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


@pytest.fixture
def api(student, client, provider):
    student.PUBLIC_KEY = provider[1]
    return client


def get_me(api, token):
    return api.get("/me", headers={"Authorization": f"Bearer {token}"})


def valid_token_is_accepted(api, provider):
    expect_status(get_me(api, id_token(provider[0])), 200,
                  "a valid ID token (right key, issuer, audience, not expired) must be accepted first")


def expect_refused(api, provider, token, what, fix):
    valid_token_is_accepted(api, provider)
    expect_status(get_me(api, token), 401, f"{what} must be refused with 401; {fix}")


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_valid_id_token_is_accepted(api, provider):
    """a valid RS256 ID token is accepted and its sub and email come back"""
    response = get_me(api, id_token(provider[0]))
    expect_status(response, 200, "a valid ID token signed by the provider must be accepted")
    expect_json(response, USER, f"GET /me must answer the token's sub and email: {USER!r}")


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_token_signed_with_another_key_is_refused(api, provider, impostor):
    """an RS256 token signed with another RSA key is refused"""
    expect_refused(api, provider, id_token(impostor[0]), "an ID token signed with another RSA key",
                   "check the signature with public_key")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_wrong_issuer_is_refused(api, provider):
    """a token from another issuer is refused"""
    expect_refused(api, provider, id_token(provider[0], iss="https://evil.example.com"),
                   "an ID token with iss 'https://evil.example.com'", "pass issuer=ISSUER to jwt.decode")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_wrong_audience_is_refused(api, provider):
    """a token meant for another application (aud) is refused"""
    expect_refused(api, provider, id_token(provider[0], aud="some-other-app"),
                   "an ID token with aud 'some-other-app'", "pass audience=AUDIENCE to jwt.decode")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_expired_token_is_refused(api, provider):
    """a token whose exp passed an hour ago is refused"""
    hour_ago = datetime.now(UTC) - timedelta(hours=1)
    expect_refused(api, provider, id_token(provider[0], iat=hour_ago - timedelta(minutes=10), exp=hour_ago),
                   "an ID token that expired an hour ago", "do not turn off the exp check")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_token_without_exp_is_refused(api, provider):
    """a token without exp is refused"""
    expect_refused(api, provider, id_token(provider[0], exp=None), "an ID token without exp",
                   'require it with options={"require": ["exp", ...]}')


@pytest.mark.task(4)
@pytest.mark.points(2)
def test_algorithm_confusion_is_refused(api, provider):
    """an HS256 token whose HMAC secret is the public key PEM is refused"""
    expect_refused(api, provider, confused_token(provider[1]),
                   "an HS256 token signed with the public key PEM as HMAC secret",
                   'accept only algorithms=["RS256"], never the algorithm named in the token header')
