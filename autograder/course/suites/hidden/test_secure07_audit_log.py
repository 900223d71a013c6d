"""Hidden suite for secure07_audit_log.

Catches: requests that leave no record or more than one (401, 404, 422 and 500 answers
included), records without the required fields or not JSON-serialisable, a query string
kept in the path, the wrong status, a duration that is not a non-negative number, the
user missing for an authenticated request or taken from a forged token, a request id
not unique or not sent back in X-Request-ID, and secrets (the password of a login, the
token, the Authorization header) written to the audit log, to any logger or to print.
The audit sink is the module's ``AUDIT_LOG`` list.
"""

import json
import logging
import math

import pytest
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_status
from autograder.kit.tokens import bearer, foreign, mint

FIELDS = {"request_id", "user", "method", "path", "status", "duration_ms"}
PASSWORD = "correct-horse-battery-staple-42"
NOISY_LIBRARIES = ("httpx", "httpcore", "asyncio", "anyio", "multipart", "python_multipart")


def records(student):
    log = getattr(student, "AUDIT_LOG", None)
    expect(isinstance(log, list), "your module must keep the audit records in a list named AUDIT_LOG")
    return log


def new_records(student, before, what):
    """The records added since ``before``; exactly one is expected."""
    added = records(student)[before:]
    expect(len(added) == 1, f"{what} added {len(added)} audit records to AUDIT_LOG; every request must add exactly one")
    record = added[0]
    expect(isinstance(record, dict), f"{what} added {record!r} to AUDIT_LOG; each record must be a dict")
    return record


def record_of(student, client_call, what):
    before = len(records(student))
    response = client_call()
    return response, new_records(student, before, what)


def token_for(student, username="alice"):
    return mint({"sub": username}, student.SECRET_KEY, student.ALGORITHM)


@pytest.fixture
def alice(student):
    student.add_user("alice", PASSWORD)
    return "alice"


