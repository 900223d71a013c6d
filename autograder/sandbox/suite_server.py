"""One server per suite: pytest configured and the suite collected once, a worker forked per item run.

A worker forked from the fork server starts a pytest session of its own: it registers
pytest's plugins, reads its options, imports the suites' conftest and the suite, and
collects the tests, about 35 ms of every item run's 120 (measured by
``benchmarks/throughput.py``) before a single test starts. A suite server does that once.
It is forked from the fork server, runs ``pytest.main`` on its suite, and stops inside
the last implementation of ``pytest_collection_modifyitems``: there it serves jobs. For
each job it forks a worker, which returns from that hook into pytest's own session
(``wrap_session``: the rest of collection, the test loop, ``sessionfinish``), exactly
where a worker of its own would have been. So every test runs as it always did; only
what came before is shared.

What the server holds and does is what the fork server holds and does, plus one suite:

* it never runs student code, and no worker can reach it. A worker's first act is to
  close every descriptor but its results pipe (the server's socket included), then it
  enters the same sandbox (:func:`autograder.sandbox.worker.prepare`): its own process
  group, its limits, Landlock, seccomp (no signal to another process, no ptrace);
* it holds the suite a worker of this item collects anyway, and nothing else of the
  course: a server serves one suite, and the grader's request carries the job's spec
  (pickled, from the grader to the server only; the server answers with a pid, eight
  bytes, never a pickle);
* a job's own options are set in the forked worker before its session goes on: the
  student's file (``--student``), the base temporary folder (a new
  ``TempPathFactory``), the working folder and the import path.

The grader (:class:`Servers`) keeps one server per suite file as it is on disk (a changed
file gets a new server), at most :data:`MAX_SERVERS`, and falls back to a worker forked
from the fork server when a suite has no server: one that fails to start (a suite that
does not collect, say) reports its error through the ordinary worker instead.
"""

from __future__ import annotations

import gc
import multiprocessing.reduction as reduction
import os
import pickle
import signal
import stat
import struct
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import pytest

from autograder.sandbox import integrity, protocol, warm, worker

MAX_SERVERS = 12  # distinct suites kept warm at once; a grade of a whole course cycles through them
REPLY_SECONDS = 10.0  # a server that takes longer to fork or reap a worker is retired
_PID = struct.Struct("!q")
_RUN, _REAP = b"run", b"reap"


class ServerGone(RuntimeError):
    """The suite server did not answer: the caller forks an ordinary worker instead."""


# --- in the server ----------------------------------------------------------------------


class _Serve:
    """The pytest plugin that turns a collecting session into a suite server."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.server_pid = os.getpid()
        self.collect_errors: list[str] = []
        self.results: Connection | None = None
        self.emit: Callable[[protocol.Frame], None] | None = None
        self.shared: integrity.Snapshot | None = None
        self.null_files: tuple[int, ...] = ()

    def pytest_collectreport(self, report: Any) -> None:
        if report.failed:  # told to each worker: the reporter it registers came after collection
            self.collect_errors.append(str(report.longrepr))

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, session: Any, config: Any, items: list) -> None:
        """Serve jobs until the grader hangs up; return only in a forked worker."""
        if threading.active_count() != 1:  # a suite that started a thread: no namespaces after a fork
            os._exit(3)
        self.shared = integrity.shared()
        self.null_files = _null_files()
        gc.collect()
        gc.freeze()  # the workers inherit the collected session without copying it page by page
        while True:
            try:
                request = self.conn.recv_bytes()
            except (EOFError, OSError):
                os._exit(0)
            if request == _REAP:
                pid = _PID.unpack(self.conn.recv_bytes())[0]
                try:
                    os.kill(pid, signal.SIGKILL)  # its group was killed; it may have left it
                    os.waitpid(pid, 0)
                except (ChildProcessError, ProcessLookupError):
                    pass
                self.conn.send_bytes(_PID.pack(pid))
                continue
            if request != _RUN:  # only the grader writes here: anything else is a bug, and ends the server
                os._exit(4)
            spec: worker.WorkerSpec = pickle.loads(self.conn.recv_bytes())  # from the grader only
            fd = reduction.recv_handle(self.conn)
            pid = os.fork()
            if pid == 0:
                self._job(spec, fd, session, config, items)
                return  # into pytest's session, in the worker
            os.close(fd)
            self.conn.send_bytes(_PID.pack(pid))

    def _job(self, spec: worker.WorkerSpec, fd: int, session: Any, config: Any, items: list) -> None:
        """In the forked worker: the sandbox, then this job's options, then its reporter."""
        from _pytest.tmpdir import TempPathFactory

        self.results = Connection(fd, readable=False)
        self.emit = emit = protocol.sender(self.results.send_bytes)
        try:
            job = worker.prepare((fd, *self.null_files), spec, emit)
            if job is None:
                os._exit(0)
            config.option.student = str(job.student_file)
            config.option.basetemp = str(job.basetemp)
            config._tmp_path_factory = TempPathFactory.from_config(config, _ispytest=True)
            if hasattr(config, "_tmpdirhandler"):  # pytest's legacy ``tmpdir``, if a suite asks for it
                from _pytest.legacypath import TempdirFactory

                config._tmpdirhandler = TempdirFactory(config._tmp_path_factory, _ispytest=True)
            reporter = job.reporter
            reporter.shared = self.shared
            config.pluginmanager.register(reporter, "workbook-reporter")
            for message in self.collect_errors:
                reporter.pytest_collectreport(_Failed(message))
            reporter.pytest_collection_modifyitems(session=session, config=config, items=items)
        except BaseException as exc:  # noqa: BLE001 - report, never hang the grader
            worker.failed(emit, exc)
            os._exit(0)


