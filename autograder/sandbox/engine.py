"""Grading one item of one submission in a worker process, under limits and watch.

The grader process never runs student code. For each item it starts a worker (forked
from a fork server that has FastAPI and pytest imported already) and reads the events
the worker's reporter sends, as declared in :mod:`autograder.sandbox.protocol`. It
knows every test from the ``collected`` event,
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
import enum
import multiprocessing
import multiprocessing.forkserver as forkserver
import os
import re
import shutil
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from autograder.manifest import Item
from autograder.paths import PACKAGE, ROOT, SOLUTIONS, SUITES, suite_file
from autograder.results import ItemResult, ItemStatus, TestResult
from autograder.sandbox import canary, channel, confine, protocol, suite_server, warm, worker, workspace
from autograder.sandbox.limits import Limits
from autograder.sandbox.protocol import Ended

# Each finished worker's peak resident memory (KiB), for benchmarks/throughput.py; bounded.
PEAK_RSS_KB: collections.deque[int] = collections.deque(maxlen=10_000)

DEFAULT_LIMITS = Limits()  # frozen: one for every call that names none
# The suite servers of this process (see autograder.sandbox.suite_server): a worker whose suite
# has one starts collected, and one whose suite has none is forked from the fork server.
SERVERS = suite_server.Servers()
IMPORT_FAILURES: dict[Ended, ItemStatus] = {Ended.IMPORT_ERROR: "import_error", Ended.CRASHED: "crashed",
                                             Ended.IMPORT_TIMEOUT: "timeout"}


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

    planned: tuple[protocol.PlannedTest, ...] | None = None
    results: dict[str, protocol.Result] = field(default_factory=dict)
    ended: Ended = Ended.DONE
    message: str = ""
    running: str | None = None
    flags: list[str] = field(default_factory=list)
    void: list[str] = field(default_factory=list)


def grade_item(item: Item, student_file: Path | None, kind: str = "hidden", limits: Limits = DEFAULT_LIMITS,
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


def _grade(item: Item, student_file: Path, kind: str, limits: Limits, protected: tuple[Path, ...]) -> ItemResult:
    suite = suite_file(item.id, kind)
    deadline = time.monotonic() + limits.item
    grading = _Grading(item, kind, canary.names(_test_names(suite), limits.canaries))
    policy = confine.policy_for(student_file.parent, suite, package=PACKAGE, project=ROOT, level=limits.isolation,
                                job_bytes=limits.resources.tmp_bytes)
    guarded = tuple(str(p) for p in (*_protected(), workspace.run_folder(), *protected))
    budget = channel.Budget()
    while True:
        spec = worker.WorkerSpec(
            suite=str(suite), student_file=str(student_file), item_id=item.id, skip=grading.reported(),
            canaries=grading.canaries_left(), protected=guarded, resources=limits.resources, policy=policy)
        if grading.add(_run_worker(item, spec, limits, deadline, budget)):
            return grading.result()


class _Grading:
    """One item's grading, across the workers it takes: their attempts added up, then the scores.

    A worker that hangs, dies or stops the run costs the test it was running; a new
    worker runs the tests that are left (and the canaries not yet run).
    """

    def __init__(self, item: Item, kind: str, canaries: tuple[str, ...]) -> None:
        self.item = item
        self.kind = kind
        self.canaries = canaries
        self.canary_status: dict[str, str] = {}
        self.planned: list[protocol.PlannedTest] | None = None
        self.results: dict[str, TestResult] = {}
        self.status: ItemStatus = "graded"
        self.message = ""
        self.flags: list[str] = []
        self.void: list[str] = []

    def reported(self) -> tuple[str, ...]:
        """The tests and canaries that have a result: the next worker skips them."""
        return tuple(sorted({*self.results, *self.canary_status}))

    def canaries_left(self) -> tuple[str, ...]:
        return tuple(c for c in self.canaries if c not in self.canary_status)

    def _names(self) -> set[str]:
        return {t.name for t in self.planned or []}

    def add(self, attempt: _Attempt) -> bool:
        """Take in one worker's attempt; whether the item is over (no new worker)."""
        self.flags = protocol.capped_flags(self.flags, attempt.flags)
        self.void += attempt.void
        if self.planned is None and attempt.planned is not None:
            self.planned = [t for t in attempt.planned if t.name not in self.canaries]
        self._take(attempt.results)
        running = attempt.running
        if running in self.canaries:
            self.canary_status[running] = "error"
            running = None
        if self._stopped(attempt):
            return True
        if running is not None:
            self._charge(running, attempt)
        return self._over(attempt, running)

    def _take(self, results: dict[str, protocol.Result]) -> None:
        names = self._names()
        for name, result in results.items():
            if name in self.canaries:
                self.canary_status[name] = result.status
            elif name in names:
                self.results[name] = protocol.scored(self.planned, name, result.status, result.message)
            else:
                self.void.append(f"a result arrived for {name}, which is not a test of this suite")

    def _stopped(self, attempt: _Attempt) -> bool:
        """Whether the attempt ended the item before any test could be charged or rerun."""
        if attempt.ended is Ended.VIOLATION:
            return True
        if attempt.ended is Ended.ITEM_TIMEOUT:
            self.status, self.message = "timeout", attempt.message
            return True
        if self.planned is None or (attempt.ended in IMPORT_FAILURES and not attempt.results):
            # Nothing ran: the module did not import (or the worker died before it could).
            self.status = IMPORT_FAILURES.get(attempt.ended, "crashed")
            self.message = attempt.message or "the worker ended before it collected the tests"
            return True
        return False

    def _charge(self, running: str, attempt: _Attempt) -> None:
        """This test hung, killed its worker or stopped the run: it scores 0 and a
        new worker runs the tests that are left."""
        timed_out = attempt.ended is Ended.TEST_TIMEOUT
        why = attempt.message or "this test stopped the test run (KeyboardInterrupt raised by your code?)"
        self.results[running] = protocol.scored(self.planned, running, "timeout" if timed_out else "error", why)
        if self.status == "graded":
            self.status = "timeout" if timed_out else "crashed"
            self.message = f"{running}: {why}"

    def _over(self, attempt: _Attempt, running: str | None) -> bool:
        open_tests = self._names() - set(self.results)
        open_canaries = self.canaries_left()
        if attempt.ended is Ended.DONE and (open_tests or open_canaries):
            self.void.append("the test run reported its end before every test had reported")
            return True
        if not open_tests and not open_canaries:
            return True
        return running is None and attempt.running is None  # the worker died between tests: what is left scores 0

    def result(self) -> ItemResult:
        passed_canaries = sorted(name for name, status in self.canary_status.items() if status == "passed")
        if passed_canaries:
            self.void.append(f"a canary test that must fail passed ({passed_canaries[0]})")
        tests = [self._final(test.name) for test in self.planned or []]
        if self.void:
            self._voided(tests)
        if self.planned:
            max_score = sum(t.max_score for t in self.planned)
        else:
            max_score = self.item.points if self.kind == "hidden" else 0
        return ItemResult.from_tests(self.item.id, max_score, tests, self.status, self.message, self.flags)

    def _voided(self, tests: list[TestResult]) -> None:
        """Evidence of tampering: every test scores 0, and each reason is a flag."""
        self.flags = protocol.capped_flags(self.flags, [f"tampering: {reason}" for reason in dict.fromkeys(self.void)])
        for test in tests:
            test.score, test.status = 0, "failed"
            test.message = f"voided: {self.void[0]}"
        self.message = self.message or f"results voided: {self.void[0]}"

    def _final(self, name: str) -> TestResult:
        """The test's result; one that never reported scores 0 (a timeout if the item timed out)."""
        result = self.results.get(name)
        if result is None:
            status = "timeout" if self.status == "timeout" else "error"
            result = protocol.scored(self.planned, name, status, self.message or "no result was reported for this test")
        return result


