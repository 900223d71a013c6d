"""Public checks for secure05_rate_limiting: the budget of one client.

``time.time`` is frozen during each check, so the minute never runs out by accident.
"""

import time

import pytest
from fastapi.testclient import TestClient

from autograder.kit import expect_json, expect_status


@pytest.fixture
def app(monkeypatch, load_student):
    frozen = time.time()
    monkeypatch.setattr(time, "time", lambda: frozen)
    module = load_student()
    return module.app


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_five_calls_then_429(app):
    """five calls within a minute are answered, the sixth is 429"""
    with TestClient(app, client=("10.1.0.1", 50000)) as client:
        for n in range(1, 6):
            response = client.get("/limited-endpoint")
            expect_status(response, 200, f"call {n} of 5 within a minute must be answered 200")
            expect_json(response, {"message": "This endpoint is rate limited"})
        expect_status(client.get("/limited-endpoint"), 429, "the 6th call within a minute must be 429")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_another_client_is_not_affected(app):
    """a second client still gets its own five calls"""
    with TestClient(app, client=("10.1.0.2", 50000)) as first:
        for _ in range(6):
            first.get("/limited-endpoint")
    with TestClient(app, client=("10.1.0.3", 50000)) as second:
        expect_status(second.get("/limited-endpoint"), 200, "another client has its own budget")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_router_route_is_limited(app):
    """GET /api/search allows three calls a minute, then answers 429"""
    with TestClient(app, client=("10.1.0.4", 50000)) as client:
        for n in range(1, 4):
            expect_status(client.get("/api/search", params={"q": "x"}), 200, f"call {n} of 3 must be answered 200")
        expect_status(client.get("/api/search", params={"q": "x"}), 429, "the 4th call within a minute must be 429")
