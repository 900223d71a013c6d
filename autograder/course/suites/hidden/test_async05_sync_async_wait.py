"""Hidden suite for async05_sync_async_wait.

Catches: a wrong or missing message on either route; a sleep that ignores ``WAIT`` (or
``WAIT`` changed from 2 s); ``/sync-wait`` without ``time.sleep`` or declared ``async def``
(its blocking sleep then runs on the event loop's thread); ``/async-wait`` calling
``time.sleep`` (the source's mistake made the other way round), or calling
``asyncio.sleep`` without awaiting it; two ``/async-wait`` requests that cannot wait
at the same time; either route being the wrong kind of function.

Nothing sleeps for real: ``time.sleep`` and ``asyncio.sleep`` are replaced *before* the
student's module runs (so ``from time import sleep`` is caught too) by stand-ins that
record each call of the student's code and the thread it ran on. A ``Gate`` holds the
``/sync-wait`` sleep in its worker thread until the app has answered another request;
two ``/async-wait`` sleeps wait for each other, which only works if both are pending at
once. A blocking sleep on the event loop is recorded and returns at once, so a wrong
program fails quickly instead of hanging.
"""

from __future__ import annotations

import asyncio
import inspect
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.kit import Gate, asgi_client, expect, expect_json, expect_status, on_event_loop, route_for, run, same

REAL_SYNC_SLEEP = time.sleep
REAL_ASYNC_SLEEP = asyncio.sleep
WAIT = 0.0137  # the suite's WAIT: distinctive, so the student's sleeps are recognised anywhere
PING = "/__suite_ping"
SYNC_MESSAGE = {"message": "Completed sync wait"}
ASYNC_MESSAGE = {"message": "Completed async wait"}


@dataclass
class SleepCall:
    kind: str  # "time.sleep" or "asyncio.sleep"
    seconds: object
    on_loop: bool
    awaited: bool = False


class Sleeps:
    """Stand-ins for ``time.sleep`` and ``asyncio.sleep`` that record the student's calls.

    A call counts as the student's when it comes from the student's file or asks for the
    suite's distinctive ``WAIT`` (a helper such as ``run_in_threadpool(time.sleep, WAIT)``
    makes the call from library code). Other callers get the real functions.
    """

    def __init__(self, student_file: Path) -> None:
        self.student_file = student_file.resolve()
        self.calls: list[SleepCall] = []
        self.gate: Gate | None = None  # time.sleep off the loop waits here when set
        self.hold_until = 0  # asyncio.sleep waits until this many are pending at once
        self.in_flight = 0
        self.peak = 0
        self._all_pending: asyncio.Event | None = None
        self._coroutines: list = []

    def _ours(self, seconds: object) -> bool:
        if isinstance(seconds, (int, float)) and seconds == WAIT:
            return True
        caller = sys._getframe(2)
        return Path(caller.f_code.co_filename).resolve() == self.student_file

    def sync_sleep(self, seconds: float) -> None:
        if not self._ours(seconds):
            return REAL_SYNC_SLEEP(seconds)
        call = SleepCall("time.sleep", seconds, on_event_loop())
        self.calls.append(call)
        if self.gate is not None:
            if call.on_loop:
                self.gate.entered.set()  # holding the loop would only hang the test: record it and go on
            else:
                self.gate.wait()
        return None

    def async_sleep(self, seconds: float, result: object = None):
        if not self._ours(seconds):
            return REAL_ASYNC_SLEEP(seconds, result)
        call = SleepCall("asyncio.sleep", seconds, on_event_loop())
        self.calls.append(call)

        async def pending():
            call.awaited = True
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            try:
                for _ in range(3):
                    await REAL_ASYNC_SLEEP(0)
                if self.hold_until:
                    if self._all_pending is None:
                        self._all_pending = asyncio.Event()
                    if self.in_flight >= self.hold_until:
                        self._all_pending.set()
                    try:
                        await asyncio.wait_for(self._all_pending.wait(), 3.0)
                    except TimeoutError:
                        pass  # they never waited together; the peak tells the test
                return result
            finally:
                self.in_flight -= 1

        coroutine = pending()
        self._coroutines.append(coroutine)
        return coroutine

    def of(self, kind: str) -> list[SleepCall]:
        return [call for call in self.calls if call.kind == kind]

    def close(self) -> None:
        """Close the sleeps that were never awaited (Python would warn about each at exit)."""
        for coroutine in self._coroutines:
            if inspect.getcoroutinestate(coroutine) == inspect.CORO_CREATED:
                coroutine.close()


@pytest.fixture
def sleeps(monkeypatch, student_path):
    recorder = Sleeps(student_path)
    monkeypatch.setattr(time, "sleep", recorder.sync_sleep)
    monkeypatch.setattr(asyncio, "sleep", recorder.async_sleep)
    yield recorder
    recorder.close()


@pytest.fixture
def student(load_student, sleeps):
    """The student's module, loaded after the sleeps were replaced, with the suite's WAIT."""
    module = load_student()
    module.default_wait = getattr(module, "WAIT", None)
    module.WAIT = WAIT
    return module


def add_ping(app) -> None:
    async def suite_ping():
        return {"ping": "pong"}

    app.add_api_route(PING, suite_ping, methods=["GET"])


def describe(calls: list[SleepCall]) -> str:
    return ", ".join(f"{call.kind}({call.seconds!r})" for call in calls) or "no sleep at all"


