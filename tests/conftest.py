"""Fixtures shared by the project's own tests."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from autograder import manifest
from autograder.paths import EXERCISES, SAMPLES, SOLUTIONS
from autograder.results import SubmissionResult
from autograder.sandbox.limits import Limits

COURSE = manifest.load()
ITEM_IDS = [item.id for item in COURSE.items]

# Generous per-test limits: the project's tests must pass on a loaded 2-core machine.
SLOW_MACHINE = Limits(test=30, import_=30, item=300)
# `make demo`'s class: the solutions, the stubs and the sample submissions.
SAMPLE_NAMES = list(tomllib.loads((SAMPLES / "expected.toml").read_text(encoding="utf-8")))
SAMPLE_PATHS = [SOLUTIONS, EXERCISES, *(SAMPLES / name for name in SAMPLE_NAMES)]


@pytest.fixture(autouse=True)
def outside_the_repository(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs in a folder of its own, with its own progress file.

    The CLI keeps its gradebook under the current folder and the student's progress in
    ``.workbook/state.json`` of the course: run from the checkout, the tests would leave
    both behind in it (and a later `make demo` would reuse their results).
    """
    here = tmp_path_factory.mktemp("cwd")
    monkeypatch.chdir(here)
    monkeypatch.setenv("WORKBOOK_STATE", str(here / "state.json"))


@pytest.fixture(scope="session")
def course() -> manifest.Course:
    return COURSE


@pytest.fixture(scope="session")
def graded_samples() -> list[SubmissionResult]:
    """The samples graded once with the hidden suites (minutes on a loaded machine), for
    every test that needs real results: their scores, and the report drawn from them."""
    from autograder.grading import batch

    return batch.grade(SAMPLE_PATHS, list(COURSE.items), limits=SLOW_MACHINE).results


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
