"""Grading one item of one submission in a worker process, under time limits.

The grader process never runs student code. For each item it starts a worker (forked
from a fork server that has FastAPI and pytest imported already) and reads the events
the worker's reporter sends. It knows every test from the ``collected`` event, so
whatever goes wrong afterwards, each test ends with a score:

* a test that does not report within the per-test limit is killed and scores 0 as
  ``timeout``; a worker that dies during a test scores that test 0 as ``error``;
  either way a new worker runs the tests that are left;
* an import that does not finish, or the item's overall limit, ends the item: every
  test still open scores 0 as ``timeout``.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from autograder import worker
from autograder.manifest import Item
from autograder.paths import suite_file
from autograder.results import ItemResult, ItemStatus, TestResult


@dataclass(frozen=True)
class Limits:
    """Wall-time limits, in seconds."""

    test: float = 10.0
    import_: float = 10.0
    item: float = 120.0


IMPORT_FAILURES: dict[str, ItemStatus] = {"import_error": "import_error", "crashed": "crashed",
                                           "import_timeout": "timeout"}


@cache
def _context() -> Any:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["autograder.worker"])
    return ctx


@dataclass
class _Attempt:
    """What one worker process reported before it finished, hung or died."""

    planned: list[dict] | None = None
    results: dict[str, dict] = field(default_factory=dict)
    ended: str = "done"  # done | import_error | crashed | import_timeout | test_timeout | died | item_timeout
    message: str = ""
    running: str | None = None


def grade_item(item: Item, student_file: Path | None, kind: str = "hidden", limits: Limits = Limits()) -> ItemResult:
    """Run the item's ``kind`` suite against ``student_file``; never raises for student faults."""
    if student_file is None or not Path(student_file).is_file():
        return ItemResult(item.id, 0, item.points if kind == "hidden" else 0, "missing",
                          f"{item.filename} was not submitted")
    student_file = Path(student_file).resolve()
    deadline = time.monotonic() + limits.item
    planned: list[dict] | None = None
    results: dict[str, TestResult] = {}
    status: ItemStatus = "graded"
    message = ""
    while True:
        attempt = _run_worker(item, student_file, kind, sorted(results), limits, deadline)
        planned = planned or attempt.planned
        for name, outcome in attempt.results.items():
            results[name] = _scored(name, outcome, planned)
        if planned is None or (attempt.ended in IMPORT_FAILURES and not attempt.results):
            # Nothing ran: the module did not import (or the worker died before it could).
            status = IMPORT_FAILURES.get(attempt.ended, "crashed")
            message = attempt.message or "the worker ended before it collected the tests"
            break
        if attempt.ended == "item_timeout":
            status, message = "timeout", attempt.message
            break
        if attempt.running is not None:
            # This test hung, killed its worker or stopped the run: it scores 0 and a
            # new worker runs the tests that are left.
            test_status = "timeout" if attempt.ended == "test_timeout" else "error"
            why = attempt.message or "this test stopped the test run (KeyboardInterrupt raised by your code?)"
            results[attempt.running] = _scored(attempt.running, {"status": test_status, "message": why}, planned)
            if status == "graded":
                status = "timeout" if attempt.ended == "test_timeout" else "crashed"
                message = f"{attempt.running}: {why}"
        if attempt.running is None or len(results) >= len(planned):
            break

    tests = []
    for test in planned or []:
        result = results.get(test["name"])
        if result is None:
            left = {"status": "timeout" if status == "timeout" else "error",
                    "message": message or "no result was reported for this test"}
            result = _scored(test["name"], left, planned)
        tests.append(result)
    max_score = sum(t["max_score"] for t in planned) if planned else (item.points if kind == "hidden" else 0)
    return ItemResult.from_tests(item.id, max_score, tests, status, message)


def _scored(name: str, outcome: dict, planned: list[dict] | None) -> TestResult:
    meta = next((t for t in planned or [] if t["name"] == name), {"max_score": 0, "task": None, "description": ""})
    passed = outcome["status"] == "passed"
    return TestResult(name=name, score=meta["max_score"] if passed else 0, max_score=meta["max_score"],
                      status=outcome["status"], message=outcome.get("message", ""), task=meta.get("task"),
                      description=meta.get("description", ""))


def _run_worker(item: Item, student_file: Path, kind: str, skip: list[str], limits: Limits,
                deadline: float) -> _Attempt:
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=worker.run, args=(sender, str(suite_file(item.id, kind)), str(student_file),
                                                   item.id, skip), daemon=True)
    process.start()
    sender.close()
    attempt = _Attempt()
    phase_deadline = time.monotonic() + limits.import_
    phase = "import"
    try:
        while True:
            now = time.monotonic()
            if now >= deadline:
                attempt.ended = "item_timeout"
                attempt.message = f"grading {item.filename} took longer than {limits.item:g} s in all"
                return attempt
            wait = min(phase_deadline, deadline) - now
            if wait <= 0 or not receiver.poll(wait):
                if time.monotonic() < phase_deadline:
                    continue
                if phase == "test":
                    attempt.ended = "test_timeout"
                    attempt.message = (f"did not finish within {limits.test:g} s "
                                       "(an endless loop, or a call that never returns?)")
                elif phase == "import":
                    attempt.ended = "import_timeout"
                    attempt.message = (f"importing {item.filename} did not finish within {limits.import_:g} s "
                                       "(an endless loop at module level?)")
                else:
                    attempt.ended = "died"
                    attempt.message = "the worker stopped reporting"
                return attempt
            try:
                event = receiver.recv()
            except (EOFError, OSError):
                attempt.ended = "crashed" if phase == "import" else "died"
                attempt.message = ("your module ended the process while being imported (os._exit or a crash?)"
                                   if phase == "import" else
                                   "the process running this test died (os._exit, a crash, or memory exhausted?)")
                return attempt
            kind_ = event.get("event")
            if kind_ == "collected":
                attempt.planned = event["tests"]
            elif kind_ == "imported":
                phase, phase_deadline = "between", time.monotonic() + limits.test
            elif kind_ in ("import_error", "crashed"):
                attempt.ended, attempt.message = kind_, event["message"]
                return attempt
            elif kind_ == "start":
                attempt.running = event["name"]
                phase, phase_deadline = "test", time.monotonic() + limits.test
            elif kind_ == "result":
                attempt.results[event["name"]] = {"status": event["status"], "message": event["message"]}
                attempt.running = None
                phase, phase_deadline = "between", time.monotonic() + limits.test
            elif kind_ == "done":
                attempt.ended = "done"
                return attempt
            elif kind_ in ("worker_error", "collect_error"):
                attempt.message = attempt.message or event["message"]
    finally:
        _stop(process)
        receiver.close()


def _stop(process: Any) -> None:
    """End the worker and everything it started (it leads its own process group)."""
    if process.pid is not None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    process.join(timeout=5)
    if process.is_alive():  # pragma: no cover - only if the group kill failed
        process.kill()
        process.join(timeout=5)
