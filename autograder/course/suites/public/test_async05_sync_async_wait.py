"""Public checks for async05_sync_async_wait: both messages, and no blocking sleep on the loop."""

import pytest

from autograder.kit import SleepRecorder, expect, expect_json


@pytest.fixture
def recorder(monkeypatch, student_path):
    return SleepRecorder(student_path).install(monkeypatch)


@pytest.fixture
def student(load_student, recorder):
    """Loaded after the sleeps were replaced, with a tiny WAIT."""
    module = load_student()
    module.WAIT = 0.001
    return module


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_sync_wait_message(client):
    """GET /sync-wait answers {"message": "Completed sync wait"}"""
    expect_json(client.get("/sync-wait"), {"message": "Completed sync wait"})


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_async_wait_message(client):
    """GET /async-wait answers {"message": "Completed async wait"}"""
    expect_json(client.get("/async-wait"), {"message": "Completed async wait"})


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_no_blocking_sleep_on_the_event_loop(recorder, client):
    """neither route calls time.sleep on the event loop's thread"""
    expect_json(client.get("/sync-wait"), {"message": "Completed sync wait"})
    expect_json(client.get("/async-wait"), {"message": "Completed async wait"})
    blocking = [call for call in recorder.of("time.sleep") if call.on_loop]
    expect(not blocking, "time.sleep ran on the event loop's thread, which stalls every request: "
                         "/sync-wait must be a plain `def` route and /async-wait must `await asyncio.sleep`")
