"""Every course item, end to end: the solution earns everything, the stub nothing.

One parametrised test per item and suite, so ``pytest -k <item id>`` checks one item.
"""

from __future__ import annotations

import ast

import pytest

from autograder.paths import EXERCISES, SOLUTIONS
from autograder.sandbox import engine
from tests.conftest import COURSE, ITEM_IDS, SLOW_MACHINE


def _failures(result) -> str:
    return "; ".join(f"{t.name}: {t.status} {t.message}" for t in result.tests if t.status != "passed")


@pytest.mark.parametrize("item_id", ITEM_IDS)
def test_solution_scores_full_marks_on_hidden_suite(item_id):
    item = COURSE.item(item_id)
    result = engine.grade_item(item, SOLUTIONS / item.filename, "hidden", SLOW_MACHINE)
    assert result.status == "graded", result.message
    assert result.tests, "the hidden suite collected no test"
    assert result.score == result.max_score == item.points, _failures(result)


@pytest.mark.parametrize("item_id", ITEM_IDS)
def test_solution_passes_public_checks(item_id):
    item = COURSE.item(item_id)
    result = engine.grade_item(item, SOLUTIONS / item.filename, "public", SLOW_MACHINE)
    assert result.status == "graded", result.message
    assert result.tests, "the public suite collected no check"
    assert result.score == result.max_score, _failures(result)


@pytest.mark.parametrize("item_id", ITEM_IDS)
def test_stub_imports_and_scores_zero_on_hidden_suite(item_id):
    item = COURSE.item(item_id)
    result = engine.grade_item(item, EXERCISES / item.filename, "hidden", SLOW_MACHINE)
    assert result.status == "graded", f"the stub must import cleanly: {result.message}"
    passed = [t.name for t in result.tests if t.status == "passed"]
    assert result.score == 0 and not passed, f"hidden tests the stub passes: {passed}"


@pytest.mark.parametrize("item_id", ITEM_IDS)
def test_stub_fails_public_checks_with_readable_messages(item_id):
    item = COURSE.item(item_id)
    result = engine.grade_item(item, EXERCISES / item.filename, "public", SLOW_MACHINE)
    assert result.score == 0
    for test in result.tests:
        assert test.message and "\n" not in test.message and "Traceback" not in test.message


@pytest.mark.parametrize("item_id", ITEM_IDS)
def test_stub_marks_the_work_to_do(item_id):
    stub = (EXERCISES / f"{item_id}.py").read_text(encoding="utf-8")
    assert "TODO" in stub
    ast.parse(stub)
    assert "BEGIN SOLUTION" not in stub and "# STUB" not in stub
