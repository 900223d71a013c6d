"""The fork server every worker is forked from: what it preloads, and starting it early.

A worker is forked from a server that has already imported FastAPI, pytest and the kit
(:mod:`autograder.preload`), so a worker starts in milliseconds. The server itself pays
those imports once, about 0.75 s on the course's 2-core machine: the longest part of a
student's ``workbook check``. Started before the CLI imports its own libraries (typer,
Rich), the two overlap instead of adding up; this module imports nothing heavy so that
the ``workbook`` entry point can do that first.
"""

from __future__ import annotations

import multiprocessing.forkserver as forkserver
import os
import threading
from pathlib import Path

# Not "__main__": on Python 3.11 that preload never takes (the server is not given the main
# module's path), and every worker runs the program's main module again. So the `workbook`
# script's module (autograder.__main__) imports nothing until it has started this server.
PRELOAD = ["autograder.preload"]

# The commands that run student code in workers, and so want the server started first.
COMMANDS = frozenset({"check", "progress", "grade", "audit", "server", "worker"})


# The folder that holds this very package: the fork server imports its preload from there.
PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
_STARTING = threading.Lock()


def start() -> None:
    """Start the fork server now (idempotent): its imports then overlap the caller's.

    On Python 3.11 the server is a ``python -c`` process that does not take its parent's
    ``sys.path``: the folder the command runs in would come first, and an ``autograder``
    there (a second checkout, a submission folder of that name) would be the package the
    server imports, unsandboxed. So it starts with ``PYTHONSAFEPATH`` (no folder put first)
    and this package's own root first on ``PYTHONPATH``, set for that start alone.
    """
    forkserver.set_forkserver_preload(PRELOAD)
    with _STARTING:
        saved = {name: os.environ.get(name) for name in ("PYTHONSAFEPATH", "PYTHONPATH")}
        os.environ["PYTHONSAFEPATH"] = "1"
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [PACKAGE_ROOT, saved["PYTHONPATH"]]))
        try:
            forkserver.ensure_running()
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
