"""What an instructor reads in a browser: the HTML report, and `workbook report`, which re-exports from the store.

The CSV, the JSON and the terminal table are tested in test_gradebook.py, from the same class
(tests/support/gradebooks.py).
"""

from __future__ import annotations

import html as markup
import json
import os
import re
import unicodedata
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from autograder import results as model
from autograder.cli import app
from autograder.grading.store import Store
from autograder.outputs import report
from autograder.results import ItemResult, SubmissionResult
from tests.conftest import COURSE
from tests.support.gradebooks import (
    FIRST,
    HOSTILE,
    ISOLATION,
    ISOLATION_LINE,
    ITEMS,
    OTHER,
    chosen_names,
    class_results,
    item,
)
from tests.support.timing import promptly

runner = CliRunner()


class Page(HTMLParser):
    """Collects what the tests look at, and checks that every element is closed in order."""

    VOID = frozenset({"meta", "br", "hr", "img", "input", "link", "col", "source", "wbr", "area", "base", "embed",
                      "param", "track"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.problems: list[str] = []
        self.text: list[str] = []
        self.rows: dict[str, list[list[tuple[dict, str]]]] = {}
        self.table_parents: list[tuple[str, list[str]]] = []  # (table, the open elements around it)
        self._table: list[str] = []
        self._cell: tuple[dict, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "table":
            self._table.append(attrs.get("id") or attrs.get("class") or "")
            self.table_parents.append((self._table[-1], list(self.stack)))
            self.rows.setdefault(self._table[-1], [])
        elif tag == "tr" and self._table:
            self.rows[self._table[-1]].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = (attrs, [])
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))  # <path .../> in SVG: nothing to close

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._table:
            self.rows[self._table[-1]][-1].append((self._cell[0], "".join(self._cell[1]).strip()))
            self._cell = None
        if tag == "table" and self._table:
            self._table.pop()
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell[1].append(data)


@pytest.fixture(scope="module")
def page() -> tuple[str, Page]:
    html = report.render_html(COURSE, class_results(), ITEMS)
    parsed = Page()
    parsed.feed(html)
    parsed.close()
    return html, parsed


def test_the_page_is_well_formed(page):
    html, parsed = page
    assert html.startswith("<!DOCTYPE html>")
    assert parsed.problems == [] and parsed.stack == []


def test_the_page_is_self_contained(page):
    _, parsed = page
    tags = {tag for tag, _ in parsed.tags}
    assert "script" not in tags and "link" not in tags and "iframe" not in tags
    for tag, attrs in parsed.tags:
        for name in ("src", "href", "xlink:href"):
            value = attrs.get(name) or ""
            assert not value or value.startswith("#"), f"<{tag} {name}={value!r}> loads something"


def test_student_text_is_escaped(page):
    html, parsed = page
    assert HOSTILE not in html
    assert HOSTILE in "".join(parsed.text)  # shown as text, never run


def test_the_score_table(page):
    _, parsed = page
    header, subheader, *rows = parsed.rows["score-table"]
    assert [text for _, text in header][1:3] == [FIRST.section, OTHER.section]
    assert [text for _, text in subheader] == [FIRST.id.split("_")[0], OTHER.id.split("_")[0]]
    by_name = {cells[0][1]: cells for cells in rows}
    assert set(by_name) == {"alice", "bob", HOSTILE}
    assert [text for _, text in by_name["alice"][1:5]] == ["10", "5", "15/15", "100%"]
    eve = by_name[HOSTILE]
    flagged_cell = eve[1]
    assert "flagged" in flagged_cell[0]["class"] and "⚑" in flagged_cell[1]
    assert "canary passed" in flagged_cell[0]["title"]
    assert eve[2][1] == "0import error" and "zero" in eve[2][0]["class"]
    assert eve[-1][1] == "⚑ 1" and by_name["alice"][-1][1] == ""


def test_the_charts(page):
    html, parsed = page
    svgs = [attrs for tag, attrs in parsed.tags if tag == "svg"]
    assert len(svgs) == 2
    assert html.index('id="pass-rate-chart"') < html.index("<svg") < html.index('id="distribution-chart"')
    text = "".join(parsed.text)
    assert "full marks" in text and "mean score" in text and "Total scores" in text


def test_the_failure_counts_and_messages(page):
    _, parsed = page
    # One table per item, all with the class "test-table": (test, failed/runs, messages) in suite order.
    rows = [[text for _, text in row] for row in parsed.rows["test-table"] if row and row[0][1] != "test"]
    assert [row[:2] for row in rows] == [["check 1test_1", "1/3"], ["check 2test_2", "2/3"],
                                         ["check 1test_1", "2/3"]]
    assert rows[0][2] == "1× only 1 of 3 in flight"
    assert rows[1][2] == "2× only 1 of 3 in flight"
    assert "1× expected 422, got 200" in rows[2][2] and f"1× ValueError: {HOSTILE}" in rows[2][2]


def test_the_item_table_and_the_flag_list(page):
    _, parsed = page
    assert [text for _, text in parsed.rows["item-table"][0]][2] == "submitted"
    items = {row[0][1]: [text for _, text in row] for row in parsed.rows["item-table"][1:]}
    assert items[FIRST.id][2:5] == ["3", "33%", "50%"]  # 3 submissions, 1 with full marks, 15/30 points
    assert items[OTHER.id][6] == "1"  # one import error
    assert items[FIRST.id][-1] == "⚑ 1"
    (flag_row,) = parsed.rows["flag-table"][1:]
    assert [text for _, text in flag_row] == [HOSTILE, FIRST.id, "⚑ canary passed: the reporting was tampered with"]


def css_rules(html: str) -> dict[str, dict[str, str]]:
    """The page's style sheet: each selector with its declarations (enough for our flat CSS)."""
    (sheet,) = re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
    rules: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", sheet):
        declarations = dict(part.split(":", 1) for part in body.split(";") if ":" in part)
        for selector in selectors.split(","):
            rules.setdefault(" ".join(selector.split()), {}).update(
                {" ".join(k.split()): " ".join(v.split()) for k, v in declarations.items()})
    return rules


def summaries(html: str) -> list[str]:
    """What each ``<summary>`` holds, markup included, on one line."""
    return [" ".join(markup.unescape(s).split()) for s in re.findall(r"<summary[^>]*>(.*?)</summary>", html, re.DOTALL)]


def starts_with_a_name(row: list[tuple[dict, str]]) -> bool:
    return "name" in row[0][0].get("class", "").split()


def parents_of(parsed: Page, table: str) -> list[list[str]]:
    """The open elements around each table of that id or class."""
    return [parents for name, parents in parsed.table_parents if name == table]


def scrolling_both_ways(parsed: Page) -> list[dict]:
    return [attrs for tag, attrs in parsed.tags if tag == "div" and "both" in attrs.get("class", "")]


def test_the_name_column_and_the_header_row_stick(page):
    """Scrolled across 41 items, the names stay in view; scrolled down, the item ids do."""
    html, parsed = page
    rules = css_rules(html)
    name = rules["#score-table th.name"]
    assert name["position"] == "sticky" and name["left"] == "0"
    assert name["background"] == "#fff"  # opaque: the scrolled cells pass under it, unseen
    assert rules["#score-table thead"]["position"] == "sticky" and rules["#score-table thead"]["top"] == "0"
    assert rules["#score-table thead th.name"]["z-index"] > name["z-index"]  # the corner covers both
    # Every row's first cell is the name cell, the header's too (it spans the item ids' row).
    header, _, *rows = parsed.rows["score-table"]
    assert all(starts_with_a_name(row) for row in (header, *rows))
    assert header[0][0]["rowspan"] == "2"
    # A sticky cell sticks within its nearest scrolling box: the table's own, scrolling both ways.
    (parents,) = parents_of(parsed, "score-table")
    box = scrolling_both_ways(parsed)
    assert parents[-1] == "div" and len(box) == 1 and rules[".scroll.both"]["overflow"] == "auto"
    assert rules[".scroll.both"]["max-height"].endswith("vh")


def test_each_failure_table_is_a_closed_details(page):
    html, parsed = page
    tables = [p for table, p in parsed.table_parents if table == "test-table"]
    assert len(tables) == 2 and all(p[-1] == "details" for p in tables)
    assert [attrs for tag, attrs in parsed.tags if tag == "details"] == [{}, {}]  # no "open"
    assert summaries(html) == [
        f"<b>{FIRST.id}</b> — 2 of 3 submitted failed a test; most often <code>test_2</code> (2×)",
        f"<b>{OTHER.id}</b> — 2 of 3 submitted failed a test; most often <code>test_1</code> (2×)"]


def a_class_with_a_missing_file() -> list[SubmissionResult]:
    """carol handed in no file for FIRST; dave's did not import, so no test of it ran."""
    return [*class_results()[:2],
            SubmissionResult("carol", [ItemResult(FIRST.id, 0, 10, "missing", "first.py was not found"),
                                       item(OTHER.id, ("passed", ""))]),
            SubmissionResult("dave", [ItemResult(FIRST.id, 0, 10, "import_error", "SyntaxError: invalid syntax"),
                                      item(OTHER.id, ("passed", ""))])]


def item_row(parsed: Page, item_id: str) -> dict[str, str]:
    """The Items table's row of one item, by column."""
    header, *rows = parsed.rows["item-table"]
    columns = [text for _, text in header]
    return dict(zip(columns, [text for _, text in next(r for r in rows if r[0][1] == item_id)]))


def failure_rows(parsed: Page) -> list[list[tuple[dict, str]]]:
    """Every failure table's rows but their headers, in order."""
    return [row for row in parsed.rows["test-table"] if row and row[0][1] != "test"]


def test_a_missing_file_is_counted_apart_and_alike_in_both_places():
    """The rule on the page: submitted = the file was there; missing is counted apart."""
    html = report.render_html(COURSE, a_class_with_a_missing_file(), ITEMS)
    parsed = Page()
    parsed.feed(html)
    assert report.COUNTING in markup.unescape(html)
    first = item_row(parsed, FIRST.id)
    # alice, bob and dave had the file (dave's ran no test); carol did not.
    assert (first["submitted"], first["missing"], first["import error"]) == ("3", "1", "1")
    assert first["full marks"] == "33%" and first["mean score"] == "50%"  # alice; (10 + 5 + 0) of 3 × 10 points
    failed = [row[1][1] for row in failure_rows(parsed)][:2]
    assert failed == ["1/3", "2/3"]  # out of the 3 submitted, as the Items table says: dave failed both
    summary, _ = summaries(html)
    assert summary.endswith("— 2 of 3 submitted failed a test; most often <code>test_2</code> (2×); 1 missing")
    assert "1× SyntaxError: invalid syntax" in [row[2][1] for row in parsed.rows["test-table"] if row][1]
    stats = report.item_stats(a_class_with_a_missing_file(), ITEMS)[0]
    assert (stats.submitted, stats.missing, stats.failing) == (3, 1, 2)
    assert {t.runs for t in stats.tests.values()} == {stats.submitted}


def test_statistics():
    stats = report.item_stats(class_results(), ITEMS)
    assert [round(s.pass_rate) for s in stats] == [33, 33]
    assert stats[0].tests["test_2"].failures == 2 and stats[0].failures == 3
    assert report.distribution(class_results()) == [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1]  # 0%, 33%, 100%
    assert report.distribution([]) == [0] * 11


def test_an_empty_class_renders():
    assert "0 submissions" in report.render_html(COURSE, [], ITEMS)


# --- workbook report ------------------------------------------------------------------------

def fill(path, results) -> None:
    with Store(path) as db:
        for submission in results:
            for r in submission.items:
                db.save(submission.submission, "f", "s", r)


def test_report_reexports_from_the_store(tmp_path):
    fill(tmp_path / "g.sqlite", class_results())
    with Store(tmp_path / "g.sqlite") as db:
        db.save("alice", "f", "s", ItemResult("gone01_removed", 1, 1, "graded"))
    outs = {"--html": tmp_path / "r.html", "--json": tmp_path / "r.json", "--csv": tmp_path / "r.csv"}
    result = runner.invoke(app, ["report", "--db", str(tmp_path / "g.sqlite"),
                                 *[str(x) for pair in outs.items() for x in pair]])
    assert result.exit_code == 0, result.output
    assert "left out: 1 stored item(s) no longer in the course (gone01_removed)" in result.output
    assert "<svg" in outs["--html"].read_text() and "bob" in result.output
    data = json.loads(outs["--json"].read_text())
    assert sorted(s["submission"] for s in data["submissions"]) == sorted(["alice", "bob", HOSTILE])
    assert data == json.loads(json.dumps(model.gradebook_json(
        sorted(class_results(), key=lambda s: s.submission))))
    assert outs["--csv"].read_text().splitlines()[0].endswith(",total,max_score,flags")


def test_report_of_some_items(tmp_path):
    fill(tmp_path / "g.sqlite", class_results())
    result = runner.invoke(app, ["report", "--db", str(tmp_path / "g.sqlite"), "--items", OTHER.id,
                                 "--csv", str(tmp_path / "r.csv")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r.csv").read_text().splitlines()[0] == f"submission,{OTHER.id},total,max_score,flags"


@pytest.mark.parametrize("make", ["nothing", "empty"])
def test_report_without_results_is_one_line(tmp_path, make):
    db = tmp_path / "g.sqlite"
    if make == "empty":
        with Store(db) as store:
            len(store)
    result = runner.invoke(app, ["report", "--db", str(db), "--html", str(tmp_path / "r.html")])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert result.output.startswith("error:") and not (tmp_path / "r.html").exists()


# --- names and messages a student chose -----------------------------------------------------

def test_the_page_holds_no_control_character_and_the_isolation_line():
    html = report.render_html(COURSE, chosen_names(), [FIRST], isolation=ISOLATION)
    assert not [c for c in html if unicodedata.category(c) == "Cc" and c != "\n"]
    assert "pwned" not in html and "mallory" in html
    assert f'<p class="meta" id="isolation">{ISOLATION_LINE}</p>' in html
    assert 'id="isolation"' not in report.render_html(COURSE, chosen_names(), [FIRST])


@pytest.mark.parametrize("option", ["--json", "--csv", "--html"])
def test_report_refuses_a_fifo_output(tmp_path, option):
    fill(tmp_path / "g.sqlite", class_results())
    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    result = promptly(lambda: runner.invoke(app, ["report", "--db", str(tmp_path / "g.sqlite"), option, str(fifo)]))
    assert result["value"].exit_code == 2
    assert result["value"].output == f"error: cannot write {fifo}: it is a FIFO (named pipe), not a regular file\n"
