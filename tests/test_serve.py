"""``workbook serve``: the student's app on loopback, its docs, and clear errors."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx
import pytest

from autograder import serve
from autograder.paths import SOLUTIONS
from tests.conftest import COURSE

ITEM = COURSE.item("async01_why_async")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def workbook(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "from autograder.cli import main; main()", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)


def test_serves_the_app_and_its_docs_on_loopback():
    port = free_port()
    process = workbook("serve", ITEM.id, "--path", str(SOLUTIONS), "--port", str(port), "--no-reload")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                docs = httpx.get(f"http://127.0.0.1:{port}/docs", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "the server did not answer within 60 s"
                time.sleep(0.2)
        assert docs.status_code == 200 and "swagger" in docs.text.lower()
        assert httpx.get(f"http://127.0.0.1:{port}/openapi.json").json()["paths"].keys() >= {"/dashboard"}
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0]
    assert f"http://127.0.0.1:{port}/docs" in output


def test_an_endless_import_is_stopped(tmp_path):
    (tmp_path / ITEM.filename).write_text("while True:\n    pass\n")
    message = serve.import_problem(tmp_path / ITEM.filename, ITEM.id, timeout=1.0)
    assert message == f"importing {ITEM.filename} did not finish within 1 s (an endless loop at module level?)"


@pytest.mark.parametrize(("source", "fragment"), [("def broken(:\n", "SyntaxError"),
                                                  ("x = 1\n", "defines no `app`")])
def test_a_bad_file_gives_one_line(tmp_path, source, fragment):
    (tmp_path / ITEM.filename).write_text(source)
    process = workbook("serve", ITEM.id, "--path", str(tmp_path))
    output = process.communicate(timeout=60)[0]
    assert process.returncode == 1
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1 and fragment in lines[0] and "Traceback" not in output


def test_busy_port():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert not serve.port_is_free("127.0.0.1", port)
        assert serve.choose_port("127.0.0.1", port) != port
        process = workbook("serve", ITEM.id, "--path", str(SOLUTIONS), "--port", str(port))
        output = process.communicate(timeout=60)[0]
    assert process.returncode == 2 and f"port {port} is busy" in output
