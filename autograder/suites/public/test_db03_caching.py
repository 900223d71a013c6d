"""Public checks for db03_caching: one computation per TTL, the headers, and 304."""

import pytest

from autograder.kit import expect, expect_json, expect_status


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
