"""Submissions written for a test: one folder per student, holding the async01 exercise.

Shared by tests/grading/test_batch.py (what a batch runs and what it reuses) and
tests/grading/test_store.py (the gradebook the CLI keeps); both grade them with the
stand-in engine of tests/grading/conftest.py, which scores a file by its length.
"""

from __future__ import annotations

from pathlib import Path

ITEM = "async01_why_async"


def submission(tmp_path: Path, name: str, text: str = "x = 1\n") -> Path:
    folder = tmp_path / "in" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{ITEM}.py").write_text(text)
    return folder
