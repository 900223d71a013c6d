"""What runs inside a worker process: limits, guards, the student's module, one suite.

The grader never imports student code itself. It forks a worker per item (from a
fork server that has already imported FastAPI, pytest and the kit, so a fork costs
milliseconds), and the worker sends events back over a pipe as JSON (never pickles:
a student who writes into the pipe must not be able to run code in the grader), each
built from the types of :mod:`autograder.sandbox.protocol`.
Whatever the student's code does to this process, the grader only loses this one run.
"""

from __future__ import annotations

import os
import resource
import signal
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from autograder.sandbox import confine, protocol
from autograder.sandbox.limits import ResourceLimits

PYTEST_ARGS = [
    "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:cov", "-p", "no:nbval",
    "-p", "no:warnings", "-p", "no:faulthandler", "-s", "--no-header", "--tb=no", "-o", "addopts=",
    "-o", "console_output_style=classic",
]


@dataclass(frozen=True)
class WorkerSpec:
    """Everything a worker needs, as plain data (it crosses the fork server's pipe)."""

    suite: str
    student_file: str
    item_id: str
    skip: tuple[str, ...] = ()
    canaries: tuple[str, ...] = ()
    protected: tuple[str, ...] = ()
    resources: ResourceLimits = field(default_factory=ResourceLimits)
    policy: confine.Policy | None = None


def run(conn: Connection, spec: WorkerSpec) -> None:
    """Worker entry point: one whole pytest session. Never returns: the process ends with ``os._exit``.

    Forked by the fork server when no suite server serves this suite (see
    :mod:`autograder.sandbox.suite_server`, which forks a worker that has collected already).
    """
    emit = protocol.sender(conn.send_bytes)  # bound now: replacing Connection.send_bytes later changes nothing
    exit_now = os._exit
    try:
        job = prepare((conn.fileno(),), spec, emit)
        if job is not None:
            suite = Path(spec.suite)
            # The spec names the canaries: nothing below the student's code on the stack may
            # hold it (this frame, or the Process object that carried it over the fork).
            del spec
            _forget_arguments()
            session(suite, job.student_file, job.basetemp, job.reporter)
    except BaseException as exc:  # noqa: BLE001 - report, never hang the grader
        failed(emit, exc)
    finally:
        try:
            conn.close()
        finally:
            exit_now(0)


def _forget_arguments() -> None:
    """Drop the arguments this process was started with from its ``Process`` object."""
    import multiprocessing

    process = multiprocessing.current_process()
    process._args, process._kwargs = (), {}  # type: ignore[attr-defined]


def failed(emit: Callable[[protocol.Frame], None], exc: BaseException) -> None:
    """Report what stopped the worker, if the channel still takes it."""
    try:
        emit(protocol.WorkerFailed(f"{type(exc).__name__}: {exc}").frame())
    except BaseException:  # noqa: BLE001
        pass


def session(suite: Path, student_file: Path | None, basetemp: Path, plugin: Any) -> None:
    """Run pytest on one suite with ``plugin``, as every worker and every suite server does.

    pytest reads no ini file (``-c /dev/null``: none of the project's either) and no plugin
    from the environment's entry points (nbval, coverage, anyio...): the suites need none,
    scanning every installed package for them cost each worker, and the student's process
    gets no code the grader did not choose.
    """
    import pytest  # already imported by the fork server (autograder.preload): costs nothing here

    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    suites = suite.parent.parent
    student = [f"--student={student_file}"] if student_file is not None else []
    pytest.main([str(suite), *student, f"--basetemp={basetemp}", "-c", os.devnull, f"--rootdir={suites}",
                 f"--confcutdir={suites}", *PYTEST_ARGS], plugins=[plugin])


@dataclass
class Job:
    """One item run's worker, once it is sandboxed and screened: what its pytest session needs."""

    student_file: Path
    private_tmp: Path
    reporter: Any

    @property
    def basetemp(self) -> Path:
        return self.private_tmp / "pytest"