# --- Task 1: GET /sync-wait -----------------------------------------------------------


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_sync_wait_answers_its_message(client):
    """GET /sync-wait answers 200 with {"message": "Completed sync wait"}"""
    response = client.get("/sync-wait")
    expect_status(response, 200, "GET /sync-wait must answer 200 once it has waited")
    expect_json(response, SYNC_MESSAGE, 'expected {"message": "Completed sync wait"}')


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_sync_wait_sleeps_wait_seconds(student, sleeps, client):
    """/sync-wait calls time.sleep(WAIT) once, and WAIT is the task's 2 seconds"""
    expect(same(student.default_wait, 2), f"WAIT is {student.default_wait!r} in your module; the task asks for a "
                                      "2-second delay (WAIT = 2.0)")
    expect_status(client.get("/sync-wait"), 200, "GET /sync-wait must answer 200 once it has waited")
    slept = sleeps.of("time.sleep")
    expect([call.seconds for call in slept] == [WAIT],
           f"one GET /sync-wait made {describe(sleeps.calls)}; expected exactly one time.sleep(WAIT) "
           "(use the WAIT constant, not a number)")


# --- Task 2: GET /async-wait ----------------------------------------------------------


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_async_wait_answers_its_message(client):
    """GET /async-wait answers 200 with {"message": "Completed async wait"}"""
    response = client.get("/async-wait")
    expect_status(response, 200, "GET /async-wait must answer 200 once it has waited")
    expect_json(response, ASYNC_MESSAGE, 'expected {"message": "Completed async wait"}')


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_async_wait_awaits_asyncio_sleep(sleeps, client):
    """/async-wait awaits asyncio.sleep(WAIT) once and never calls time.sleep"""
    expect_status(client.get("/async-wait"), 200, "GET /async-wait must answer 200 once it has waited")
    expect(not sleeps.of("time.sleep"),
           f"GET /async-wait called {describe(sleeps.of('time.sleep'))}; a coroutine must wait with "
           "`await asyncio.sleep(WAIT)`, never the blocking time.sleep")
    slept = sleeps.of("asyncio.sleep")
    expect([call.seconds for call in slept] == [WAIT],
           f"one GET /async-wait made {describe(slept)}; expected exactly one asyncio.sleep(WAIT)")
    expect(slept[0].awaited, "GET /async-wait called asyncio.sleep(WAIT) without `await`: that only builds a "
                             "coroutine object and waits for nothing; write `await asyncio.sleep(WAIT)`")


# --- Task 3: the event loop stays free --------------------------------------------------


@pytest.mark.task(3)
@pytest.mark.points(2)
def test_sync_wait_sleeps_in_a_worker_thread(student, sleeps):
    """while /sync-wait sleeps, the app answers another request (the sleep runs in the thread pool)"""
    add_ping(student.app)
    gate = sleeps.gate = Gate()

    async def scenario():
        async with asgi_client(student.app) as ac:
            slow = asyncio.create_task(ac.get("/sync-wait"))
            entered = await gate.wait_entered()
            ping = await ac.get(PING) if entered else None
            gate.open()
            return entered, ping, await slow

    entered, ping, response = run(scenario())
    expect(entered, "GET /sync-wait never called time.sleep(WAIT); the route must wait with the blocking sleep")
    on_loop = [call for call in sleeps.of("time.sleep") if call.on_loop]
    expect(not on_loop, "GET /sync-wait called time.sleep on the event loop's thread, so no other request could "
                        "be answered meanwhile; declare the route with plain `def` (FastAPI runs it in a thread)")
    expect_status(ping, 200, "another request must be answered while /sync-wait sleeps")
    expect(not gate.timed_out, "the app answered nothing else while /sync-wait slept; its sleep must not hold "
                               "up the event loop")
    expect_json(response, SYNC_MESSAGE, "after the wait, /sync-wait must answer its message")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_two_async_waits_overlap(student, sleeps):
    """two GET /async-wait requests wait at the same time (the loop is free while one waits)"""
    sleeps.hold_until = 2

    async def two_requests():
        async with asgi_client(student.app) as ac:
            return await asyncio.gather(ac.get("/async-wait"), ac.get("/async-wait"))

    responses = run(two_requests())
    on_loop = [call for call in sleeps.of("time.sleep") if call.on_loop]
    expect(not on_loop, f"GET /async-wait called {describe(on_loop)} on the event loop's thread: every other "
                        "request waits too; use `await asyncio.sleep(WAIT)`")
    for response in responses:
        expect_json(response, ASYNC_MESSAGE, "each of two concurrent requests must get its message")
    expect(sleeps.peak > 0, "neither of two concurrent GET /async-wait requests awaited asyncio.sleep(WAIT); "
                            "each must `await asyncio.sleep(WAIT)`")
    expect(sleeps.peak == 2, f"of two concurrent GET /async-wait requests, only {sleeps.peak} was waiting at "
                             "a time; each must `await asyncio.sleep(WAIT)` so that the other can wait meanwhile")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_each_route_is_the_right_kind_of_function(student, client):
    """/sync-wait is a plain def route and /async-wait an async def route"""
    expect_json(client.get("/sync-wait"), SYNC_MESSAGE, "GET /sync-wait must answer its message first")
    expect_json(client.get("/async-wait"), ASYNC_MESSAGE, "GET /async-wait must answer its message first")
    sync_route = route_for(student.app, "/sync-wait")
    async_route = route_for(student.app, "/async-wait")
    expect(not inspect.iscoroutinefunction(sync_route.endpoint),
           "the /sync-wait route is declared `async def`; a route that blocks (time.sleep) must be a plain `def`, "
           "which FastAPI runs in its thread pool")
    expect(inspect.iscoroutinefunction(async_route.endpoint),
           "the /async-wait route is a plain `def`; it must be `async def` so that it can await asyncio.sleep")
