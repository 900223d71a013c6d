"""Grading one item of one submission in a worker process, under limits and watch.

The grader process never runs student code. For each item it starts a worker (forked
from a fork server that has FastAPI and pytest imported already) and reads the events
the worker's reporter sends, as JSON. It knows every test from the ``collected`` event,
so whatever goes wrong afterwards, each test ends with a score:

* a test that does not report within the per-test limit is killed and scores 0 as
  ``timeout``; a worker that dies during a test scores that test 0 as ``error``;
  either way a new worker runs the tests that are left;
* an import that does not finish, or the item's overall limit, ends the item: every
  test still open scores 0 as ``timeout``.

The channel is checked as well as read. A result for a test that was not collected or
not started, a second result for one test, a run that ends before every test reported,
a replaced pytest function, or a canary test that passes is evidence of tampering: the
item is flagged and every test scores 0. What the guard refused (reading the suites,
starting a process...) flags the item; the refused call failed, so the scores stand.
"""

from __future__ import annotations

import collections
import json
import multiprocessing
import multiprocessing.forkserver as forkserver
import os
import re
import signal
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from autograder import canary, worker
from autograder.manifest import Item
from autograder.paths import ROOT, SOLUTIONS, SUITES, suite_file
from autograder.results import ItemResult, ItemStatus, TestResult


@dataclass(frozen=True)
class Limits:
    """Wall-time limits in seconds, the worker's kernel limits, and how many canaries run."""

    test: float = 10.0
    import_: float = 10.0
    item: float = 120.0
    resources: worker.ResourceLimits = field(default_factory=worker.ResourceLimits)
    canaries: int = 2


# Each finished worker's peak resident memory (KiB), for benchmarks/throughput.py; bounded.
PEAK_RSS_KB: collections.deque[int] = collections.deque(maxlen=10_000)

IMPORT_FAILURES: dict[str, ItemStatus] = {"import_error": "import_error", "crashed": "crashed",
                                           "import_timeout": "timeout"}


@cache
def _context() -> Any:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["autograder.worker"])
    return ctx


def _protected() -> tuple[Path, ...]:
    """What no student may read: the suites, the solutions, the project's tests."""
    return (SUITES, SOLUTIONS, ROOT / "tests")


@dataclass
class _Attempt:
    """What one worker process reported before it finished, hung or died."""

    planned: list[dict] | None = None
    results: dict[str, dict] = field(default_factory=dict)
    ended: str = "done"  # done | import_error | crashed | import_timeout | test_timeout | died | item_timeout
    message: str = ""
    running: str | None = None
    flags: list[str] = field(default_factory=list)
    void: list[str] = field(default_factory=list)


def grade_item(item: Item, student_file: Path | None, kind: str = "hidden", limits: Limits = Limits(),
               protected: tuple[Path, ...] = ()) -> ItemResult:
    """Run the item's ``kind`` suite against ``student_file``; never raises for student faults.

    ``protected`` folders (other students' copies, say) join the suites and solutions
    among what the student's code may not read.
    """
    if student_file is None or not Path(student_file).is_file():
        return ItemResult(item.id, 0, item.points if kind == "hidden" else 0, "missing",
                          f"{item.filename} was not submitted")
    student_file = Path(student_file).resolve()
    suite = suite_file(item.id, kind)
    deadline = time.monotonic() + limits.item
    canaries = canary.names(_test_names(suite), limits.canaries)
    canary_status: dict[str, str] = {}
    planned: list[dict] | None = None
    results: dict[str, TestResult] = {}
    status: ItemStatus = "graded"
    message = ""
    flags: list[str] = []
    void: list[str] = []
    while True:
        spec = worker.WorkerSpec(
            suite=str(suite), student_file=str(student_file), item_id=item.id,
            skip=tuple(sorted({*results, *canary_status})),
            canaries=tuple(c for c in canaries if c not in canary_status),
            protected=tuple(str(p) for p in (*_protected(), *protected)), resources=limits.resources)
        attempt = _run_worker(item, spec, limits, deadline)
        flags += [f for f in attempt.flags if f not in flags]
        void += attempt.void
        if planned is None and attempt.planned is not None:
            planned = [t for t in attempt.planned if t["name"] not in canaries]
        names = {t["name"] for t in planned or []}
        for name, outcome in attempt.results.items():
            if name in canaries:
                canary_status[name] = outcome["status"]
            elif name in names:
                results[name] = _scored(name, outcome, planned)
            else:
                void.append(f"a result arrived for {name}, which is not a test of this suite")
        running = attempt.running
        if running in canaries:
            canary_status[running] = "error"
            running = None
        if attempt.ended == "item_timeout" and planned is None:
            status, message = "timeout", attempt.message
            break
        if planned is None or (attempt.ended in IMPORT_FAILURES and not attempt.results):
            # Nothing ran: the module did not import (or the worker died before it could).
            status = IMPORT_FAILURES.get(attempt.ended, "crashed")
            message = attempt.message or "the worker ended before it collected the tests"
            break
        if attempt.ended == "item_timeout":
            status, message = "timeout", attempt.message
            break
        if running is not None:
            # This test hung, killed its worker or stopped the run: it scores 0 and a
            # new worker runs the tests that are left.
            test_status = "timeout" if attempt.ended == "test_timeout" else "error"
            why = attempt.message or "this test stopped the test run (KeyboardInterrupt raised by your code?)"
            results[running] = _scored(running, {"status": test_status, "message": why}, planned)
            if status == "graded":
                status = "timeout" if attempt.ended == "test_timeout" else "crashed"
                message = f"{running}: {why}"
        open_tests = names - set(results)
        open_canaries = [c for c in canaries if c not in canary_status]
        if attempt.ended == "done" and (open_tests or open_canaries):
            void.append("the test run reported its end before every test had reported")
            break
        if not open_tests and not open_canaries:
            break
        if running is None and attempt.running is None:
            break  # the worker died between tests: what is left scores 0 below

    passed_canaries = sorted(name for name, outcome in canary_status.items() if outcome == "passed")
    if passed_canaries:
        void.append(f"a canary test that must fail passed ({passed_canaries[0]})")
    tests = []
    for test in planned or []:
        result = results.get(test["name"])
        if result is None:
            left = {"status": "timeout" if status == "timeout" else "error",
                    "message": message or "no result was reported for this test"}
            result = _scored(test["name"], left, planned)
        tests.append(result)
    if void:
        flags += [f"tampering: {reason}" for reason in dict.fromkeys(void)]
        for test in tests:
            test.score, test.status = 0, "failed"
            test.message = f"voided: {void[0]}"
        message = message or f"results voided: {void[0]}"
    max_score = sum(t["max_score"] for t in planned) if planned else (item.points if kind == "hidden" else 0)
    return ItemResult.from_tests(item.id, max_score, tests, status, message, flags)


