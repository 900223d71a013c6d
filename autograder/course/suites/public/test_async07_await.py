"""Public checks for async07_await: the awaited route, and fetch_all's order and limit."""

import inspect

import pytest
from fastapi.testclient import TestClient

from autograder.kit import ConcurrencyProbe, expect, expect_json, expect_status, run


@pytest.fixture
def probe(student):
    student.FETCH_DELAY = 0.001
    probe = ConcurrencyProbe()
    student.fetch_item = probe.wrap("fetch_item", lambda item_id: {"id": item_id})
    return probe


@pytest.fixture
def tracked(student):
    """The real fetch_item, with the coroutines it creates kept (unawaited ones are closed at the end)."""
    student.FETCH_DELAY = 0.001
    original, created = student.fetch_item, []

    def fetch_item(item_id):
        created.append(original(item_id))
        return created[-1]

    student.fetch_item = fetch_item
    yield created
    for coroutine in created:
        if inspect.getcoroutinestate(coroutine) == inspect.CORO_CREATED:
            coroutine.close()


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_item_route_answers_the_item(student, tracked):
    """GET /items/1 answers the keyboard (the route awaits fetch_item)"""
    with TestClient(student.app, raise_server_exceptions=False) as api:
        response = api.get("/items/1")
    never_awaited = [c for c in tracked if inspect.getcoroutinestate(c) == inspect.CORO_CREATED]
    expect(not never_awaited, f"GET /items/1 answered {response.status_code}: fetch_item(item_id) was called "
                              "without `await`, so the route got a coroutine object, not the item")
    expect_status(response, 200)
    expect_json(response, {"id": 1, "name": "keyboard"})


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_fetch_all_in_order_three_at_a_time(student, probe):
    """fetch_all([6, 2, 5, 1, 4, 3]) returns the six items in order, with 3 in flight at most"""
    ids = [6, 2, 5, 1, 4, 3]
    got = run(student.fetch_all(ids))
    expect(got == [{"id": i} for i in ids], f"fetch_all({ids}) returned {got!r}; expected the items in that order")
    expect(probe.peak == 3, f"fetch_all had at most {probe.peak} fetches in flight at once; expected exactly 3 "
                            "(MAX_CONCURRENCY)")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_batch_route(probe, client):
    """GET /items?ids=2&ids=1 answers {"items": [...]} in that order"""
    expect_json(client.get("/items", params={"ids": [2, 1]}), {"items": [{"id": 2}, {"id": 1}]})
