"""Public checks for async04_get_data: the answer, and an asynchronous wait."""

import asyncio
import inspect

import pytest

from autograder.kit import ConcurrencyProbe, SleepRecorder, asgi_client, expect, expect_json, run


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_mock_fetch_data_is_async(student):
    """mock_fetch_data is declared with async def"""
    function = getattr(student, "mock_fetch_data", None)
    expect(callable(function), "your module defines no mock_fetch_data() function")
    expect(inspect.iscoroutinefunction(function), "mock_fetch_data must be declared with `async def`")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_get_data_answers_after_an_asyncio_sleep(student, client, monkeypatch, student_path):
    """GET /get-data answers the message after awaiting asyncio.sleep(FETCH_DELAY)"""
    recorder = SleepRecorder(student_path).install(monkeypatch)
    student.FETCH_DELAY = 0.01
    expect_json(client.get("/get-data"), {"message": "Data fetched successfully!"})
    made = [(call.kind, call.seconds) for call in recorder.calls]
    expect(made == [("asyncio.sleep", 0.01)], f"with FETCH_DELAY = 0.01 the request made these sleeps: {made}; "
                                              "expected one `await asyncio.sleep(FETCH_DELAY)`")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_requests_wait_together(student):
    """ten requests sent together are all waiting in mock_fetch_data at the same time"""
    probe = ConcurrencyProbe()
    student.mock_fetch_data = probe.wrap("mock_fetch_data", "stand-in data")

    async def ten():
        async with asgi_client(student.app) as ac:
            return await asyncio.gather(*(ac.get("/get-data") for _ in range(10)))

    run(ten())
    expect(probe.peak == 10, f"of 10 requests sent together at most {probe.peak} were waiting at once; "
                             "an `async def` route that awaits the query lets them all wait together")
