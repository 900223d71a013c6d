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
import multiprocessing
import multiprocessing.forkserver as forkserver
import os
import re
import shutil
import signal
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from autograder.manifest import Item
from autograder.paths import PACKAGE, ROOT, SOLUTIONS, SUITES, suite_file
from autograder.results import ItemResult, ItemStatus, TestResult
from autograder.sandbox import canary, channel, confine, warm, worker, workspace
from autograder.sandbox.limits import Limits
from autograder.sandbox.messages import MAX_LENGTH

# Each finished worker's peak resident memory (KiB), for benchmarks/throughput.py; bounded.
PEAK_RSS_KB: collections.deque[int] = collections.deque(maxlen=10_000)

IMPORT_FAILURES: dict[str, ItemStatus] = {"import_error": "import_error", "crashed": "crashed",
                                           "import_timeout": "timeout"}


@cache
def _context() -> Any:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(warm.PRELOAD)
    return ctx


def _protected() -> tuple[Path, ...]:
    """What the guard flags a read of: the suites, the solutions, the project's tests and history."""
    return (SUITES, SOLUTIONS, ROOT / "tests", ROOT / ".git")


@dataclass
class _Attempt:
    """What one worker process reported before it finished, hung or died."""

    planned: list[dict] | None = None
    results: dict[str, dict] = field(default_factory=dict)
    # done | import_error | crashed | import_timeout | test_timeout | died | item_timeout | violation
    ended: str = "done"
    message: str = ""
    running: str | None = None
    flags: list[str] = field(default_factory=list)
    void: list[str] = field(default_factory=list)


MAX_FLAGS = 20  # distinct flags kept per item; one more says the rest were dropped
MAX_FLAG_CHARS = 200
MAX_MESSAGE_CHARS = 2 * MAX_LENGTH  # the worker shortens to MAX_LENGTH; the grader does not trust it to


def grade_item(item: Item, student_file: Path | None, kind: str = "hidden", limits: Limits = Limits(),
               protected: tuple[Path, ...] = ()) -> ItemResult:
    """Run the item's ``kind`` suite against ``student_file``; never raises for student faults.

    The file is copied into a job folder of this run's workspace, the only folder the
    worker may write (a private tmpfs when the kernel allows); the folder is removed when
    the item ends. ``protected`` folders join what the guard refuses to let the student
    read (the kernel sandbox refuses everything outside the job folder anyway).
    """
    if student_file is None or not Path(student_file).is_file():
        return ItemResult(item.id, 0, item.points if kind == "hidden" else 0, "missing",
                          f"{item.filename} was not submitted")
    job = workspace.job_folder(f"job-{item.id}-")
    try:
        copy = job / item.filename
        shutil.copyfile(student_file, copy)
        result = _grade(item, copy, kind, limits, protected)
    finally:
        workspace.remove(job)
    return result


def _capped_flags(flags: list[str], new: list[str]) -> list[str]:
    """``flags`` with ``new`` added: distinct, each cut to a line, at most ``MAX_FLAGS``."""
    kept = list(flags)
    for flag in new:
        flag = " ".join(str(flag).split())[:MAX_FLAG_CHARS]
        if flag in kept:
            continue
        if len(kept) >= MAX_FLAGS:
            if TOO_MANY_FLAGS not in kept:
                kept.append(TOO_MANY_FLAGS)
            break
        kept.append(flag)
    return kept


TOO_MANY_FLAGS = f"channel: more than {MAX_FLAGS} flags were raised; the rest were dropped"


def _grade(item: Item, student_file: Path, kind: str, limits: Limits, protected: tuple[Path, ...]) -> ItemResult:
    suite = suite_file(item.id, kind)
    deadline = time.monotonic() + limits.item
    canaries = canary.names(_test_names(suite), limits.canaries)
    policy = confine.policy_for(student_file.parent, suite, package=PACKAGE, project=ROOT, level=limits.isolation,
                                job_bytes=limits.resources.tmp_bytes)
    guarded = tuple(str(p) for p in (*_protected(), workspace.run_folder(), *protected))
    budget = channel.Budget()
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
            protected=guarded, resources=limits.resources, policy=policy)
        attempt = _run_worker(item, spec, limits, deadline, budget)
        flags = _capped_flags(flags, attempt.flags)
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
        if attempt.ended == "violation":
            break
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
        flags = _capped_flags(flags, [f"tampering: {reason}" for reason in dict.fromkeys(void)])
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


