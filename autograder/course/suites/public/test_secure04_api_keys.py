"""Public checks for secure04_api_keys: issuing a key, the header scheme, a valid key, a missing or
wrong key, revocation."""

import hashlib

import pytest
from fastapi.security import APIKeyHeader
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_json, expect_status


@pytest.fixture
def app_client(student):
    with TestClient(student.app, raise_server_exceptions=False) as client:
        yield client


def seed_key(student, client_name="acme", key="public-check-key-0123456789abcdefghijklmnopqrstuv"):
    """A key stored the way issue_api_key stores one (its SHA-256 hex digest), so that a check
    does not need task 1."""
    student.API_KEYS[hashlib.sha256(key.encode()).hexdigest()] = client_name
    return key


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_issue_api_key_stores_only_a_digest(student):
    """issue_api_key returns a long random key and stores its SHA-256 digest with the client's name"""
    first, second = student.issue_api_key("acme"), student.issue_api_key("acme")
    expect(isinstance(first, str) and len(first) >= 32, f"issue_api_key returned {first!r}; expected a random "
           "string of 32 characters or more (secrets.token_urlsafe(32))")
    expect(first != second, "two keys issued in a row are equal: draw each one with secrets")
    expect(student.API_KEYS.get(hashlib.sha256(first.encode()).hexdigest()) == "acme",
           "API_KEYS must map the key's SHA-256 hex digest to 'acme'")
    expect(first not in student.API_KEYS and first not in student.API_KEYS.values(),
           "API_KEYS holds the key itself: store only its digest")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_key_is_read_from_the_x_api_key_header(student):
    """the module reads the key with APIKeyHeader(name="X-API-Key", auto_error=False)"""
    schemes = [value for value in vars(student).values() if isinstance(value, APIKeyHeader)]
    expect(schemes, "no APIKeyHeader found in the module: declare one at module level")
    expect(any(s.model.name == "X-API-Key" for s in schemes), "the APIKeyHeader must read the header X-API-Key")
    expect(any(s.model.name == "X-API-Key" and not s.auto_error for s in schemes),
           "give the APIKeyHeader auto_error=False, so that a missing key reaches your code as None")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_valid_key_opens_data(student, app_client):
    """GET /data with acme's key answers acme's data"""
    key = seed_key(student)
    expect_json(app_client.get("/data", headers={"X-API-Key": key}), {"client": "acme", "items": ["alpha", "beta"]})


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_missing_or_wrong_key_is_401(student, app_client):
    """GET /data without a key, or with a wrong one, answers 401"""
    key = seed_key(student)
    missing = app_client.get("/data")
    expect(missing.status_code != 403, "a request without X-API-Key answered 403 (APIKeyHeader's own answer before "
           "FastAPI 0.122): use auto_error=False and raise 401 yourself")
    expect_status(missing, 401, "a request without X-API-Key must answer 401")
    expect_status(app_client.get("/data", headers={"X-API-Key": key + "x"}), 401, "a wrong key must answer 401")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_revoked_key_stops_working(student, app_client):
    """after DELETE /keys/current (204) the key is gone from API_KEYS, and another key stays"""
    key = seed_key(student)
    other = seed_key(student, "globex", "another-public-check-key-0123456789abcdefghijklm")
    expect_status(app_client.delete("/keys/current", headers={"X-API-Key": key}), 204)
    expect(hashlib.sha256(key.encode()).hexdigest() not in student.API_KEYS, "a revoked key must leave API_KEYS")
    expect(hashlib.sha256(other.encode()).hexdigest() in student.API_KEYS, "revoking one key must keep the others")
