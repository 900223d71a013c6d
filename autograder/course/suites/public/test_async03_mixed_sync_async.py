"""Public checks for async03_mixed_sync_async: the answer, and where the blocking call runs."""

import pytest

from autograder.kit import expect, expect_json, on_event_loop


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_answer_has_message_record_and_price(student, client):
    """GET /mixed-endpoint?sku=C-300 answers the message, the record and the price"""
    student.LEGACY_DELAY = student.PRICE_DELAY = 0.001
    expect_json(client.get("/mixed-endpoint", params={"sku": "C-300"}),
                {"message": "This is a mixed route", "record": {"sku": "C-300", "stock": 250}, "price": 0.75})


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_legacy_lookup_runs_off_the_event_loop(student, client):
    """legacy_lookup runs in a worker thread, not on the event loop"""
    student.PRICE_DELAY = 0.001
    ran_on_loop = []

    def legacy_lookup(sku):
        ran_on_loop.append(on_event_loop())
        return {"sku": sku, "stock": 1}

    student.legacy_lookup = legacy_lookup
    client.get("/mixed-endpoint")
    expect(ran_on_loop == [False], f"legacy_lookup ran on the event loop ({ran_on_loop}); use "
                                   "`await run_in_threadpool(legacy_lookup, sku)`")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_price_awaited_once_on_the_loop(student, client):
    """one request awaits fetch_price once, with its sku, on the event loop"""
    student.legacy_lookup = lambda sku: {"sku": sku, "stock": 1}
    seen = []

    async def fetch_price(sku):
        seen.append((sku, on_event_loop()))
        return 1.0

    student.fetch_price = fetch_price
    client.get("/mixed-endpoint", params={"sku": "B-200"})
    expect(seen == [("B-200", True)], f"fetch_price ran as {seen} (sku, on the event loop); expected one "
                                      "`await fetch_price(sku)` in the route itself")
