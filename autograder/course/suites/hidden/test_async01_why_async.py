"""Hidden suite for async01_why_async.

Catches: sequential awaits (peak concurrency 1 or 2), a source called twice, a wrong
shape or the user id not passed through. Evidence comes from stand-in sources that
count calls and the peak number in flight; nothing sleeps.
"""

import asyncio

import pytest

from autograder.kit import ConcurrencyProbe, asgi_client, expect, expect_json, run

SOURCES = ("fetch_profile", "fetch_orders", "fetch_recommendations")


@pytest.fixture
def probe(student):
    student.LATENCY = 0.001
    probe = ConcurrencyProbe()
    student.fetch_profile = probe.wrap("fetch_profile", lambda uid: {"who": uid, "kind": "profile"})
    student.fetch_orders = probe.wrap("fetch_orders", lambda uid: [{"who": uid, "kind": "order"}])
    student.fetch_recommendations = probe.wrap("fetch_recommendations", lambda uid: [f"book-for-{uid}"])
    return probe


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_answer_holds_what_each_source_returned(probe, client):
    """the answer maps each part to its source's value for the requested user"""
    expect_json(
        client.get("/dashboard", params={"user_id": 7}),
        {"profile": {"who": 7, "kind": "profile"}, "orders": [{"who": 7, "kind": "order"}],
         "recommendations": ["book-for-7"]},
        "each part must be exactly what its fetch_* function returned for user 7",
    )


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_real_sources_default_user(student, client):
    """without stand-ins, the default user is 1 and the real sources are used"""
    student.LATENCY = 0.001
    body = expect_json(client.get("/dashboard"))
    expect(isinstance(body, dict) and body.get("profile", {}).get("id") == 1,
           f"GET /dashboard answered {body!r}; without user_id the profile of user 1 was expected")


@pytest.mark.task(2)
@pytest.mark.points(4)
def test_sources_run_concurrently(probe, client):
    """all three sources are in flight at once (gathered, not awaited in turn)"""
    client.get("/dashboard")
    expect(probe.peak == 3, f"at most {probe.peak} of the 3 sources were in flight at once: they were awaited "
                            "one after another, so their waits add up")


@pytest.mark.task(3)
@pytest.mark.points(2)
def test_concurrent_requests_stay_separate(student, probe):
    """two requests at once each get their own user's data, and each source runs once per request"""

    async def two_requests():
        async with asgi_client(student.app) as ac:
            return await asyncio.gather(ac.get("/dashboard", params={"user_id": 1}),
                                        ac.get("/dashboard", params={"user_id": 2}))

    first, second = run(two_requests())
    for response, user in ((first, 1), (second, 2)):
        body = expect_json(response)
        expect(body.get("recommendations") == [f"book-for-{user}"],
               f"two concurrent requests got mixed up: user {user} received {body!r}")
    counts = {name: probe.calls[name] for name in SOURCES}
    expect(all(n == 2 for n in counts.values()),
           f"two requests made these calls: {counts}; each source once per request")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_each_source_called_once(probe, client):
    """one request calls each source exactly once"""
    client.get("/dashboard", params={"user_id": 2})
    counts = {name: probe.calls[name] for name in SOURCES}
    expect(all(n == 1 for n in counts.values()), f"one request made these calls: {counts}; each source once")
