"""Public checks for paths03_defaults: the defaults, and the bounds of limit."""

import pytest

from autograder.kit import expect, expect_json, expect_status


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_defaults_apply(client):
    """GET /search answers limit 10, offset 0, q null, 10 results out of 150"""
    response = client.get("/search")
    expect_status(response, 200, "a search without parameters must succeed")
    body = expect_json(response)
    summary = {key: body.get(key) for key in ("q", "limit", "offset", "total")}
    expect(summary == {"q": None, "limit": 10, "offset": 0, "total": 150} and len(body.get("results", [])) == 10,
           f"GET /search answered {summary} with {len(body.get('results', []))} results; expected q None, "
           "limit 10, offset 0, total 150 and 10 results")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_limit_bounds(client):
    """limit=100 is allowed and limit=101 is answered 422"""
    expect_status(client.get("/search", params={"limit": 100}), 200, "limit=100 is allowed")
    expect_status(client.get("/search", params={"limit": 101}), 422, "limit must be at most 100: Query(ge=1, le=100)")
