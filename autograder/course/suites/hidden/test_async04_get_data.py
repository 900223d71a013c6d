"""Hidden suite for async04_get_data.

Catches: ``mock_fetch_data`` written as a plain function (nothing to await), a wrong
message, a blocking ``time.sleep`` (on the event loop, or in a ``def`` function), a
hard-coded delay instead of ``FETCH_DELAY`` read at call time (or a default other than
3 s), a route that does not await ``mock_fetch_data`` (or awaits it twice, or answers
another shape), and requests that do not overlap (awaited on another event loop in a
worker thread, or serialised).

Evidence, not timing: the kit's ``SleepRecorder`` replaces both sleeps before the module
is loaded, records every sleep the student's file makes (kind, seconds, on the loop or
not) and how many ``asyncio.sleep`` calls were pending at once; real waits are cut to 0.
"""

import asyncio
import inspect

import pytest

from autograder.kit import ConcurrencyProbe, SleepRecorder, asgi_client, expect, expect_json, expect_status, run, same

MESSAGE = "Data fetched successfully!"
MANY = 50  # more requests at once than FastAPI's thread pool has threads (40)


@pytest.fixture
def recorder(monkeypatch, student_path):
    return SleepRecorder(student_path).install(monkeypatch)


@pytest.fixture
def student(load_student, recorder):
    """The student's module, loaded after the sleeps were replaced (so `from asyncio import sleep` is caught too)."""
    return load_student()


def fetcher(student):
    function = getattr(student, "mock_fetch_data", None)
    expect(callable(function), "your module defines no mock_fetch_data() function")
    return function


def fetch_once(student):
    """Call mock_fetch_data() and await what it gives back; fails when there is nothing to await."""
    pending = fetcher(student)()
    expect(inspect.isawaitable(pending),
           f"mock_fetch_data() returned {pending!r} at once instead of something to await: declare it with "
           "`async def` so that it waits without blocking")

    async def wait_for_it():
        return await pending

    return run(wait_for_it())


def sleeps(recorder):
    return [(call.kind, call.seconds) for call in recorder.calls]


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_mock_fetch_data_is_a_coroutine_function(student):
    """mock_fetch_data is declared with async def"""
    expect(inspect.iscoroutinefunction(fetcher(student)),
           "mock_fetch_data is a plain function; the task asks for a mock asynchronous function: `async def`")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_mock_fetch_data_returns_the_message(student):
    """awaiting mock_fetch_data() gives 'Data fetched successfully!'"""
    student.FETCH_DELAY = 0.001
    result = fetch_once(student)
    expect(same(result, MESSAGE), f"mock_fetch_data() returned {result!r}; expected {MESSAGE!r}")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_waits_fetch_delay_with_asyncio_sleep(student, recorder):
    """mock_fetch_data waits with one asyncio.sleep(FETCH_DELAY), reading the constant when it runs"""
    student.FETCH_DELAY = 0.25
    fetch_once(student)
    made = sleeps(recorder)
    expect(made == [("asyncio.sleep", 0.25)],
           f"with FETCH_DELAY = 0.25 mock_fetch_data() made these sleeps: {made}; expected one "
           "`await asyncio.sleep(FETCH_DELAY)` (time.sleep would block the event loop; a fixed number ignores "
           "the constant)")
    expect(recorder.peak == 1, "mock_fetch_data() calls asyncio.sleep(...) but never awaits it, so it does not "
                               "wait at all: write `await asyncio.sleep(FETCH_DELAY)`")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_default_delay_is_three_seconds(student, recorder):
    """as written, the mock query takes 3 seconds"""
    expect(same(student.FETCH_DELAY, 3.0), f"FETCH_DELAY is {student.FETCH_DELAY!r}; the task asks for 3 seconds")
    fetch_once(student)
    made = sleeps(recorder)
    expect(made == [("asyncio.sleep", 3.0)],
           f"mock_fetch_data() made these sleeps: {made}; with FETCH_DELAY = 3.0 expected one asyncio.sleep(3.0)")


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_get_data_answers_the_message(student, client, recorder):
    """GET /get-data answers 200 {"message": "Data fetched successfully!"} after one asynchronous wait"""
    student.FETCH_DELAY = 0.001
    response = client.get("/get-data")
    expect_status(response, 200, "GET /get-data must answer 200 OK")
    expect_json(response, {"message": MESSAGE}, f"the answer must be {{\"message\": \"{MESSAGE}\"}}")
    made = [call.kind for call in recorder.calls]
    expect(made == ["asyncio.sleep"], f"one request made these sleeps: {made}; expected one asyncio.sleep, "
                                      "in mock_fetch_data")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_route_awaits_mock_fetch_data_once(student, client):
    """the route answers whatever mock_fetch_data returned, calling it once"""
    fetcher(student)
    probe = ConcurrencyProbe()
    student.mock_fetch_data = probe.wrap("mock_fetch_data", "stand-in data")
    expect_json(client.get("/get-data"), {"message": "stand-in data"},
                "the route must answer {\"message\": <what mock_fetch_data() returned>}; call it, do not copy "
                "the text")
    expect(probe.calls["mock_fetch_data"] == 1,
           f"one request called mock_fetch_data {probe.calls['mock_fetch_data']} times; await it once")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_fetch_is_awaited_on_the_apps_event_loop(student):
    """mock_fetch_data is awaited on the event loop that serves the request"""
    fetcher(student)
    loops = []

    async def mock_fetch_data():
        loops.append(asyncio.get_running_loop())
        return MESSAGE

    student.mock_fetch_data = mock_fetch_data

    async def ask():
        async with asgi_client(student.app) as ac:
            return asyncio.get_running_loop(), await ac.get("/get-data")

    loop, response = run(ask())
    expect_json(response, {"message": MESSAGE})
    expect(loops, "GET /get-data never called mock_fetch_data(); await it in the route")
    expect(loops == [loop], "mock_fetch_data did not run on the app's event loop (a `def` route running it with "
                            "asyncio.run in a worker thread?); declare the route `async def` and await it")


@pytest.mark.task(3)
@pytest.mark.points(2)
def test_concurrent_requests_wait_together(student, recorder):
    """50 requests sent together are all waiting in mock_fetch_data at the same time"""
    student.FETCH_DELAY = 0.001

    async def many():
        async with asgi_client(student.app) as ac:
            return await asyncio.gather(*(ac.get("/get-data") for _ in range(MANY)))

    for response in run(many()):
        expect_json(response, {"message": MESSAGE})
    blocking = recorder.of("time.sleep")
    expect(not blocking, f"{len(blocking)} of the waits were time.sleep: each one blocks a thread (the event "
                         "loop's, inside async def); await asyncio.sleep instead")
    expect(recorder.peak == MANY,
           f"of {MANY} requests sent together at most {recorder.peak} were waiting at once; awaited on the event "
           "loop, they all wait together")
