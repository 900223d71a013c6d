"""The security suites' tokens: a good one decodes, and each forgery fails the way it claims."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from autograder.kit import tokens

KEY = "the-apps-own-secret-key-of-at-least-32-bytes"
CLAIMS = {"sub": "alice", "role": "user"}


def parts(token: str) -> tuple[dict, dict, str]:
    """A token's header and payload, decoded without any check, and its signature."""
    header, payload, signature = token.split(".")
    decode = lambda part: json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decode(header), decode(payload), signature


def close_to(moment: float, expected: datetime) -> bool:
    return abs(datetime.fromtimestamp(moment, UTC) - expected) < timedelta(minutes=1)


def test_mint_signs_with_the_key_and_expires_in_fifteen_minutes():
    token = tokens.mint(CLAIMS, KEY)
    claims = jwt.decode(token, KEY, algorithms=["HS256"])
    assert {k: claims[k] for k in CLAIMS} == CLAIMS
    assert close_to(claims["exp"], tokens.now() + timedelta(minutes=15))
    assert parts(token)[0] == {"alg": "HS256", "typ": "JWT"}


def test_mint_keeps_a_given_expiry_and_can_leave_it_out():
    moment = int((tokens.now() + timedelta(days=2)).timestamp())
    assert jwt.decode(tokens.mint({**CLAIMS, "exp": moment}, KEY), KEY, algorithms=["HS256"])["exp"] == moment
    assert "exp" not in jwt.decode(tokens.mint(CLAIMS, KEY, minutes=None), KEY, algorithms=["HS256"])
    assert close_to(jwt.decode(tokens.mint(CLAIMS, KEY, minutes=1), KEY, algorithms=["HS256"])["exp"],
                    tokens.now() + timedelta(minutes=1))


def test_mint_does_not_change_the_claims_it_is_given():
    claims = dict(CLAIMS)
    tokens.mint(claims, KEY)
    assert claims == CLAIMS


def test_mint_uses_the_apps_algorithm():
    key = KEY * 2  # HS512 asks for 64 bytes
    token = tokens.mint(CLAIMS, key, "HS512")
    assert parts(token)[0]["alg"] == "HS512"
    assert jwt.decode(token, key, algorithms=["HS512"])["sub"] == "alice"
    with pytest.raises(jwt.InvalidAlgorithmError):
        jwt.decode(token, key, algorithms=["HS256"])


def test_expired_is_well_signed_but_an_hour_past():
    token = tokens.expired(CLAIMS, KEY)
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(token, KEY, algorithms=["HS256"])
    claims = jwt.decode(token, KEY, algorithms=["HS256"], options={"verify_exp": False})  # the signature holds
    assert claims["sub"] == "alice"
    assert close_to(claims["exp"], tokens.now() - timedelta(hours=1))


def test_foreign_is_well_formed_but_signed_with_another_key():
    token = tokens.foreign(CLAIMS)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, KEY, algorithms=["HS256"])
    assert jwt.decode(token, tokens.OTHER_KEY, algorithms=["HS256"])["sub"] == "alice"
    assert tokens.OTHER_KEY != KEY and len(tokens.OTHER_KEY.encode()) >= 32  # PyJWT warns on short HMAC keys


def test_unsigned_is_the_alg_none_attack():
    token = tokens.unsigned(CLAIMS)
    header, payload, signature = parts(token)
    assert header == {"alg": "none", "typ": "JWT"} and signature == "" and token.endswith(".")
    assert payload["sub"] == "alice"
    assert isinstance(payload["exp"], int) and close_to(payload["exp"], tokens.now() + timedelta(minutes=15))
    with pytest.raises(jwt.InvalidTokenError):  # a verifier that names its algorithms refuses it
        jwt.decode(token, KEY, algorithms=["HS256"])


def test_unsigned_keeps_a_given_expiry_and_writes_dates_as_text():
    moment = datetime(2030, 1, 2, tzinfo=UTC)
    assert parts(tokens.unsigned({**CLAIMS, "exp": 123}))[1]["exp"] == 123
    assert parts(tokens.unsigned({**CLAIMS, "iat": moment}))[1]["iat"] == str(moment)


def test_tampered_edits_the_payload_and_keeps_the_old_signature():
    original = tokens.mint(CLAIMS, KEY)
    forged = tokens.tampered(original, sub="admin", role="admin")
    header, payload, signature = parts(forged)
    old_header, old_payload, old_signature = parts(original)
    assert (header, signature) == (old_header, old_signature)
    assert payload == {**old_payload, "sub": "admin", "role": "admin"}
    assert forged.split(".")[0] == original.split(".")[0]
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, KEY, algorithms=["HS256"])


def test_tampered_without_changes_is_the_same_claims():
    original = tokens.mint(CLAIMS, KEY)
    assert parts(tokens.tampered(original))[1] == parts(original)[1]


def test_bearer_is_the_authorization_header():
    assert tokens.bearer("abc.def.ghi") == {"Authorization": "Bearer abc.def.ghi"}


def test_now_is_aware_and_in_utc():
    assert tokens.now().tzinfo is UTC
    assert abs(tokens.now() - datetime.now(UTC)) < timedelta(seconds=5)
