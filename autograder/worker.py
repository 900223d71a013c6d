"""What runs inside a worker process: import the student's module, run one suite.

The grader never imports student code itself. It forks a worker per item (from a
fork server that has already imported FastAPI, pytest and the kit, so a fork costs
milliseconds), and the worker sends events back over a pipe. Whatever the student's
code does to this process, the grader only loses this one run.
"""

from __future__ import annotations

import os
import sys
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

# Imported here so that the fork server pays for them once, not every worker.
import fastapi  # noqa: F401
import fastapi.testclient  # noqa: F401
import httpx  # noqa: F401
import pydantic  # noqa: F401
import pytest

import autograder.kit  # noqa: F401
import autograder.kit.fixtures  # noqa: F401
from autograder.reporter import Reporter

PYTEST_ARGS = [
    "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:cov", "-p", "no:nbval",
    "-p", "no:warnings", "--no-header", "--tb=no", "-o", "addopts=", "-o", "console_output_style=classic",
]


def run(conn: Connection, suite: str, student_file: str, item_id: str, skip: list[str]) -> None:
    """Worker entry point. Never returns: the process ends with ``os._exit``."""

    def emit(event: dict[str, Any]) -> None:
        conn.send(event)

    try:
        os.setpgrp()  # the grader kills the whole group: no child of the student's survives
        _silence_output()
        os.chdir(Path(student_file).parent)
        sys.path.insert(0, str(Path(student_file).parent))
        reporter = Reporter(emit, Path(student_file), item_id, frozenset(skip))
        pytest.main([suite, f"--student={student_file}", *PYTEST_ARGS], plugins=[reporter])
    except BaseException as exc:  # noqa: BLE001 - report, never hang the grader
        try:
            emit({"event": "worker_error", "message": f"{type(exc).__name__}: {exc}"})
        except Exception:  # noqa: BLE001
            pass
    finally:
        try:
            conn.close()
        finally:
            os._exit(0)


def _silence_output() -> None:
    """Send the student's prints (and pytest's) to /dev/null; the pipe carries results.

    ``WORKBOOK_WORKER_DEBUG=1`` keeps them on the terminal, to debug a suite.
    """
    if os.environ.get("WORKBOOK_WORKER_DEBUG"):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    os.close(devnull)
