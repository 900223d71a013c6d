"""`workbook server` from the shell: it prints its address and serves; a store it cannot
use is one line before anything is served."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx

from autograder.paths import PACKAGE


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_workbook_server_alone_prints_its_address_and_the_instructors_link_then_serves(tmp_path):
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(PACKAGE.parent)}
    with subprocess.Popen([sys.executable, "-m", "autograder", "server", "--port", str(port)], cwd=tmp_path,
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as process:
        _serves(process, port, tmp_path)


def _serves(process: subprocess.Popen, port: int, tmp_path) -> None:
    try:
        lines = [process.stdout.readline() for _ in range(2)]
        assert lines[0].startswith(f"grading service at http://127.0.0.1:{port}  (store: sqlite+aiosqlite:///")
        assert lines[0].rstrip().endswith("grading: this process)")
        assert lines[1].startswith(f"instructor sign-up (once): http://127.0.0.1:{port}/signup#")
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/api/me")
                break
            except httpx.ConnectError:
                assert time.monotonic() < deadline and process.poll() is None, "the server did not start"
                time.sleep(0.05)
        assert response.status_code == 401
        assert (tmp_path / ".workbook" / "service" / "service.db").is_file()
    finally:
        process.terminate()
        process.wait(30)
