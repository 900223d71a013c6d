"""A pytest plugin that reports each test's outcome as an event, inside the worker.

Like exercism's test runner it listens to pytest's hooks rather than parsing output.
It emits, in order: ``collected`` (every test with its points and task), then for each
test ``start`` and ``result``, and finally ``done``, each an event type of
:mod:`autograder.sandbox.protocol` sent as its frame. The grader watches the stream: a
test that starts and never reports is the one that hung or killed the worker.
"""

from __future__ import annotations

import linecache
import os
import resource
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from autograder.sandbox import canary, guard, integrity, loader, protocol
from autograder.sandbox.messages import failure, shorten

Emit = Callable[[protocol.Frame], None]
# Bound at import, before any student code: a replaced ``pytest.fail`` must not break the
# reporter (it is flagged; the run goes on).
_FAILED = pytest.fail.Exception
_SKIPPED = pytest.skip.Exception


def points_of(item: pytest.Item) -> float:
    marker = item.get_closest_marker("points")
    return float(marker.args[0]) if marker else 1.0


def task_of(item: pytest.Item) -> int | None:
    marker = item.get_closest_marker("task")
    return int(marker.args[0]) if marker else None


def description_of(item: pytest.Item) -> str:
    doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
    return shorten(doc) if doc.strip() else item.name.removeprefix("test_").replace("_", " ")


class Reporter:
    """Inside the worker: collect, guard, import, then report every test as it ends.

    ``canaries`` are names for extra tests that must fail (see :mod:`autograder.sandbox.canary`);
    ``protected`` and ``writable`` are the guard's folders. A reporter made without them
    (``workbook check`` in a notebook's own kernel, say) installs no guard.
    """

    def __init__(self, emit: Emit, student_file: Path, item_id: str, skip: frozenset[str] = frozenset(),
                 canaries: tuple[str, ...] = (), *, protected: tuple[Path, ...] | None = None,
                 writable: tuple[Path, ...] = (), seal: Callable[[], None] | None = None) -> None:
        self.emit = emit
        self.student_file = student_file
        self.item_id = item_id
        self.skip = skip
        self.canaries = canaries
        self.protected = protected
        self.writable = writable
        self.seal = seal
        self.suite_modules: tuple[Any, ...] = ()
        self.outcomes: dict[str, dict[str, Any]] = {}
        self.snapshot: integrity.Snapshot | None = None
        self.shared: integrity.Snapshot | None = None  # integrity.shared(), if taken before the fork
        self.plugin_manager: Any = None

    def _send(self, event: protocol.Event) -> None:
        """Every event leaves as its frame, a plain dict, through ``emit``."""
        self.emit(event.frame())

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, session: pytest.Session, config: pytest.Config,
                                      items: list[pytest.Item]) -> None:
        template = items[0] if items else None  # kept: the canaries need a real test's module and markers
        kept = [item for item in items if item.name not in self.skip]
        deselected = [item for item in items if item.name in self.skip]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = kept
        # Also when every real test is skipped: earlier workers ended (a loop, a crash)
        # before the canaries ran, and a run that leaves them out is voided.
        if template is not None and self.canaries:
            items[:] = canary.mix(items, self.canaries, template)
        self.canaries = ()  # the names are not kept where the student's code could look them up
        self.plugin_manager = config.pluginmanager
        self._send(protocol.Collected(tuple(
            protocol.PlannedTest(item.name, points_of(item), task_of(item), description_of(item)) for item in items)))

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Import the student's module once before any test, to report import errors.

        Collection does not touch student code (fixtures load it), so the grader
        already knows every test by now and can score each one if the import fails.
        """
        suites = {str(item.path) for item in session.items}
        self.suite_modules = tuple({id(m): m for item in session.items
                                    if (m := getattr(item, "module", None)) is not None}.values())
        if self.seal is not None:
            self.seal()  # the kernel forgets the suite: from here on it cannot be opened
        for key in [k for k in linecache.cache if k in suites]:
            del linecache.cache[key]  # nor read back from memory
        hook = None
        if self.protected is not None:
            hook = guard.install(student_file=self.student_file, protected=self.protected, writable=self.writable,
                          report=lambda rule: self._send(protocol.Flagged(rule)))
        self.snapshot = integrity.snapshot(
            self.suite_modules, instances=[("the reporter", self, frozenset({"snapshot"}))],
            closures=[("the reporter's channel", self.emit), *([("the guard", hook)] if hook else [])],
            plugin_manager=self.plugin_manager, base=self.shared, items=session.items)
        integrity.install(self._check)
        try:
            loader.load(self.student_file, self.item_id)
        except loader.StudentImportError as exc:
            failed = protocol.Crashed if isinstance(exc.original, (SystemExit, KeyboardInterrupt)) \
                else protocol.ImportFailed
            self._send(failed(exc.message))
            os._exit(0)
        self._check()
        self._send(protocol.Imported())

    def _check(self) -> None:
        """Report that pytest's or the grader's functions were replaced.

        Every time, not once: a "reported already" switch would be one more thing for the
        student's code to flip (the grader keeps each reason once).
        """
        if self.snapshot is None:
            return
        replaced = integrity.changed(self.snapshot, self.suite_modules)
        if replaced:
            self._send(protocol.Tampered("replaced " + ", ".join(replaced[:3])
                                         + (f" and {len(replaced) - 3} more" if len(replaced) > 3 else "")))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self._send(protocol.CollectFailed(shorten(str(report.longrepr))))

    def pytest_runtest_logstart(self, nodeid: str, location: tuple) -> None:
        self._send(protocol.Started(nodeid.rpartition("::")[2]))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo) -> Any:
        report = yield
        self._check()  # at every phase, not only at teardown
        outcome = self.outcomes.setdefault(item.name, {"status": "passed", "message": ""})
        if call.excinfo is not None and outcome["status"] == "passed":
            exc = call.excinfo.value
            if call.when == "call" and isinstance(exc, (AssertionError, _FAILED)):
                outcome["status"] = "failed"
            elif isinstance(exc, _SKIPPED):
                outcome["status"] = "failed"
                outcome["message"] = "skipped: " + shorten(str(exc))
                return report
            else:
                outcome["status"] = "error"
            outcome["message"] = failure(exc, self.student_file)
        if call.when == "teardown":
            outcome = self.outcomes.pop(item.name)
            self._send(protocol.Result(item.name, outcome["status"], outcome["message"]))
        return report

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        # The worker's peak memory, for the throughput benchmark (kilobytes on Linux).
        self._send(protocol.Done(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
