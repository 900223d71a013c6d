"""Public checks for db03_caching: one computation per TTL, the headers, and 304."""

import asyncio

import pytest

from autograder.kit import asgi_client, expect, expect_json, expect_status, run


@pytest.fixture
def calls(student):
    student.now = lambda: 1000.0  # a clock that stands still
    counted = []

    async def compute_report(key):
        counted.append(key)
        return {"key": key}

    student.compute_report = compute_report
    return counted


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_report_is_computed_once(calls, client):
    """two requests for the same report within the TTL compute it once"""
    for _ in range(2):
        expect_json(client.get("/reports/sales"), {"key": "sales"})
    expect(calls == ["sales"], f"compute_report was called {len(calls)} times; expected once")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_headers(calls, client):
    """the answer carries Cache-Control: public, max-age=300 and a quoted ETag"""
    response = client.get("/reports/sales")
    expect(response.headers.get("cache-control", "").replace(" ", "") in ("public,max-age=300", "max-age=300,public"),
           f"Cache-Control was {response.headers.get('cache-control')!r}")
    expect(response.headers.get("etag", "").startswith('"'), f"ETag was {response.headers.get('etag')!r}")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_if_none_match_is_304(calls, client):
    """If-None-Match with the ETag just received is answered 304 with no body"""
    etag = client.get("/reports/sales").headers.get("etag", "")
    response = client.get("/reports/sales", headers={"If-None-Match": etag})
    expect_status(response, 304)
    expect(response.content == b"", "a 304 has no body")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_requests_arriving_together_compute_once(student):
    """five requests arriving together for an uncached report compute it once"""
    student.now = lambda: 1000.0
    counted = []

    async def compute_report(key):
        counted.append(key)
        for _ in range(5):
            await asyncio.sleep(0)  # still computing while the other requests arrive
        return {"key": key}

    student.compute_report = compute_report

    async def five():
        async with asgi_client(student.app) as ac:
            return await asyncio.gather(*(ac.get("/reports/sales") for _ in range(5)))

    for response in run(five()):
        expect_json(response, {"key": "sales"})
    expect(counted == ["sales"], f"five requests arriving together computed the report {len(counted)} times; "
                                 "expected once (the others wait for the first one's result)")
