"""Public checks for secure05_rate_limiting: the budget of one client, clients apart, the window, the router.

``time.time`` is controlled during each check (frozen, and moved on by ``clock.advance``),
so the minute never runs out by accident and nothing waits a real minute.
"""

import time

import pytest
from fastapi.testclient import TestClient

from autograder.kit import expect_json, expect_status


class Clock:
    """``time.time`` and ``time.monotonic`` frozen at the check's start; ``advance`` moves both."""

    def __init__(self, monkeypatch):
        self.offset = 0.0
        frozen, real_monotonic = time.time(), time.monotonic
        monkeypatch.setattr(time, "time", lambda: frozen + self.offset)
        monkeypatch.setattr(time, "monotonic", lambda: real_monotonic() + self.offset)

    def advance(self, seconds):
        self.offset += seconds


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def app(clock, load_student):
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
    """a second client still gets its own five calls; a client's X-Forwarded-For header changes nothing"""
    with TestClient(app, client=("10.1.0.2", 50000)) as first:
        for n in range(6):
            first.get("/limited-endpoint", headers={"X-Forwarded-For": f"192.0.2.{n}"})
        expect_status(first.get("/limited-endpoint", headers={"X-Forwarded-For": "192.0.2.99"}), 429,
                      "a new X-Forwarded-For header must not give a client a new budget")
    with TestClient(app, client=("10.1.0.3", 50000)) as second:
        expect_status(second.get("/limited-endpoint"), 200, "another client has its own budget")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_budget_returns_after_a_minute(app, clock):
    """a spent budget is still spent 30 s later, and back 90 s later"""
    with TestClient(app, client=("10.1.0.5", 50000)) as client:
        for _ in range(6):
            client.get("/limited-endpoint")
        clock.advance(30)
        expect_status(client.get("/limited-endpoint"), 429, "30 s later the minute is not over: still 429")
        clock.advance(60)
        expect_status(client.get("/limited-endpoint"), 200, "once the minute has passed the client may call again")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_router_route_is_limited(app):
    """GET /api/search allows three calls a minute, then answers 429"""
    with TestClient(app, client=("10.1.0.4", 50000)) as client:
        for n in range(1, 4):
            expect_status(client.get("/api/search", params={"q": "x"}), 200, f"call {n} of 3 must be answered 200")
        expect_status(client.get("/api/search", params={"q": "x"}), 429, "the 4th call within a minute must be 429")
