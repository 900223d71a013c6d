"""Public checks for secure07_audit_log: a record per request, its user, its request id, no secrets."""

import json

import pytest

from autograder.kit import expect
from autograder.kit.tokens import bearer, mint

FIELDS = {"request_id", "user", "method", "path", "status", "duration_ms"}


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_health_is_recorded(student, client):
    """GET /health adds one record with every field"""
    client.get("/health")
    log = student.AUDIT_LOG
    expect(len(log) == 1, f"GET /health added {len(log)} records to AUDIT_LOG; expected 1")
    expect(isinstance(log[0], dict) and set(log[0]) >= FIELDS,
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


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_user_is_the_verified_caller(student, client):
    """GET /me with alice's token records user 'alice'; a forged token records None"""
    student.add_user("alice", "Audit-me-please-1")
    client.get("/me", headers=bearer(mint({"sub": "alice"}, student.SECRET_KEY, student.ALGORITHM)))
    client.get("/me", headers=bearer(mint({"sub": "alice"}, "a-key-that-is-not-the-servers-key-0123456789")))
    log = student.AUDIT_LOG
    expect(len(log) == 2, f"two requests left {len(log)} records; record every request first (task 1)")
    users = [record.get("user") for record in log]
    expect(users == ["alice", None], f"the records' users were {users!r}; expected ['alice', None]: read "
           "request.state.user after call_next, never the unverified token")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_request_id_header(student, client):
    """the answer's X-Request-ID is the record's request_id"""
    response = client.get("/health")
    log = student.AUDIT_LOG
    expect(log and response.headers.get("x-request-id") == log[-1].get("request_id"),
           f"X-Request-ID was {response.headers.get('x-request-id')!r}; it must equal the record's request_id")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_no_secret_in_the_records(student, client, capsys, caplog):
    """a login's password, a bearer token and a query string appear in no record nor log line"""
    student.add_user("alice", "Audit-me-please-1")
    token = mint({"sub": "alice"}, student.SECRET_KEY, student.ALGORITHM)
    with caplog.at_level("DEBUG"):
        client.post("/login", json={"username": "alice", "password": "Audit-me-please-1"})
        client.get("/me", headers=bearer(token), params={"reset_token": "query-secret-42"})
    log = student.AUDIT_LOG
    expect(len(log) == 2, f"two requests left {len(log)} records; record every request first (task 1)")
    lines = [r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]  # the client's own
    written = json.dumps(log, default=str) + "\n".join(lines) + "".join(capsys.readouterr())
    for secret, what in (("Audit-me-please-1", "the password"), (token, "the bearer token"),
                         ("query-secret-42", "the query string")):
        expect(secret not in written, f"{what} was written to the audit log or a log line: record metadata only")
