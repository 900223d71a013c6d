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

# Not "__main__": on Python 3.11 that preload never takes (the server is not given the main
# module's path), and every worker runs the program's main module again. So the `workbook`
# script's module (autograder.__main__) imports nothing until it has started this server.
PRELOAD = ["autograder.preload"]

# The commands that run student code in workers, and so want the server started first.
COMMANDS = frozenset({"check", "progress", "grade", "audit", "server", "worker"})


def start() -> None:
    """Start the fork server now (idempotent): its imports then overlap the caller's."""
    forkserver.set_forkserver_preload(PRELOAD)
    forkserver.ensure_running()
