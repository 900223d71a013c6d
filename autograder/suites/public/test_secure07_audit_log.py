"""Public checks for secure07_audit_log: a record per request, and its fields."""

import pytest

from autograder.kit import expect

FIELDS = {"request_id", "user", "method", "path", "status", "duration_ms"}


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_health_is_recorded(student, client):
    """GET /health adds one record with every field"""
    client.get("/health")
    log = student.AUDIT_LOG
    expect(len(log) == 1, f"GET /health added {len(log)} records to AUDIT_LOG; expected 1")
    expect(isinstance(log[0], dict) and FIELDS <= set(log[0]),
           f"the record {log[0]!r} must be a dict with the keys {sorted(FIELDS)}")
    expect(log[0]["status"] == 200 and log[0]["path"] == "/health",
           f"the record {log[0]!r} must say path '/health' and status 200")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_refused_request_is_recorded(student, client):
    """GET /me without a token (401) is recorded too"""
    client.get("/me")
    log = student.AUDIT_LOG
    expect(len(log) == 1 and log[0].get("status") == 401,
           f"GET /me without a token (a 401) left these records: {log!r}; expected one with status 401")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_request_id_header(student, client):
    """the answer's X-Request-ID is the record's request_id"""
    response = client.get("/health")
    log = student.AUDIT_LOG
    expect(log and response.headers.get("x-request-id") == log[-1].get("request_id"),
           f"X-Request-ID was {response.headers.get('x-request-id')!r}; it must equal the record's request_id")
