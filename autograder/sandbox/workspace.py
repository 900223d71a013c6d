"""The grader's temporary folders: one per grader process, removed when it ends.

Everything a run writes to disk (the students' private copies, each job's folder)
lives under one run folder, ``<tmp>/workbook-run-<pid>-<random>``, readable by the
grader's user only. The process holds an advisory lock on it for as long as it lives;
when it ends normally the folder is removed, and when it was killed (``kill -9``, a
power cut) the next run finds a run folder whose lock nobody holds and removes it.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

PREFIX = "workbook-run-"
LOCK = ".lock"

_lock = threading.Lock()
_state: dict[str, object] = {}


def base() -> Path:
    """Where run folders go (``TMPDIR`` or the system's temporary folder)."""
    return Path(tempfile.gettempdir())


def sweep(where: Path | None = None) -> list[Path]:
    """Remove the run folders that killed runs left behind; returns what was removed."""
    removed = []
    for folder in sorted((where or base()).glob(f"{PREFIX}*")):
        if not folder.is_dir() or folder.is_symlink() or folder == _state.get("folder"):
            continue
        try:
            fd = os.open(folder / LOCK, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
        except OSError:
            fd = None  # no lock file: a run killed while it was being made
        try:
            if fd is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a live run holds it
        finally:
            if fd is not None:
                os.close(fd)
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def run_folder() -> Path:
    """This process's run folder, made (and stale ones swept) on first use."""
    with _lock:
        folder = _state.get("folder")
        if isinstance(folder, Path) and folder.is_dir() and _state.get("pid") == os.getpid():
            return folder
        sweep()
        folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=base()))
        os.chmod(folder, 0o700)
        fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        _state.update(folder=folder, fd=fd, pid=os.getpid())
        atexit.register(close)
        return folder


def job_folder(prefix: str) -> Path:
    """A fresh folder for one job inside the run folder."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=run_folder()))


@contextlib.contextmanager
def temporary(prefix: str) -> Iterator[str]:
    """A folder in the run folder for the duration of a ``with`` (students' copies):
    removed at its end, and with the run folder if the process is killed first."""
    folder = job_folder(prefix)
    try:
        yield str(folder)
    finally:
        remove(folder)


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def close() -> None:
    """Remove this process's run folder (at exit; tests call it directly)."""
    with _lock:
        folder, fd, pid = _state.get("folder"), _state.get("fd"), _state.get("pid")
        if pid != os.getpid():
            return  # a forked child: the folder is its parent's
        _state.clear()
        if isinstance(folder, Path):
            shutil.rmtree(folder, ignore_errors=True)
        if isinstance(fd, int):
            os.close(fd)
