"""Public checks for perf01_concurrent_calls: the answer, the concurrency, the shared client.

The upstreams are an ``httpx.MockTransport`` given to the app through
``UPSTREAM_TRANSPORT``; nothing goes over the network.
"""

import asyncio

import httpx
import pytest
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_json, expect_status


class Upstreams:
    def __init__(self, urls):
        self.names_by_url = {str(httpx.URL(url)): name for name, url in urls.items()}
        self.in_flight = 0
        self.peak = 0
        self.failing: dict[str, object] = {}  # name -> an exception to raise or a status code to answer
        self.transport = httpx.MockTransport(self.handle)

    async def handle(self, request):
        name = self.names_by_url.get(str(request.url), "unknown")
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            for _ in range(5):
                await asyncio.sleep(0)
            failure = self.failing.get(name)
            if isinstance(failure, Exception):
                raise failure
            return httpx.Response(failure or 200, json={"from": name})
        finally:
            self.in_flight -= 1


@pytest.fixture
def upstreams(student):
    upstreams = Upstreams(student.UPSTREAMS)
    student.UPSTREAM_TRANSPORT = upstreams.transport
    return upstreams


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_aggregate_answers_every_upstream(student, upstreams):
    """GET /aggregate answers each upstream's JSON under its name"""
    given_client(student, upstreams)
    with TestClient(student.app, raise_server_exceptions=False) as client:
        response = client.get("/aggregate")
    expect_status(response, 200)
    expect_json(response, {"results": {name: {"from": name} for name in student.UPSTREAMS}, "failed": []})


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_upstreams_are_called_together(student, upstreams):
    """the three upstream calls are in flight at the same time"""
    given_client(student, upstreams)
    with TestClient(student.app, raise_server_exceptions=False) as client:
        client.get("/aggregate")
    expect(upstreams.peak == 3, f"at most {upstreams.peak} upstream calls were in flight at once; "
                                "start them together with asyncio.gather")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_client_lives_in_lifespan(student, upstreams):
    """lifespan keeps an open httpx.AsyncClient in app.state.http_client and closes it at shutdown"""
    with TestClient(student.app):
        shared = getattr(student.app.state, "http_client", None)
        expect(isinstance(shared, httpx.AsyncClient) and not shared.is_closed,
               "app.state.http_client is not an open httpx.AsyncClient while the app runs")
    expect(shared.is_closed, "app.state.http_client is still open after shutdown")


def given_client(student, upstreams):
    """Hand the app a client, so that these checks also run before the lifespan is written (task 1)."""
    student.app.state.http_client = httpx.AsyncClient(transport=upstreams.transport)


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_timeout_is_504(student, upstreams):
    """an upstream that times out makes GET /aggregate answer 504 {"detail": "upstream flights timed out"}"""
    given_client(student, upstreams)
    upstreams.failing["flights"] = httpx.ReadTimeout("too slow")
    with TestClient(student.app, raise_server_exceptions=False) as client:
        response = client.get("/aggregate")
    expect_status(response, 504, "a timed-out upstream must give 504 Gateway Timeout")
    expect_json(response, {"detail": "upstream flights timed out"})


@pytest.mark.task(5)
@pytest.mark.points(1)
def test_failed_upstream_gives_a_partial_answer(student, upstreams):
    """an upstream answering 500 gives null and "failed": [its name], still 200; all three failing is 502"""
    given_client(student, upstreams)
    upstreams.failing["hotels"] = 500
    with TestClient(student.app, raise_server_exceptions=False) as client:
        partial = client.get("/aggregate")
        upstreams.failing.update(weather=503, flights=httpx.ConnectError("refused"))
        none = client.get("/aggregate")
    expect_status(partial, 200, "one failed upstream must not fail the whole answer")
    expect_json(partial, {"results": {"weather": {"from": "weather"}, "flights": {"from": "flights"}, "hotels": None},
                          "failed": ["hotels"]})
    expect_status(none, 502, "when every upstream failed the answer is 502 Bad Gateway")
    expect_json(none, {"detail": "every upstream failed"})
