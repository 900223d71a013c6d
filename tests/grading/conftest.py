"""The stand-in engine that the batch's and the store's tests grade with.

What they test is what is run, stored and reused, not what a suite scores: grading
each file for real would cost a worker and seconds per item.
"""

from __future__ import annotations

import pytest

from autograder import results
from autograder.results import ItemResult
from autograder.sandbox import engine


@pytest.fixture
def fake_engine(monkeypatch):
    """Replace the engine: the score is the file's length mod 11; ``calls`` lists what ran."""
    calls: list[tuple[str, str]] = []

    def grade_item(item, student_file, kind="hidden", limits=None):
        calls.append((item.id, student_file.parent.name if student_file else "-"))
        if student_file is None:
            return ItemResult(item.id, 0, 10, "missing")
        score = len(student_file.read_bytes()) % 11
        test = results.TestResult("test_x", score, 10, "passed" if score == 10 else "failed")
        return ItemResult.from_tests(item.id, 10, [test])

    monkeypatch.setattr(engine, "grade_item", grade_item)
    return calls
