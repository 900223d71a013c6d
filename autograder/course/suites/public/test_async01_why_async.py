"""Public checks for async01_why_async: the shape of the answer and the gathering."""

import pytest

from autograder.kit import ConcurrencyProbe, expect, expect_json


@pytest.fixture
def probe(student):
    student.LATENCY = 0.001
    probe = ConcurrencyProbe()
    student.fetch_profile = probe.wrap("fetch_profile", lambda uid: {"id": uid})
    student.fetch_orders = probe.wrap("fetch_orders", lambda uid: [uid])
    student.fetch_recommendations = probe.wrap("fetch_recommendations", lambda uid: ["r"])
    return probe


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_dashboard_answers_three_parts(probe, client):
    """GET /dashboard?user_id=3 answers profile, orders and recommendations"""
    expect_json(client.get("/dashboard", params={"user_id": 3}),
                {"profile": {"id": 3}, "orders": [3], "recommendations": ["r"]})


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_sources_are_awaited_together(probe, client):
    """the three sources are in flight at the same time"""
    client.get("/dashboard")
    expect(probe.peak == 3, f"at most {probe.peak} of the 3 sources were in flight at once; "
                            "start them together with asyncio.gather")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_each_source_called_once(probe, client):
    """one request calls each fetch_* function exactly once"""
    client.get("/dashboard", params={"user_id": 2})
    counts = {name: probe.calls[name] for name in ("fetch_profile", "fetch_orders", "fetch_recommendations")}
    expect(all(n == 1 for n in counts.values()), f"one request made these calls: {counts}; call each source once")