def _text(event: dict, key: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    value = event.get(key, "")
    if not isinstance(value, str):
        raise channel.Violation(f"an event's {key!r} was not text")
    return value[:limit]


def _planned(event: dict) -> list[dict]:
    """The ``collected`` event's tests, checked field by field (the stream is untrusted)."""
    tests = event.get("tests")
    if not isinstance(tests, list) or len(tests) > channel.MAX_EVENTS // 2:
        raise channel.Violation("the list of collected tests was malformed")
    planned = []
    for test in tests:
        if not isinstance(test, dict) or not isinstance(test.get("name"), str) \
                or not isinstance(test.get("max_score"), (int, float)) or isinstance(test.get("max_score"), bool) \
                or not 0 <= test["max_score"] <= 1000 or not isinstance(test.get("task"), (int, type(None))):
            raise channel.Violation("the list of collected tests was malformed")
        planned.append({"name": test["name"][:200], "max_score": test["max_score"], "task": test.get("task"),
                        "description": _text(test, "description", MAX_LENGTH)})
    return planned


def _run_worker(item: Item, spec: worker.WorkerSpec, limits: Limits, deadline: float,
                budget: channel.Budget) -> _Attempt:
    receiver, _, process = _start(spec)
    reader = channel.Reader(receiver.fileno(), budget)
    attempt = _Attempt()
    phase_deadline = time.monotonic() + limits.import_
    phase = "sandbox" if spec.policy is not None else "screen"
    try:
        while True:
            if time.monotonic() >= deadline:
                attempt.ended = "item_timeout"
                attempt.message = f"grading {item.filename} took longer than {limits.item:g} s in all"
                return attempt
            try:
                event = reader.next(min(phase_deadline, deadline))
            except EOFError:
                attempt.ended = "crashed" if phase in ("import", "sandbox", "screen") else "died"
                attempt.message = ("your module ended the process while being imported (os._exit or a crash?)"
                                   if phase in ("import", "sandbox", "screen") else
                                   "the process running this test died (os._exit, a crash, or memory exhausted?)")
                return attempt
            except channel.Violation as violation:
                attempt.ended = "violation"
                attempt.void.append(violation.reason)
                return attempt
            if event is None:
                if reader.partial:
                    attempt.ended = "violation"
                    attempt.void.append("a partial frame stalled the results channel")
                    return attempt
                if time.monotonic() >= deadline:
                    continue
                if phase == "test":
                    attempt.ended = "test_timeout"
                    attempt.message = (f"did not finish within {limits.test:g} s "
                                       "(an endless loop, or a call that never returns?)")
                elif phase in ("import", "sandbox", "screen"):
                    attempt.ended = "import_timeout"
                    attempt.message = (f"importing {item.filename} did not finish within {limits.import_:g} s "
                                       "(an endless loop at module level?)")
                else:
                    attempt.ended = "died"
                    attempt.message = "the worker stopped reporting"
                return attempt
            try:
                done, phase, phase_deadline = _handle(event, attempt, phase, phase_deadline, limits)
            except channel.Violation as violation:
                attempt.ended = "violation"
                attempt.void.append(violation.reason)
                return attempt
            except confine.SandboxError:
                raise
            except Exception:  # noqa: BLE001 - a malformed event must cost its sender, never the run
                attempt.ended = "violation"
                attempt.void.append("the results channel carried a malformed event")
                return attempt
            if done:
                return attempt
    finally:
        _stop(process)
        receiver.close()


def _handle(event: dict, attempt: _Attempt, phase: str, phase_deadline: float,
            limits: Limits) -> tuple[bool, str, float]:
    """Apply one event to ``attempt``; returns (the attempt ended, the phase, its deadline)."""
    kind_ = event["event"]
    if phase == "sandbox":
        # The worker's first event, sent before pytest starts and so before any student
        # code exists: anything else first (or a sandbox event later) is forged.
        if kind_ == "sandbox":
            return False, "screen", phase_deadline
        if kind_ == "sandbox_error":
            raise confine.SandboxError(f"the worker could not enter its sandbox: {_text(event, 'message')}")
        raise channel.Violation("the results channel did not begin with the sandbox report")
    if phase == "screen":
        # Second, still before any student code: the static screen's findings (flags for
        # review, never a change of score), made in the worker under its limits.
        if kind_ != "screen" or not isinstance(event.get("findings"), list):
            raise channel.Violation("the results channel did not carry the screen's findings")
        attempt.flags += [f for f in event["findings"] if isinstance(f, str)][:MAX_FLAGS]
        return False, "import", phase_deadline
    if kind_ == "collected" and attempt.planned is None:
        attempt.planned = _planned(event)
    elif kind_ == "imported":
        return False, "between", time.monotonic() + limits.test
    elif kind_ in ("import_error", "crashed"):
        attempt.ended, attempt.message = kind_, _text(event, "message")
        return True, phase, phase_deadline
    elif kind_ == "start":
        attempt.running = _text(event, "name", 200)
        return False, "test", time.monotonic() + limits.test
    elif kind_ == "result":
        name = _text(event, "name", 200)
        status = event.get("status")
        if status not in ("passed", "failed", "error", "timeout"):
            raise channel.Violation("a result carried an unknown status")
        if name != attempt.running:
            attempt.void.append(f"a result arrived for {name}, which was not running")
        elif name in attempt.results:
            attempt.void.append(f"a second result arrived for {name}")
        else:
            attempt.results[name] = {"status": status, "message": _text(event, "message")}
        attempt.running = None
        return False, "between", time.monotonic() + limits.test
    elif kind_ == "flag":
        attempt.flags.append(f"guard: your code {_text(event, 'flag', MAX_FLAG_CHARS)}")
    elif kind_ == "tampered":
        attempt.void.append(_text(event, "flag", MAX_FLAG_CHARS))
    elif kind_ == "done":
        attempt.ended = "done"
        peak = event.get("peak_rss_kb")
        PEAK_RSS_KB.append(int(peak) if isinstance(peak, int) and not isinstance(peak, bool) else 0)
        return True, phase, phase_deadline
    elif kind_ in ("worker_error", "collect_error"):
        attempt.message = attempt.message or _text(event, "message")
    else:
        attempt.void.append("the results channel carried an event the grader does not know")
    return False, phase, phase_deadline


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
