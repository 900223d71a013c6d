"""Fixtures shared by the project's own tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder import manifest
from autograder.engine import Limits

COURSE = manifest.load()
ITEM_IDS = [item.id for item in COURSE.items]

# Generous per-test limits: the project's tests must pass on a loaded 2-core machine.
SLOW_MACHINE = Limits(test=30, import_=30, item=300)


@pytest.fixture(scope="session")
def course() -> manifest.Course:
    return COURSE


@pytest.fixture
def write_file(tmp_path: Path):
    """Write a file under tmp_path (creating folders) and return its path."""

    def write(relative: str, text: str | bytes) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write
