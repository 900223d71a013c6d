"""Public checks for secure04_api_keys: a valid key, a missing key, a wrong key."""

import pytest
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_json, expect_status


@pytest.fixture
def app_client(student):
    with TestClient(student.app, raise_server_exceptions=False) as client:
        yield client


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_valid_key_opens_data(student, app_client):
    """GET /data with a key from issue_api_key("acme") answers acme's data"""
    key = student.issue_api_key("acme")
    expect_json(app_client.get("/data", headers={"X-API-Key": key}), {"client": "acme", "items": ["alpha", "beta"]})


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_missing_or_wrong_key_is_401(student, app_client):
    """GET /data without a key, or with a wrong one, answers 401"""
    key = student.issue_api_key("acme")
    missing = app_client.get("/data")
    expect(missing.status_code != 403, "a request without X-API-Key answered 403 (APIKeyHeader's own answer before "
           "FastAPI 0.122): use auto_error=False and raise 401 yourself")
    expect_status(missing, 401, "a request without X-API-Key must answer 401")
    expect_status(app_client.get("/data", headers={"X-API-Key": key + "x"}), 401, "a wrong key must answer 401")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_revoked_key_stops_working(student, app_client):
    """after DELETE /keys/current (204) the key answers 401"""
    key = student.issue_api_key("acme")
    expect_status(app_client.delete("/keys/current", headers={"X-API-Key": key}), 204)
    expect_status(app_client.get("/data", headers={"X-API-Key": key}), 401, "a revoked key must answer 401")