def _test_names(suite: Path) -> set[str]:
    """The suite's test function names, so that no canary takes one of them."""
    try:
        return set(re.findall(r"def (test_\w+)", suite.read_text(encoding="utf-8")))
    except OSError:
        return set()


def _run_worker(item: Item, spec: worker.WorkerSpec, limits: Limits, deadline: float,
                budget: channel.Budget) -> _Attempt:
    receiver, _, process = _start(spec)
    try:
        watch = _Watch(item, limits, deadline, channel.Reader(receiver.fileno(), budget),
                       sandboxed=spec.policy is not None)
        return watch.follow()
    finally:
        _stop(process)
        receiver.close()


class _Phase(enum.Enum):
    SANDBOX = "sandbox"  # waiting for the sandbox report (only when the worker is sandboxed)
    SCREEN = "screen"  # waiting for the screen's findings
    IMPORT = "import"  # collecting, then importing the student's module
    BETWEEN = "between"  # between tests
    TEST = "test"  # a test runs


_BEFORE_TESTS = frozenset({_Phase.SANDBOX, _Phase.SCREEN, _Phase.IMPORT})


class _Watch:
    """Reads one worker's stream into an :class:`_Attempt`, under the limits.

    The phase says what may come next and how long the worker has to say it: the import
    limit until the module imported, then the per-test limit for each test (and for the
    wait between two). Each event kind has one small method below; what an event may hold
    is :mod:`autograder.sandbox.protocol`'s to check, read only when the method needs it.
    """

    def __init__(self, item: Item, limits: Limits, deadline: float, reader: channel.Reader, *,
                 sandboxed: bool) -> None:
        self.item = item
        self.limits = limits
        self.deadline = deadline
        self.reader = reader
        self.attempt = _Attempt()
        self.phase = _Phase.SANDBOX if sandboxed else _Phase.SCREEN
        self.phase_deadline = time.monotonic() + limits.import_

    def follow(self) -> _Attempt:
        while not self._step():
            pass
        return self.attempt

    def _step(self) -> bool:
        """Read and apply one event; whether the attempt ended."""
        if time.monotonic() >= self.deadline:
            return self._end(Ended.ITEM_TIMEOUT,
                             f"grading {self.item.filename} took longer than {self.limits.item:g} s in all")
        try:
            frame = self.reader.next(min(self.phase_deadline, self.deadline))
        except EOFError:
            return self._closed()
        except protocol.Violation as violation:
            return self._violated(violation.reason)
        if frame is None:
            return self._silent()
        try:
            return self._apply(frame)
        except protocol.Violation as violation:
            return self._violated(violation.reason)
        except confine.SandboxError:
            raise
        except Exception:  # noqa: BLE001 - a malformed event must cost its sender, never the run
            return self._violated("the results channel carried a malformed event")

    def _end(self, ended: Ended, message: str) -> bool:
        self.attempt.ended, self.attempt.message = ended, message
        return True

    def _violated(self, reason: str) -> bool:
        self.attempt.ended = Ended.VIOLATION
        self.attempt.void.append(reason)
        return True

    def _closed(self) -> bool:
        if self.phase in _BEFORE_TESTS:
            return self._end(Ended.CRASHED, "your module ended the process while being imported (os._exit or a crash?)")
        return self._end(Ended.DIED, "the process running this test died (os._exit, a crash, or memory exhausted?)")

    def _silent(self) -> bool:
        """No complete event before the phase's deadline."""
        if self.reader.partial:
            return self._violated("a partial frame stalled the results channel")
        if time.monotonic() >= self.deadline:
            return False  # the next step ends the item
        if self.phase is _Phase.TEST:
            return self._end(Ended.TEST_TIMEOUT, f"did not finish within {self.limits.test:g} s "
                                                 "(an endless loop, or a call that never returns?)")
        if self.phase in _BEFORE_TESTS:
            return self._end(Ended.IMPORT_TIMEOUT, f"importing {self.item.filename} did not finish within "
                                                   f"{self.limits.import_:g} s (an endless loop at module level?)")
        return self._end(Ended.DIED, "the worker stopped reporting")

    def _apply(self, frame: protocol.Frame) -> bool:
        """Apply one event to the attempt; whether the attempt ended."""
        if self.phase is _Phase.SANDBOX:
            return self._sandbox(frame)
        if self.phase is _Phase.SCREEN:
            return self._screen(frame)
        return self.HANDLERS.get(frame["event"], _Watch._unknown)(self, frame)

    def _next_test(self, phase: _Phase) -> bool:
        """Enter ``phase`` with a fresh per-test limit."""
        self.phase = phase
        self.phase_deadline = time.monotonic() + self.limits.test
        return False

    def _sandbox(self, frame: protocol.Frame) -> bool:
        # The worker's first event, sent before pytest starts and so before any student
        # code exists: anything else first (or a sandbox event later) is forged.
        if frame["event"] == protocol.Sandboxed.KIND:
            self.phase = _Phase.SCREEN
            return False
        if frame["event"] == protocol.SandboxFailed.KIND:
            raise confine.SandboxError(
                f"the worker could not enter its sandbox: {protocol.SandboxFailed.parse(frame).message}")
        raise protocol.Violation("the results channel did not begin with the sandbox report")

    def _screen(self, frame: protocol.Frame) -> bool:
        # Second, still before any student code: the static screen's findings (flags for
        # review, never a change of score), made in the worker under its limits.
        if frame["event"] != protocol.Screened.KIND:
            raise protocol.Violation(protocol.NO_SCREEN)
        self.attempt.flags += protocol.Screened.parse(frame).findings
        self.phase = _Phase.IMPORT
        return False

    def _collected(self, frame: protocol.Frame) -> bool:
        if self.attempt.planned is not None:  # one list per worker: a second is not read, and voids
            return self._unknown(frame)
        self.attempt.planned = protocol.Collected.parse(frame).tests
        return False

    def _imported(self, frame: protocol.Frame) -> bool:
        return self._next_test(_Phase.BETWEEN)

    def _import_error(self, frame: protocol.Frame) -> bool:
        return self._end(Ended.IMPORT_ERROR, protocol.ImportFailed.parse(frame).message)

    def _crashed(self, frame: protocol.Frame) -> bool:
        return self._end(Ended.CRASHED, protocol.Crashed.parse(frame).message)

    def _start(self, frame: protocol.Frame) -> bool:
        self.attempt.running = protocol.Started.parse(frame).name
        return self._next_test(_Phase.TEST)

    def _result(self, frame: protocol.Frame) -> bool:
        """A result counts for the test that is running, once; any other is voided unread."""
        name, _ = protocol.Result.head(frame)
        if name != self.attempt.running:
            self.attempt.void.append(f"a result arrived for {name}, which was not running")
        elif name in self.attempt.results:
            self.attempt.void.append(f"a second result arrived for {name}")
        else:
            self.attempt.results[name] = protocol.Result.parse(frame)
        self.attempt.running = None
        return self._next_test(_Phase.BETWEEN)

    def _flag(self, frame: protocol.Frame) -> bool:
        self.attempt.flags.append(f"guard: your code {protocol.Flagged.parse(frame).flag}")
        return False

    def _tampered(self, frame: protocol.Frame) -> bool:
        self.attempt.void.append(protocol.Tampered.parse(frame).flag)
        return False

    def _done(self, frame: protocol.Frame) -> bool:
        self.attempt.ended = Ended.DONE
        PEAK_RSS_KB.append(protocol.Done.parse(frame).peak_rss_kb)
        return True

    def _failed(self, frame: protocol.Frame, event: type[protocol.WorkerFailed | protocol.CollectFailed]) -> bool:
        if not self.attempt.message:  # the first message counts; a later one is not read
            self.attempt.message = event.parse(frame).message
        return False

    def _worker_error(self, frame: protocol.Frame) -> bool:
        return self._failed(frame, protocol.WorkerFailed)

    def _collect_error(self, frame: protocol.Frame) -> bool:
        return self._failed(frame, protocol.CollectFailed)

    def _unknown(self, frame: protocol.Frame) -> bool:
        # Also the sandbox and screen kinds out of their phase.
        self.attempt.void.append(protocol.UNKNOWN)
        return False

    # After the screen, each kind the grader reads; any other is voided as unknown.
    HANDLERS: ClassVar[dict[str, Callable[[_Watch, protocol.Frame], bool]]] = {
        protocol.Collected.KIND: _collected,
        protocol.Imported.KIND: _imported,
        protocol.ImportFailed.KIND: _import_error,
        protocol.Crashed.KIND: _crashed,
        protocol.Started.KIND: _start,
        protocol.Result.KIND: _result,
        protocol.Flagged.KIND: _flag,
        protocol.Tampered.KIND: _tampered,
        protocol.Done.KIND: _done,
        protocol.WorkerFailed.KIND: _worker_error,
        protocol.CollectFailed.KIND: _collect_error,
    }


def _start(spec: worker.WorkerSpec) -> tuple[Any, Any, Any]:
    """Start a worker: from its suite's server if it has one, else forked from the fork server.

    If the fork server is gone (killed, or stopped by a worker), a new one is started.
    """
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    job = SERVERS.start(ctx, spec, sender)
    if job is not None:
        sender.close()
        return receiver, sender, job
    receiver.close()
    sender.close()
    for attempt in range(3):
        receiver, sender = ctx.Pipe(duplex=False)
        process = ctx.Process(target=worker.run, args=(sender, spec), daemon=True)
        try:
            warm.start()  # a (re)start sees this package first, never the folder it runs in
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
    if isinstance(process, suite_server.Job):
        process.stop()
        return
    if process.pid is not None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    process.join(timeout=5)
    if process.is_alive():  # pragma: no cover - only if the group kill failed
        process.kill()
        process.join(timeout=5)
