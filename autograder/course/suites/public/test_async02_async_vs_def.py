"""Public checks for async02_async_vs_def: both answers, and where each route runs."""

import asyncio

import pytest

from autograder.kit import ConcurrencyProbe, asgi_client, expect, expect_json, expect_status, on_event_loop, run


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_lookup_answers_user_and_404(student, client):
    """GET /lookup?user_id=1 answers the record; user 99 is 404"""
    student.LOOKUP_DELAY = 0.001
    expect_json(client.get("/lookup", params={"user_id": 1}),
                {"user": {"id": 1, "name": "Ada Lovelace", "team": "analytics"}})
    expect_status(client.get("/lookup", params={"user_id": 99}), 404, "an unknown user must be 404 Not Found")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_report_answers_prime_count(client):
    """GET /report?n=31 answers {"n": 31, "prime_count": 11}"""
    expect_json(client.get("/report", params={"n": 31}), {"n": 31, "prime_count": 11})


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_report_runs_off_the_event_loop(student, client):
    """count_primes runs in a worker thread, not on the event loop"""
    ran_on_loop = []
    student.count_primes = lambda n: ran_on_loop.append(on_event_loop()) or 0
    client.get("/report", params={"n": 10})
    expect(ran_on_loop == [False], f"count_primes ran on the event loop ({ran_on_loop}); a CPU-bound route "
                                   "should be a plain `def` route")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_lookups_wait_together_on_the_loop(student, monkeypatch):
    """ten lookups sent together all wait on the directory at once, on the app's event loop"""
    probe = ConcurrencyProbe()
    loops = []
    wait = probe.wrap("get_user", lambda user_id: {"id": user_id})

    async def get_user(user_id):
        loops.append(asyncio.get_running_loop())
        return await wait(user_id)

    monkeypatch.setattr(student.directory, "get_user", get_user)

    async def ten():
        async with asgi_client(student.app) as ac:
            await asyncio.gather(*(ac.get("/lookup", params={"user_id": i}) for i in range(1, 11)))
            return asyncio.get_running_loop()

    loop = run(ten())
    expect(loops and all(seen is loop for seen in loops),
           "directory.get_user was not awaited on the app's event loop; make /lookup an `async def` route")
    expect(probe.peak == 10, f"of 10 lookups sent together at most {probe.peak} waited at once; "
                             "await the client in an `async def` route")