def _test_names(suite: Path) -> set[str]:
    """The suite's test function names, so that no canary takes one of them."""
    try:
        return set(re.findall(r"def (test_\w+)", suite.read_text(encoding="utf-8")))
    except OSError:
        return set()


def _scored(name: str, outcome: dict, planned: list[dict] | None) -> TestResult:
    meta = next((t for t in planned or [] if t["name"] == name), {"max_score": 0, "task": None, "description": ""})
    passed = outcome["status"] == "passed"
    return TestResult(name=name, score=meta["max_score"] if passed else 0, max_score=meta["max_score"],
                      status=outcome["status"], message=outcome.get("message", ""), task=meta.get("task"),
                      description=meta.get("description", ""))


def _run_worker(item: Item, spec: worker.WorkerSpec, limits: Limits, deadline: float) -> _Attempt:
    receiver, sender, process = _start(spec)
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
                event = json.loads(receiver.recv_bytes(worker.MAX_EVENT_BYTES))
                if not isinstance(event, dict):
                    raise ValueError("not an event")
            except (EOFError, OSError):
                attempt.ended = "crashed" if phase == "import" else "died"
                attempt.message = ("your module ended the process while being imported (os._exit or a crash?)"
                                   if phase == "import" else
                                   "the process running this test died (os._exit, a crash, or memory exhausted?)")
                return attempt
            except ValueError:
                attempt.void.append("something other than the grader wrote into the results channel")
                continue
            kind_ = event.get("event")
            if kind_ == "collected" and attempt.planned is None:
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
                name = event.get("name")
                if name != attempt.running:
                    attempt.void.append(f"a result arrived for {name}, which was not running")
                elif name in attempt.results:
                    attempt.void.append(f"a second result arrived for {name}")
                else:
                    attempt.results[name] = {"status": event["status"], "message": event["message"]}
                attempt.running = None
                phase, phase_deadline = "between", time.monotonic() + limits.test
            elif kind_ == "flag":
                attempt.flags.append(f"guard: your code {event['flag']}")
            elif kind_ == "tampered":
                attempt.void.append(event["flag"])
            elif kind_ == "done":
                attempt.ended = "done"
                PEAK_RSS_KB.append(int(event.get("peak_rss_kb") or 0))
                return attempt
            elif kind_ in ("worker_error", "collect_error"):
                attempt.message = attempt.message or event["message"]
            else:
                attempt.void.append("the results channel carried an event the grader does not know")
    finally:
        _stop(process)
        receiver.close()


def _start(spec: worker.WorkerSpec) -> tuple[Any, Any, Any]:
    """Fork a worker; if the fork server is gone (killed, or stopped by a worker), start a new one."""
    ctx = _context()
    for attempt in range(3):
        receiver, sender = ctx.Pipe(duplex=False)
        process = ctx.Process(target=worker.run, args=(sender, spec), daemon=True)
        try:
            process.start()
        except (ConnectionError, FileNotFoundError, EOFError):
            receiver.close()
            sender.close()
            if attempt == 2:
                raise
            forkserver._forkserver._stop()
            continue
        sender.close()
        return receiver, sender, process
    raise AssertionError("unreachable")  # pragma: no cover


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
