"""The grader's run folder: private, removed at the end, swept after a killed run."""

from __future__ import annotations

import fcntl
import os
import stat

import pytest

from autograder.sandbox import workspace


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """A workspace under ``tmp_path``, separate from the one this test process uses."""
    monkeypatch.setattr(workspace, "base", lambda: tmp_path)
    monkeypatch.setattr(workspace, "_state", {})
    yield tmp_path
    workspace.close()


def test_run_folder_is_private_and_locked(fresh):
    folder = workspace.run_folder()
    assert folder.parent == fresh and folder.name.startswith(f"{workspace.PREFIX}{os.getpid()}-")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    fd = os.open(folder / workspace.LOCK, os.O_RDONLY)
    try:
        with pytest.raises(BlockingIOError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # held for as long as the run lives
    finally:
        os.close(fd)


def test_jobs_live_in_the_run_folder_and_close_removes_everything(fresh):
    job = workspace.job_folder("job-x-")
    (job / "a.py").write_text("x", encoding="utf-8")
    folder = workspace.run_folder()
    assert job.parent == folder
    workspace.close()
    assert not folder.exists()


def test_a_killed_runs_folder_is_swept_and_a_live_one_kept(fresh):
    dead = fresh / f"{workspace.PREFIX}1-dead"
    (dead / "job").mkdir(parents=True)
    (dead / workspace.LOCK).write_text("", encoding="utf-8")
    half_made = fresh / f"{workspace.PREFIX}2-nolock"
    half_made.mkdir()
    live = fresh / f"{workspace.PREFIX}3-live"
    live.mkdir()
    (live / workspace.LOCK).write_text("", encoding="utf-8")
    holder = os.open(live / workspace.LOCK, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)  # another grader, still running
    try:
        assert sorted(p.name for p in workspace.sweep()) == [dead.name, half_made.name]
        assert live.exists() and not dead.exists()
    finally:
        os.close(holder)


def test_a_new_run_sweeps_first(fresh):
    dead = fresh / f"{workspace.PREFIX}1-dead"
    dead.mkdir()
    workspace.run_folder()
    assert not dead.exists()
