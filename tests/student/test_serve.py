"""``workbook serve``: the student's app on loopback, its docs, and clear errors."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from autograder.paths import EXERCISES, SOLUTIONS
from autograder.student import serve
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


def wait_for(url: str, process: subprocess.Popen, expected: object, deadline: float) -> object:
    """Poll ``url`` until it answers ``expected`` JSON (or the deadline passes): the last answer."""
    answer = None
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            answer = httpx.get(url, timeout=2).json()
        except (httpx.TransportError, ValueError):
            answer = None
        if answer == expected:
            break
        time.sleep(0.2)
    return answer


def test_saving_the_file_reloads_the_app(tmp_path):
    stub = (EXERCISES / ITEM.filename).read_text(encoding="utf-8")
    todo = '    raise NotImplementedError("dashboard() is not written yet")\n'
    assert todo in stub
    file = tmp_path / ITEM.filename
    file.write_text(stub.replace(todo, '    return {"version": 1}\n'), encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}/dashboard"
    process = workbook("serve", ITEM.id, "--path", str(tmp_path), "--port", str(port))
    try:
        assert wait_for(url, process, {"version": 1}, time.monotonic() + 60) == {"version": 1}
        file.write_text(stub.replace(todo, '    return {"version": 2}\n'), encoding="utf-8")
        assert wait_for(url, process, {"version": 2}, time.monotonic() + 30) == {"version": 2}, \
            "the app did not answer with the saved file's route within 30 s"
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C, as the banner says
        output = process.communicate(timeout=30)[0]
    assert process.returncode == 0, output
    lines = output.splitlines()
    assert any(line.endswith("using WatchFiles") for line in lines), output  # uvicorn's own reloader found it
    # The only warning is uvicorn's note that it reloads: nothing about missing reload support.
    warnings = [line for line in lines if line.startswith("WARNING")]
    assert len(warnings) == 1 and f"detected changes in '{file.resolve()}'. Reloading" in warnings[0], output
    # Stopped cleanly: each server process (the first, the reloaded one) finished, then the reloader.
    started = [line for line in lines if "Started server process" in line]
    assert len(started) == 2 and len([line for line in lines if "Finished server process" in line]) == 2, output
    assert "Stopping reloader process" in lines[-1] and "Traceback" not in output


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
