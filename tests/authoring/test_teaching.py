"""The course's teaching measures, per item (the measures live in ``autograder.authoring.teaching``).

These fail for items still being rewritten; ``python -m autograder.authoring.teaching`` prints the
whole table.
"""

from __future__ import annotations

import pytest

from autograder.authoring import teaching
from tests.conftest import COURSE, ITEM_IDS


@pytest.mark.parametrize("item_id", ITEM_IDS)
def test_lesson_gives_away_little_of_the_answer(item_id):
    """At most 30% of the reference answer's lines (the distinct lines between the
    solution markers, stripped, 20 characters or longer) appear verbatim, as a whole
    stripped line, in the lesson source ``notebooks/src/<id>.md``."""
    given = teaching.giveaway(item_id)
    assert given.ok, (f"{item_id}: the lesson prints {len(given.copied)} of the answer's {len(given.answer)} lines "
                      f"({given.ratio:.0%}, at most {teaching.GIVEAWAY_LIMIT:.0%}): {given.copied}")


@pytest.mark.parametrize("item_id", ITEM_IDS)
def test_every_task_has_a_public_check(item_id):
    """Every numbered task (one per ``hints`` entry, and each ``Task N.`` of the solution's
    docstring) has at least one public check marked ``@pytest.mark.task(N)``."""
    item = COURSE.item(item_id)
    missing = sorted(teaching.item_tasks(item) - teaching.checked_tasks(item_id, "public"))
    assert not missing, f"{item_id}: no public check for task(s) {missing}"


@pytest.mark.parametrize("item_id", ITEM_IDS)
def test_hints_and_checks_name_the_same_tasks(item_id):
    """``workbook hint`` names tasks 1 to N (one per ``hints`` entry) and ``workbook check``
    reports the tasks of the public checks' markers: the two sets are one, so a hint never
    names a task the student cannot see checked, and a failing check always has a hint."""
    item = COURSE.item(item_id)
    hinted, checked = set(range(1, item.tasks + 1)), teaching.checked_tasks(item_id, "public")
    assert hinted == checked, (f"{item_id}: hinted but never checked {sorted(hinted - checked)}, "
                               f"checked without a hint {sorted(checked - hinted)}")


@pytest.mark.parametrize("item_id", ITEM_IDS)
def test_hints_graduate(item_id):
    """Every task's hint has at least 2 levels, and its first level holds no code:

    1. no line of the reference answer (stripped, 20 characters or longer) appears in it;
    2. no backticked span other than one short identifier (``[A-Za-z_][A-Za-z0-9_]*``,
       at most 24 characters: `gather` may be named, `asyncio.gather`, `x = 1` or
       `f(x)` may not);
    3. no call, backticked or not: no name directly followed by ``(``.
    """
    item = COURSE.item(item_id)
    bad = [(h.task, f"{h.levels} level(s)" if h.levels < 2 else "", h.code) for h in teaching.hint_checks(item)
           if not h.ok]
    assert not bad, f"{item_id}: hints to graduate (task, levels, code in the first level): {bad}"


def test_the_first_level_rule():
    answer = ["return await asyncio.gather(a(), b())"]
    assert teaching.code_in_hint("Start them together so that the waits overlap.", answer) == []
    assert teaching.code_in_hint("Start them together with `gather`.", answer) == []
    assert teaching.code_in_hint("x: return await asyncio.gather(a(), b())", answer)[0].startswith("answer line")
    assert teaching.code_in_hint("Use `asyncio.gather`.", answer) == ["code span `asyncio.gather`"]
    assert teaching.code_in_hint("Use asyncio.gather(...) here.", answer) == ["call asyncio.gather(...)"]
    assert teaching.code_in_hint("(or a TaskGroup) exactly once (per request)", answer) == []


def test_answer_lines_are_the_long_distinct_lines_between_the_markers():
    solution = ("x = 'outside the markers, long enough'\n# BEGIN SOLUTION\n    short = 1\n"
                "    result = compute_something(long_enough)\n    result = compute_something(long_enough)\n"
                "# END SOLUTION\n")
    assert teaching.answer_lines(solution) == ["result = compute_something(long_enough)"]


def test_the_table_has_a_row_per_item():
    rows = teaching.table(list(COURSE.items[:2]))
    assert len(rows) == 4 and rows[1].startswith(COURSE.items[0].id)
