"""The check report: plain lines for a terminal, an HTML table for a notebook."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from autograder import results as model
from autograder.paths import EXERCISES
from autograder.results import ItemResult
from autograder.student import check
from autograder.student.check import CheckReport
from tests.conftest import COURSE

ITEM = COURSE.item("async01_why_async")
HOSTILE = "<script>alert(1)</script>"


def report(*outcomes: tuple[str, str], status: str = "graded", message: str = "") -> CheckReport:
    tests = [model.TestResult(f"test_{n}", 2 if s == "passed" else 0, 2, s, m, task=n, description=f"check {n} & more")
             for n, (s, m) in enumerate(outcomes, start=1)]
    return CheckReport(ITEM, EXERCISES / ITEM.filename, ItemResult.from_tests(ITEM.id, 2 * len(outcomes), tests,
                                                                              status, message))


class Cells(HTMLParser):
    """The table's rows as lists of (tag, attributes, text), and every tag seen."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[tuple[str, dict, str]]] = []
        self.tags: list[str] = []
        self.text: list[str] = []
        self._cell: tuple[str, dict, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = (tag, dict(attrs), [])

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append((self._cell[0], self._cell[1], "".join(self._cell[2])))
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell[2].append(data)


def parse(html: str) -> Cells:
    cells = Cells()
    cells.feed(html)
    cells.close()
    return cells


def test_a_notebook_gets_a_table_with_marks_points_messages_and_hints():
    shown = report(("passed", ""), ("failed", "expected 3 calls, got 1"))
    cells = parse(shown._repr_html_())
    header, passed, failed, total = cells.rows
    assert [text for _, _, text in header] == ["", "task", "check", "points", "message / hint"]
    assert [text for _, _, text in passed] == ["✓", "1", "check 1 & more", "2/2", ""]
    assert [text for _, _, text in failed] == ["✗", "2", "check 2 & more", "0/2",
                                               f"expected 3 calls, got 1hint: {ITEM.hint(2)}"]
    assert "#2e7d32" in passed[0][1]["style"] and "#c62828" in failed[0][1]["style"]  # green, red
    assert [text for _, _, text in total] == ["2/4 points · keep going"]
    assert f"{ITEM.id}: {ITEM.title}" in "".join(cells.text)  # the caption


def test_the_terminal_keeps_its_plain_lines():
    shown = report(("passed", ""), ("failed", "expected 3 calls, got 1"))
    assert repr(shown) == "\n".join(shown.lines())
    assert repr(shown).splitlines() == ["✓ task 1 · check 1 & more (2 pts)",
                                        "✗ task 2 · check 2 & more (2 pts): expected 3 calls, got 1",
                                        f"    hint: {ITEM.hint(2)}", "2/4 points · keep going"]
    assert "<" not in repr(shown)


def test_a_message_from_the_students_code_is_escaped():
    shown = report(("failed", f"ValueError: {HOSTILE}\x1b]0;pwned\x07"), ("passed", ""))
    html = shown._repr_html_()
    assert HOSTILE not in html and "<script" not in html and "pwned" not in html
    cells = parse(html)
    assert "script" not in cells.tags
    assert cells.rows[1][4][2].startswith(f"ValueError: {HOSTILE}")  # shown as text, never run
    broken = report(status="import_error", message=f"SyntaxError: {HOSTILE}")
    assert HOSTILE not in broken._repr_html_() and HOSTILE in "".join(parse(broken._repr_html_()).text)


def test_a_file_that_ran_nothing_is_one_red_line():
    shown = report(status="missing", message="exercises/async01_why_async.py was not found")
    html = shown._repr_html_()
    assert html.startswith('<p class="workbook-check"') and "#c62828" in html
    assert "".join(parse(html).text) == repr(shown)


def test_all_checks_passing_says_so_in_green():
    cells = parse(report(("passed", ""), ("passed", ""))._repr_html_())
    assert [text for _, _, text in cells.rows[-1]] == ["4/4 points · all checks pass"]
    assert all(row[0][2] == "✓" for row in cells.rows[1:-1])


def test_a_file_that_is_not_there_is_named_by_its_path_without_a_worker(tmp_path, monkeypatch):
    from autograder.sandbox import engine
    from autograder.student.check import run_checks

    monkeypatch.setattr(engine, "grade_item", lambda *args, **kwargs: pytest.fail("the engine was started"))
    shown = run_checks(ITEM, tmp_path)
    assert (shown.result.status, shown.result.score, shown.result.max_score) == ("missing", 0, 0)
    assert shown.lines() == [f"✗ {ITEM.filename}: {tmp_path / ITEM.filename} was not found"]


def test_a_failing_check_shows_only_the_first_level(graduated, tmp_path):
    report = check.run_checks(graduated, EXERCISES)
    text = "\n".join(report.lines())
    assert "hint: the idea of task 1" in text and "the API of" not in text and "the code of" not in text
    html = report._repr_html_()
    assert "the idea of task 1" in html and "the code of" not in html