def prepare(keep: tuple[int, ...], spec: WorkerSpec, emit: Callable[[protocol.Frame], None]) -> Job | None:
    """Everything a worker does before its tests, in this order; None if it may not go on.

    Its own process group, no inherited descriptor but ``keep`` (the results pipe first), the
    kernel limits, the sandbox, the static screen, then the job folder as working folder,
    temporary folder and first import path, and the output captured. The reporter it
    returns is the pytest plugin that reports every test through ``emit``.
    """
    from autograder.sandbox import screen  # imported by the fork server: costs nothing here
    from autograder.sandbox.plugin import Reporter

    os.setpgrp()  # the grader kills the whole group: no child of the student's survives
    _close_inherited(*keep)
    student_file = Path(spec.student_file)
    _limit(spec.resources)  # first: once the sandbox is on, no limit can be changed
    applied = None
    if spec.policy is not None:
        # Before anything else runs: every layer is inherited by all that follows.
        try:
            applied = confine.enter(spec.policy)
        except confine.SandboxError as exc:
            emit(protocol.SandboxFailed(str(exc)).frame())
            return None
        emit(protocol.Sandboxed(**applied.record()).frame())
    # The static screen runs here, sandboxed and under the import's time limit: a file
    # made to be slow to screen costs its own item, never the grader.
    emit(protocol.Screened(tuple(str(f) for f in screen.screen_file(student_file))).frame())
    job = student_file.parent
    private_tmp = job / "tmp"
    private_tmp.mkdir(exist_ok=True)
    sys.dont_write_bytecode = True
    _capture_output(spec.resources.output_bytes)
    os.environ["TMPDIR"] = str(private_tmp)
    tempfile.tempdir = str(private_tmp)
    os.chdir(job)
    sys.path.insert(0, str(job))

    def seal() -> None:
        if applied is not None and spec.policy is not None:
            confine.seal(spec.policy, applied)

    reporter = Reporter(emit, student_file, spec.item_id, frozenset(spec.skip), spec.canaries,
                        protected=tuple(Path(p) for p in spec.protected), writable=(job,), seal=seal)
    return Job(student_file, private_tmp, reporter)


def _close_inherited(*keep: int) -> None:
    """Close every descriptor but stdio and ``keep`` (the results pipe, and what else the caller names).

    A forked worker inherits the fork server's pipes; student code that wrote into
    them could stop the fork server, and with it every other student's grading.
    """
    start = 3
    for fd in sorted(set(keep)):
        if fd >= start:
            os.closerange(start, fd)
            start = fd + 1
    os.closerange(start, resource.getrlimit(resource.RLIMIT_NOFILE)[0])


def _limit(limits: ResourceLimits) -> None:
    """Kernel limits: they hold whatever the code does, including in C extensions."""
    for which, value in ((resource.RLIMIT_CPU, limits.cpu_seconds), (resource.RLIMIT_AS, limits.memory_bytes),
                         (resource.RLIMIT_FSIZE, limits.file_bytes), (resource.RLIMIT_NOFILE, limits.open_files),
                         (resource.RLIMIT_NPROC, limits.processes)):
        _, hard = resource.getrlimit(which)
        cap = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (cap, cap))
    # Past RLIMIT_FSIZE a write fails with EFBIG instead of killing the worker.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


class _CappedOutput:
    """Stands in for ``sys.stdout``/``sys.stderr``: keeps the first bytes, drops the rest."""

    encoding = "utf-8"
    errors = "replace"

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.kept: list[str] = []
        self.size = 0
        self.dropped = 0

    def write(self, text: str) -> int:
        text = str(text)
        room = self.cap - self.size
        if room > 0:
            self.kept.append(text[:room])
            self.size += min(len(text), room)
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError("the grader captures output: it has no file descriptor")

    def writable(self) -> bool:
        return True


def _capture_output(cap: int) -> None:
    """The student's prints (and pytest's) are captured and capped; the pipe carries results.

    File descriptors 1 and 2 go to /dev/null, so output written below Python (a C
    extension, ``os.write``) costs nothing either. ``WORKBOOK_WORKER_DEBUG=1`` keeps
    everything on the terminal, to debug a suite.
    """
    if os.environ.get("WORKBOOK_WORKER_DEBUG"):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stdout = sys.__stdout__ = _CappedOutput(cap)  # type: ignore[misc]
    sys.stderr = sys.__stderr__ = _CappedOutput(cap)  # type: ignore[misc]
