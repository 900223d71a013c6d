"""Hidden suite for secure05_rate_limiting.

Catches: a 6th call within the minute not refused with 429 (or a budget smaller than 5),
clients sharing one budget, a budget keyed by a header the client writes
(X-Forwarded-For), a window that never ends or ends too early, and a routed endpoint
(``include_router``) left unlimited or limited over more than a minute.

Time is controlled, not waited for: ``time.time`` is frozen at the start of each test and
moves only when a test advances it (slowapi's memory storage, like most hand-written
limiters, reads it); ``time.monotonic`` moves by the same amount. Clients are told apart
by the address the test client reports (``TestClient(app, client=(host, port))``).
"""

import time
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient

from autograder.kit import expect_json, expect_status

LIMITED = "/limited-endpoint"
SEARCH = "/api/search"
MESSAGE = {"message": "This endpoint is rate limited"}


class Clock:
    """``time.time`` frozen at the real time of the test's start; ``advance`` moves it."""

    def __init__(self, monkeypatch):
        self.offset = 0.0
        frozen = time.time()
        real_monotonic = time.monotonic
        monkeypatch.setattr(time, "time", lambda: frozen + self.offset)
        monkeypatch.setattr(time, "monotonic", lambda: real_monotonic() + self.offset)

    def advance(self, seconds):
        self.offset += seconds


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def app(clock, load_student):
    """The student's app, loaded after the clock is installed (so `from time import time` sees it)."""
    module = load_student()
    app = getattr(module, "app", None)
    if app is None:
        pytest.fail("your module defines no `app` (expected `app = FastAPI()` at top level)", pytrace=False)
    return app


@contextmanager
def client_at(app, host):
    with TestClient(app, client=(host, 50000)) as client:
        yield client


def spend(client, path, times, **kwargs):
    """Make ``times`` calls that must all be answered 200."""
    for n in range(1, times + 1):
        expect_status(client.get(path, **kwargs), 200,
                      f"call {n} of the first {times} within a minute must be answered 200")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_first_five_calls_are_answered(app):
    """the first five calls within a minute are answered 200 with the message"""
    with client_at(app, "10.0.0.1") as client:
        for n in range(1, 6):
            response = client.get(LIMITED)
            expect_status(response, 200, f"call {n} of 5 within a minute must be answered 200")
            expect_json(response, MESSAGE, f"the answer must be {MESSAGE!r}")


@pytest.mark.task(1)
@pytest.mark.points(3)
def test_sixth_call_is_refused(app):
    """the sixth call within a minute answers 429 Too Many Requests"""
    with client_at(app, "10.0.0.2") as client:
        spend(client, LIMITED, 5)
        expect_status(client.get(LIMITED), 429,
                      "the 6th call from one client within a minute must be 429 Too Many Requests")


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_clients_have_separate_budgets(app):
    """a client that spent its budget does not use up another client's"""
    with client_at(app, "10.0.0.3") as first:
        spend(first, LIMITED, 5)
        expect_status(first.get(LIMITED), 429, "the 6th call from 10.0.0.3 within a minute must be 429")
    with client_at(app, "10.0.0.4") as second:
        expect_status(second.get(LIMITED), 200,
                      "this is the first call from another client (10.0.0.4); each client has its own "
                      "budget, keyed by request.client.host, so it must be 200")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_forwarded_header_does_not_reset_the_budget(app):
    """changing X-Forwarded-For on each call does not give a client a fresh budget"""
    with client_at(app, "10.0.0.5") as client:
        for n in range(1, 6):
            expect_status(client.get(LIMITED, headers={"X-Forwarded-For": f"203.0.113.{n}"}), 200,
                          f"call {n} of 5 within a minute must be answered 200")
        expect_status(client.get(LIMITED, headers={"X-Forwarded-For": "203.0.113.99"}), 429,
                      "the same connection (10.0.0.5) made its 6th call with a new X-Forwarded-For value; "
                      "that header is written by the client, so key the limit on request.client.host")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_budget_returns_after_the_window(app, clock):
    """a minute and a half after spending its budget, the client may call again"""
    with client_at(app, "10.0.0.6") as client:
        spend(client, LIMITED, 5)
        expect_status(client.get(LIMITED), 429, "the 6th call within a minute must be 429")
        clock.advance(90)
        expect_status(client.get(LIMITED), 200,
                      "90 seconds after the client's first call the one-minute window is over, "
                      "so the call must be 200 again (is the window longer than a minute?)")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_budget_not_back_before_the_window_ends(app, clock):
    """thirty seconds after spending its budget, the client is still refused"""
    with client_at(app, "10.0.0.7") as client:
        spend(client, LIMITED, 5)
        clock.advance(30)
        expect_status(client.get(LIMITED), 429,
                      "30 seconds after the client's 5 calls the minute is not over, so the 6th call "
                      "must still be 429 (is the window shorter than a minute?)")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_router_route_is_limited(app, clock):
    """GET /api/search (a router route) allows 3 calls a minute, then answers 429 until the minute is over"""
    with client_at(app, "10.0.0.8") as client:
        spend(client, SEARCH, 3, params={"q": "fastapi"})
        expect_status(client.get(SEARCH, params={"q": "fastapi"}), 429,
                      "the 4th call to the router's /api/search within a minute must be 429; slowapi's "
                      "default limits do not reach include_router routes, so decorate the route itself")
        clock.advance(90)
        expect_status(client.get(SEARCH, params={"q": "fastapi"}), 200,
                      "90 seconds after the first call to /api/search its one-minute window is over, so the "
                      "call must be 200 again (is the window longer than a minute?)")