def _null_files() -> tuple[int, ...]:
    """The descriptors on ``/dev/null`` that the session opened in the server (pytest's log
    file handler writes to one): a worker keeps them.

    A worker closes every descriptor it inherited. One that the session still writes to,
    closed, would have its number reused by the next file the student's code opens (its
    SQLite database, say), and the session's log lines would land in that file.
    """
    null = os.stat(os.devnull).st_rdev
    kept = []
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        try:
            info = os.fstat(fd)
        except OSError:
            continue  # the listing's own descriptor, closed by now
        if fd > 2 and stat.S_ISCHR(info.st_mode) and info.st_rdev == null:
            kept.append(fd)
    return tuple(kept)


class _Failed:
    """A collection report that failed, as the reporter reads one."""

    failed = True

    def __init__(self, longrepr: str) -> None:
        self.longrepr = longrepr


def serve(conn: Connection, suite: str) -> None:
    """The suite server's entry point (forked by the fork server). Never returns.

    pytest runs in the server up to collection; past it, only in a forked worker, which
    ends here when its session does. The server writes nothing: its base temporary folder
    is never made (each worker gets its own before any test).
    """
    plugin = _Serve(conn)
    try:
        os.setpgrp()  # a worker's group is its own; the grader never kills this one by a worker's
        sys.dont_write_bytecode = True
        if not os.environ.get("WORKBOOK_WORKER_DEBUG"):
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.close(devnull)
        worker.session(Path(suite), None, Path(suite).parent / "no-tests-run-in-the-server", plugin)
    except BaseException as exc:  # noqa: BLE001
        if os.getpid() != plugin.server_pid and plugin.emit is not None:
            worker.failed(plugin.emit, exc)
    finally:
        if os.getpid() != plugin.server_pid and plugin.results is not None:
            try:
                plugin.results.close()
            except OSError:
                pass
        os._exit(0)  # a server whose session ended without serving: the grader's next request fails


# --- in the grader ----------------------------------------------------------------------


class Server:
    """The grader's end of one suite server."""

    def __init__(self, ctx: Any, suite: Path) -> None:
        self.conn, theirs = ctx.Pipe(duplex=True)
        self.process = ctx.Process(target=serve, args=(theirs, str(suite)), daemon=True)
        self.lock = threading.Lock()
        self.running = 0  # jobs started and not yet reaped
        self.served = 0  # jobs started in all
        self.retired = False  # no new job: closed once its running ones are reaped
        self.closed = False
        warm.start()
        try:
            self.process.start()
        finally:
            theirs.close()

    def fork(self, spec: worker.WorkerSpec, results: Connection) -> int:
        """Start a worker for ``spec`` that reports on ``results``; its pid."""
        with self.lock:
            if self.retired:  # it timed out or died: never asked again (a late answer would be misread)
                raise ServerGone("the suite server was retired")
            try:
                self.conn.send_bytes(_RUN)
                self.conn.send_bytes(pickle.dumps(spec))
                reduction.send_handle(self.conn, results.fileno(), self.process.pid)
                pid = self._reply()
            except (EOFError, OSError, struct.error) as exc:
                self._fail()
                raise ServerGone(str(exc)) from None
            self.running += 1
            self.served += 1
            return pid

    def reap(self, pid: int) -> None:
        """Wait (in the server) until the worker ``pid``, killed already, is gone."""
        with self.lock:
            self.running -= 1
            if not self.retired:
                try:
                    self.conn.send_bytes(_REAP)
                    self.conn.send_bytes(_PID.pack(pid))
                    if self._reply() != pid:
                        raise OSError("the suite server answered for another worker")
                except (EOFError, OSError, struct.error):
                    self._fail()
            if self.retired and self.running == 0:
                self.close()

    def _fail(self) -> None:
        """It did not answer as it must: no job goes to it again, and it is killed now (its
        workers are killed by their graders; a reparented one is killed by its own pid)."""
        self.retired = True
        self.process.kill()

    def _reply(self) -> int:
        """The server's answer, a pid; a server that does not answer in time is done with."""
        if not self.conn.poll(REPLY_SECONDS):
            raise OSError(f"the suite server did not answer within {REPLY_SECONDS:g} s")
        return _PID.unpack(self.conn.recv_bytes(_PID.size))[0]

    def close(self) -> None:
        """Hang up: the server exits (its workers, if any, were killed by their graders)."""
        self.closed = True
        self.conn.close()
        self.process.join(timeout=REPLY_SECONDS)
        if self.process.is_alive():  # a server that stopped answering
            self.process.kill()
            self.process.join(timeout=REPLY_SECONDS)


