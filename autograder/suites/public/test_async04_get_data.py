"""Public checks for async04_get_data: the answer, and an asynchronous wait."""

import inspect

import pytest

from autograder.kit import SleepRecorder, expect, expect_json


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
