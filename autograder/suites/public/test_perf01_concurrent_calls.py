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
        self.transport = httpx.MockTransport(self.handle)

    async def handle(self, request):
        name = self.names_by_url.get(str(request.url), "unknown")
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            for _ in range(5):
                await asyncio.sleep(0)
            return httpx.Response(200, json={"from": name})
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
    with TestClient(student.app, raise_server_exceptions=False) as client:
        response = client.get("/aggregate")
    expect_status(response, 200)
    expect_json(response, {"results": {name: {"from": name} for name in student.UPSTREAMS}, "failed": []})


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_upstreams_are_called_together(student, upstreams):
    """the three upstream calls are in flight at the same time"""
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
