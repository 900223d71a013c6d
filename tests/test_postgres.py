"""The PostgreSQL leg: the database items' suites again, on a real server.

Runs only with ``-m postgres`` and ``WORKBOOK_DATABASE_URL`` set (``make test`` does
both); where the variable is unset or no server answers, each test skips with the reason.
"""

from __future__ import annotations

import os

import pytest

from autograder.paths import EXERCISES, SOLUTIONS, SUITES
from autograder.sandbox import engine
from tests.conftest import COURSE, ITEM_IDS, SLOW_MACHINE

DB_ITEMS = [i for i in ITEM_IDS
            if "autograder.kit.db" in (SUITES / "hidden" / f"test_{i}.py").read_text(encoding="utf-8")]

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module", autouse=True)
def server():
    url = os.environ.get("WORKBOOK_DATABASE_URL")
    if not url:
        pytest.skip("WORKBOOK_DATABASE_URL is not set: no PostgreSQL leg")
    from autograder.kit.db import server_answers

    reason = server_answers(url)
    if reason:
        pytest.skip(reason)


@pytest.mark.parametrize("item_id", DB_ITEMS)
def test_solution_scores_full_marks_on_postgres(item_id):
    item = COURSE.item(item_id)
    result = engine.grade_item(item, SOLUTIONS / item.filename, "hidden", SLOW_MACHINE)
    assert result.score == item.points, [(t.name, t.message) for t in result.tests if t.status != "passed"]


@pytest.mark.parametrize("item_id", DB_ITEMS)
def test_stub_scores_zero_on_postgres(item_id):
    item = COURSE.item(item_id)
    result = engine.grade_item(item, EXERCISES / item.filename, "hidden", SLOW_MACHINE)
    assert result.status == "graded" and result.score == 0
