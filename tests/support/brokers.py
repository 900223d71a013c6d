"""A private Redis and ``workbook worker`` processes, for the tests of the Celery side.

The tests kill and restart the broker: the machine's shared Redis (127.0.0.1:6379) serves
other tests and programs, so each test starts its own ``redis-server`` on a free port,
with no persistence (``--save "" --appendonly no``: a restart loses every queued message,
the worst case the sweeper must cover). Workers run as ``python -m autograder worker`` in
sessions of their own, so a kill takes the worker and the engine processes it started.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from autograder.paths import PACKAGE

REDIS = shutil.which("redis-server")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def poll(check: Callable[[], object], seconds: float, what: str, every: float = 0.05):
    """``check()``'s first true value, polled until ``seconds`` have passed (then the test fails)."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"not within {seconds} s: {what}"
        time.sleep(every)


class RedisServer:
    """A ``redis-server`` of this test's own, on one port for its whole life (kill, start again)."""

    def __init__(self, folder: Path) -> None:
        if REDIS is None:
            pytest.skip("redis-server is not installed: no Celery tests")
        self.port, self.folder = free_port(), folder
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [REDIS, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        poll(self.answers, 30, f"redis-server answering on port {self.port}")
        return self

    def kill(self) -> None:
        """SIGKILL: the broker dies with its queues, as a crashed machine's would."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=30)
            self.process = None

    def client(self):
        import redis

        return redis.Redis(port=self.port, socket_timeout=5)

    def answers(self) -> bool:
        import redis

        try:
            return bool(self.client().ping())
        except redis.ConnectionError:
            return False

    def waiting(self, queue: str) -> int:
        """Jobs waiting in ``queue`` (not yet taken by a worker)."""
        return int(self.client().llen(queue))


class Worker:
    """``workbook worker`` in a process (and session) of its own, its log in a file."""

    def __init__(self, name: str, broker: str, database: str, folder: Path, env: dict[str, str] | None = None) -> None:
        self.name, self.log = name, folder / f"{name}.log"
        environment = {**os.environ, **(env or {}), "PYTHONPATH": str(PACKAGE.parent)}
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "autograder", "worker", "--broker", broker, "--database", database,
                 "--concurrency", "1", "--name", f"{name}@%h"],
                env=environment, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def grading(self) -> list[tuple[int, bool]]:
        """Each job this worker started, in order: (submission id, whether it was a redelivery)."""
        return [(int(m[1]), bool(m[2])) for m in re.finditer(r"grading submission (\d+)( \(redelivered\))?",
                                                             self.text())]

    def busy(self) -> bool:
        """Whether a job it started has not finished (its log has no end line for it yet)."""
        text = self.text()
        return text.count("grading submission") > len(re.findall(r"submission \d+: |raised unexpected", text))

    def ready(self) -> bool:
        assert self.process.poll() is None, f"worker {self.name} exited:\n{self.text()[-3000:]}"
        return " ready." in self.text()

    def kill(self) -> None:
        """SIGKILL to the worker and every process of its session (its engine's workers)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL past a bound."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


class Server:
    """``workbook server`` in a process of its own, on one free port for its whole life
    (kill, start again), its output in a file."""

    def __init__(self, folder: Path, *options: str) -> None:
        self.port, self.log = free_port(), folder / "server.log"
        self.url = f"http://127.0.0.1:{self.port}"
        self.command = [sys.executable, "-m", "autograder", "server", "--port", str(self.port),
                        "--data", str(folder / "data"), *options]
        self.process: subprocess.Popen | None = None

    def start(self) -> Server:
        environment = {**os.environ, "PYTHONPATH": str(PACKAGE.parent), "PYTHONUNBUFFERED": "1"}
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(self.command, env=environment, stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        return self

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def sign_up_token(self) -> str:
        """The instructor's one-time sign-up token, once the server printed it."""

        def printed() -> str | None:
            assert self.process.poll() is None, f"the server exited:\n{self.text()[-3000:]}"
            found = re.search(r"instructor sign-up \(once\): \S+#(\S+)", self.text())
            return found[1] if found else None

        return poll(printed, 60, "the server's sign-up link")

    def kill(self) -> None:
        """SIGKILL: no shutdown, whatever it was doing is cut short."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
