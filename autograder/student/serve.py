"""Running a student's app for real, with uvicorn on loopback, reloading on save.

The exercise is first imported in a separate process with a time limit, so a broken
file gives the same one-line message as the checks instead of a uvicorn traceback.

Reloading uses watchfiles (a dependency): uvicorn then waits on the kernel's file events
instead of polling every .py file under the folder four times a second. It watches every
``*.py`` there, the student's file included, so no ``reload_includes`` is passed: that
option only repeated the default, and made uvicorn warn when watchfiles was missing.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

IMPORT_PROBE = """
import sys
from autograder.sandbox.loader import StudentImportError, load
try:
    module = load(sys.argv[1], sys.argv[2])
except StudentImportError as exc:
    print(exc.message)
    raise SystemExit(1)
if getattr(module, "app", None) is None:
    print("your module defines no `app` (expected `app = FastAPI()` at top level)")
    raise SystemExit(1)
"""


def import_problem(file: Path, module_name: str, timeout: float = 15.0) -> str | None:
    """None if the file imports and defines ``app``, else one readable line."""
    if not file.is_file():
        return f"{file} was not found"
    try:
        done = subprocess.run([sys.executable, "-c", IMPORT_PROBE, str(file), module_name], capture_output=True,
                              text=True, timeout=timeout, cwd=file.parent)
    except subprocess.TimeoutExpired:
        return f"importing {file.name} did not finish within {timeout:g} s (an endless loop at module level?)"
    if done.returncode == 0:
        return None
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return lines[-1] if lines else f"importing {file.name} failed"


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def choose_port(host: str, preferred: int = 8000, tries: int = 100) -> int:
    """The preferred port if free, else the next free one, else one the system picks."""
    for port in range(preferred, preferred + tries):
        if port_is_free(host, port):
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def run(file: Path, module_name: str, host: str, port: int, reload: bool = True) -> None:
    import uvicorn

    uvicorn.run(f"{module_name}:app", host=host, port=port, reload=reload, app_dir=str(file.parent),
                reload_dirs=[str(file.parent)] if reload else None, log_level="info")
