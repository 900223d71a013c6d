"""Deterministic evidence about concurrency, for suites that judge async code.

Wall-clock thresholds are flaky on a loaded 2-core machine, so the suites look at what
happened instead: how many calls were in flight at once, how often a function ran,
whether a call ran on the event loop's thread, whether the loop could answer another
request while a slow one was in progress.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx

from autograder.sandbox import integrity

T = TypeVar("T")

_real_async_sleep = asyncio.sleep
_real_sync_sleep = time.sleep


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on a new event loop (tests are plain functions)."""
    return asyncio.run(coro)


def on_event_loop() -> bool:
    """True when the calling code runs on a thread that is running an event loop.

    A blocking call made from an ``async def`` route runs on the loop's thread; the same
    call from a ``def`` route, or through ``run_in_threadpool``, runs on a worker thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@asynccontextmanager
async def asgi_client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An ``httpx.AsyncClient`` talking to ``app`` in-process on the current loop.

    Unlike ``TestClient``, it lets a test start several requests at once and watch them
    interleave. It does not run the app's ``lifespan``.
    """
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


class ConcurrencyProbe:
    """Stand-ins for async functions that count calls and the peak number in flight.

    Each stand-in yields to the event loop a few times before it returns, so calls that
    were started together (``asyncio.gather``) are all in flight at once, while calls
    awaited one after the other never overlap. The evidence does not depend on time.
    """

    def __init__(self, yields: int = 5) -> None:
        self.yields = yields
        self.calls: Counter[str] = Counter()
        self.order: list[str] = []
        # Every entry (+1) and exit (-1) in order: ``peak`` and ``in_flight`` are read from
        # it, never stored, so code that reaches the probe cannot simply set a better peak.
        self._steps: list[int] = []
        self._since = 0
        self._base = 0

    @property
    def in_flight(self) -> int:
        return sum(self._steps)

    @property
    def peak(self) -> int:
        level, best = self._base, 0
        for step in self._steps[self._since:]:
            level += step
            best = max(best, level)
        return best

    @peak.setter
    def peak(self, value: int) -> None:
        """Only a reset (``probe.peak = 0``, between two phases of a test) is allowed."""
        if value != 0:
            raise AttributeError("a probe's peak is measured, not set")
        self._since, self._base = len(self._steps), self.in_flight

    def wrap(self, name: str, result: Callable[..., Any] | Any) -> Callable[..., Awaitable[Any]]:
        async def stand_in(*args: Any, **kwargs: Any) -> Any:
            integrity.checkpoint()  # a builtin patched only while the request runs shows here
            self.calls[name] += 1
            self.order.append(name)
            self._steps.append(1)
            try:
                for _ in range(self.yields):
                    await _real_async_sleep(0)
                return result(*args, **kwargs) if callable(result) else result
            finally:
                self._steps.append(-1)

        stand_in.__name__ = name
        return stand_in


@dataclass
class SleepCall:
    kind: str  # "time.sleep" or "asyncio.sleep"
    seconds: float
    on_loop: bool


@dataclass
class SleepRecorder:
    """Replaces ``time.sleep`` and ``asyncio.sleep`` and records the student's calls.

    Only calls made from the student's file are recorded (the libraries underneath sleep
    too). ``asyncio.sleep`` calls also count how many were pending at once, which shows
    whether concurrent requests really overlapped. Real sleeps are cut to ``cap``.
    """

    student_file: Path
    cap: float = 0.0
    calls: list[SleepCall] = field(default_factory=list)
    in_flight: int = 0
    peak: int = 0

    def _from_student(self) -> bool:
        caller = sys._getframe(2)
        return Path(caller.f_code.co_filename).resolve() == self.student_file.resolve()

    def sync_sleep(self, seconds: float) -> None:
        integrity.checkpoint()
        if self._from_student():
            self.calls.append(SleepCall("time.sleep", seconds, on_event_loop()))
        _real_sync_sleep(min(seconds, self.cap))

    def async_sleep(self, seconds: float, result: Any = None) -> Awaitable[Any]:
        if not self._from_student():
            return _real_async_sleep(seconds, result)
        integrity.checkpoint()
        self.calls.append(SleepCall("asyncio.sleep", seconds, on_event_loop()))

        async def pending() -> Any:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            try:
                for _ in range(5):
                    await _real_async_sleep(0)
                await _real_async_sleep(min(seconds, self.cap))
                return result
            finally:
                self.in_flight -= 1

        return pending()

    def install(self, monkeypatch: Any) -> SleepRecorder:
        monkeypatch.setattr(time, "sleep", self.sync_sleep)
        monkeypatch.setattr(asyncio, "sleep", self.async_sleep)
        return self

    def of(self, kind: str) -> list[SleepCall]:
        return [call for call in self.calls if call.kind == kind]


class Gate:
    """A handshake between a slow call and the test, to prove the loop stays free.

    The slow code calls :meth:`wait`: it announces that it has started and then waits
    until the test opens the gate. The test opens it only after the event loop answered
    another request. If the slow code holds the event loop, that other request cannot
    be answered, the wait runs out after ``timeout`` seconds and :attr:`timed_out` says
    so. A correct program never waits for the timeout.
    """

    def __init__(self, timeout: float = 3.0) -> None:
        self.timeout = timeout
        self.entered = threading.Event()
        self.opened = threading.Event()
        self.timed_out = False
        self.on_loop: list[bool] = []

    def wait(self) -> None:
        self.on_loop.append(on_event_loop())
        self.entered.set()
        if not self.opened.wait(self.timeout):
            self.timed_out = True

    def guard(self, function: Callable[..., T]) -> Callable[..., T]:
        """``function`` behind the gate: waits first, then runs as before."""

        def gated(*args: Any, **kwargs: Any) -> T:
            self.wait()
            return function(*args, **kwargs)

        gated.__name__ = getattr(function, "__name__", "gated")
        return gated

    async def wait_entered(self) -> bool:
        """Await (without blocking the loop) until the slow code reached the gate."""
        return await asyncio.to_thread(self.entered.wait, self.timeout)

    def open(self) -> None:
        self.opened.set()