def everything_logged(student, caplog, capsys):
    """The audit log, every log line (but the HTTP client's own) and everything printed."""
    lines = [r.getMessage() for r in caplog.records if not r.name.startswith(NOISY_LIBRARIES)]
    captured = capsys.readouterr()
    return "\n".join([repr(records(student)), json.dumps(records(student), default=str), *lines,
                      captured.out, captured.err])


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_one_structured_record_per_request(student, client):
    """GET /health?verbose=1 leaves one JSON record with every field, the path without its query"""
    response, record = record_of(student, lambda: client.get("/health", params={"verbose": "1"}),
                                 "GET /health?verbose=1")
    expect_status(response, 200, "GET /health must answer 200")
    missing = FIELDS - set(record)
    expect(not missing, f"the audit record {record!r} lacks {sorted(missing)}; it needs {sorted(FIELDS)}")
    try:
        json.dumps(record)
    except (TypeError, ValueError):
        pytest.fail(f"the audit record {record!r} is not JSON-serialisable; use str, int, float and None",
                    pytrace=False)
    expect(record["method"] == "GET", f"the record's method is {record['method']!r}; expected 'GET'")
    expect(record["path"] == "/health",
           f"the record's path is {record['path']!r}; expected '/health' (the URL path, without the query string)")
    expect(record["status"] == 200, f"the record's status is {record['status']!r}; expected 200 (an int)")
    expect(record["user"] is None, f"an anonymous request's record has user {record['user']!r}; expected None")
    expect(isinstance(record["request_id"], str) and record["request_id"],
           f"the record's request_id is {record['request_id']!r}; expected a non-empty string")
    duration = record["duration_ms"]
    expect(isinstance(duration, (int, float)) and not isinstance(duration, bool) and math.isfinite(duration)
           and duration >= 0, f"the record's duration_ms is {duration!r}; expected a non-negative number")


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_error_answers_are_recorded(student, client, alice):
    """401, 404 and 422 answers each leave one record with their status"""
    auth = bearer(token_for(student))
    cases = [
        ("GET /me without a token", lambda: client.get("/me"), 401),
        ("GET /orders/999", lambda: client.get("/orders/999", headers=auth), 404),
        ("GET /no/such/route", lambda: client.get("/no/such/route"), 404),
        ("POST /login with an empty body", lambda: client.post("/login", json={}), 422),
    ]
    for what, call, status in cases:
        response, record = record_of(student, call, what)
        expect_status(response, status, f"{what} must answer {status}")
        expect(record.get("status") == status,
               f"{what} answered {status} but its audit record says status {record.get('status')!r}")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_crash_is_recorded_as_500(student):
    """a route that raises leaves one record with status 500"""
    with TestClient(student.app, raise_server_exceptions=False) as client:
        response, record = record_of(student, lambda: client.get("/boom"), "GET /boom (a route that raises)")
    expect_status(response, 500, "GET /boom raises, so the client gets 500")
    expect(record.get("status") == 500,
           f"GET /boom crashed with a 500 but its audit record says status {record.get('status')!r}; "
           "record the failure too (catch, record 500, re-raise)")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_authenticated_user_is_recorded(student, client, alice):
    """a request with alice's valid token is recorded with user 'alice'"""
    response, record = record_of(student, lambda: client.get("/me", headers=bearer(token_for(student))),
                                 "GET /me with alice's token")
    expect_status(response, 200, "GET /me with a valid token must answer 200")
    expect(record.get("user") == "alice",
           f"GET /me by alice was recorded with user {record.get('user')!r}; expected 'alice' "
           "(read request.state.user after the route ran)")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_forged_token_is_not_credited(student, client, alice):
    """a refused token signed with another key is recorded with user None, not the name it claims"""
    student.add_user("admin", "another-long-password-123")
    response, record = record_of(student, lambda: client.get("/me", headers=bearer(foreign({"sub": "admin"}))),
                                 "GET /me with a forged token")
    expect_status(response, 401, "a token signed with another key must be refused")
    expect(record.get("user") is None,
           f"a refused, forged token claiming 'admin' was recorded with user {record.get('user')!r}; only a "
           "verified user may appear in the record (None here)")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_request_id_is_unique_and_returned(student, client):
    """each request gets its own request_id, sent back in X-Request-ID"""
    ids = []
    for _ in range(3):
        response, record = record_of(student, lambda: client.get("/health"), "GET /health")
        header = response.headers.get("x-request-id")
        expect(header is not None and header == record.get("request_id"),
               f"GET /health answered X-Request-ID {header!r} but its record has request_id "
               f"{record.get('request_id')!r}; send the record's id back in the header")
        ids.append(header)
    expect(len(set(ids)) == 3, f"three requests got the request ids {ids}; each request needs a new one")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_password_is_not_logged(student, client, alice, caplog, capsys):
    """a login's password appears in no audit record, log line or print"""
    caplog.set_level(logging.DEBUG)
    response, _ = record_of(student, lambda: client.post("/login", json={"username": "alice", "password": PASSWORD}),
                            "POST /login")
    expect_status(response, 200, "alice's login must succeed")
    expect(PASSWORD not in everything_logged(student, caplog, capsys),
           "the password sent to POST /login was written to the audit log (or another log line or print); "
           "never log request bodies")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_token_is_not_logged(student, client, alice, caplog, capsys):
    """the bearer token and the Authorization header appear in no audit record, log line or print"""
    caplog.set_level(logging.DEBUG)
    token = token_for(student)
    response, _ = record_of(student, lambda: client.get("/me", headers=bearer(token)), "GET /me with a token")
    expect_status(response, 200, "GET /me with a valid token must answer 200")
    logged = everything_logged(student, caplog, capsys)
    signature = token.rsplit(".", 1)[1]
    expect(signature not in logged and "Bearer " not in logged,
           "the bearer token (or the Authorization header) was written to the audit log (or another log line "
           "or print); never log request headers or tokens")