class Job:
    """A worker a suite server forked: what the engine kills and the server reaps.

    The worker is held by a pidfd, taken while the server has not reaped it (it reaps
    only when asked), so that the kill can never reach another process that took the
    number later: one whose server died, say, and whose worker was reparented and reaped.
    """

    def __init__(self, server: Server, pid: int) -> None:
        self.server = server
        self.pid = pid
        try:
            self.pidfd: int | None = os.pidfd_open(pid)
        except OSError:  # gone already, and reaped by another than its server (which died)
            self.pidfd = None

    def stop(self) -> None:
        """Kill its process group, and the worker itself (it may have left the group)."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.pidfd is not None:
            try:
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            except ProcessLookupError:
                pass
            finally:
                os.close(self.pidfd)
        self.server.reap(self.pid)


class Servers:
    """The grader's suite servers: one per suite file as it is on disk, the least recent retired."""

    def __init__(self, limit: int = MAX_SERVERS) -> None:
        self.limit = limit
        self.enabled = True  # off: every worker is forked from the fork server (benchmarks compare)
        self.lock = threading.Lock()
        self.servers: OrderedDict[tuple, Server] = OrderedDict()
        self.refused: set[tuple] = set()
        self.seen: set[tuple] = set()

    def start(self, ctx: Any, spec: worker.WorkerSpec, results: Connection) -> Job | None:
        """Fork a worker for ``spec`` from its suite's server; None if the suite has none.

        A suite gets its server at its second item run: a server costs one worker's start
        more than it saves on its first, and ``workbook check`` or a student's first
        ``progress`` runs each suite once.
        """
        if not self.enabled:
            return None
        try:
            stat = os.stat(spec.suite)
        except OSError:
            return None
        key = (spec.suite, stat.st_mtime_ns, stat.st_size, stat.st_ino)
        with self.lock:
            if key in self.refused:
                return None
            if key not in self.seen:
                self.seen.add(key)
                return None
            server = self.servers.get(key)
            if server is None or server.retired:
                server = self._add(ctx, key, Path(spec.suite))
            self.servers.move_to_end(key)
        try:
            return Job(server, server.fork(spec, results))
        except ServerGone:
            with self.lock:
                if server.served == 0 and not server.closed:
                    self.refused.add(key)  # it never served (the suite does not collect): ordinary workers
                if self.servers.get(key) is server:
                    del self.servers[key]  # it died (killed?): the next job starts a new one
            self._retire(server)
            return None

    def _add(self, ctx: Any, key: tuple, suite: Path) -> Server:
        """A new server for ``key``; the suite's servers of earlier versions, and past the
        limit the least recently used, are retired."""
        for stale in [k for k in self.servers if k == key or k[0] == key[0]]:
            self._retire(self.servers.pop(stale))
        while len(self.servers) >= self.limit:
            _, oldest = self.servers.popitem(last=False)
            self._retire(oldest)
        server = self.servers[key] = Server(ctx, suite)
        return server

    @staticmethod
    def _retire(server: Server) -> None:
        with server.lock:
            server.retired = True
            idle = server.running == 0
        if idle:
            server.close()

    def close(self) -> None:
        with self.lock:
            servers, self.servers = list(self.servers.values()), OrderedDict()
        for server in servers:
            self._retire(server)
