"""The instructor's HTML report: one self-contained page about a whole class.

It shows the score table (flagged items marked), each item's pass rate and the
distribution of total scores as charts, and for each test how many submissions failed
it with the messages seen most often. The page loads nothing from anywhere: it opens
from a file, offline, in any browser.

Charts are SVG made by pygal and inlined in the page. pygal is maintained, pure Python,
and writes SVG itself (matplotlib can too, but it is a far larger install for two bar
charts; hand-made SVG would mean maintaining axes and scales ourselves). pygal's
tooltips need a script from a CDN: we pass ``js=[]``, strip the inline ``<script>``
holding their settings, and print the values on the bars instead.

Student text (names, messages, flags) reaches the page only through Jinja's escaping,
after :func:`autograder.safe.scrub` took out its control characters.

Every count about an item follows one rule, stated on the page (:data:`COUNTING`): an
item is *submitted* when its file was there. A missing file is counted apart, never as
a submission nor as a failure; a file that was there but ran no test (an import error,
a crash or a timeout before the tests) fails every test of the item, since it scored
nothing on any. So the Items table's "submitted" is each failure table's denominator.

The page is long for a class with many items: the score table scrolls inside its own
box with its header row and name column sticky, and each item's failure table is a
closed ``<details>`` whose summary says how many failed what. No script is needed.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import jinja2
import pygal
from pygal.style import Style

from autograder.manifest import Course, Item
from autograder.outputs.gradebook import STATUS_MARK, flagged
from autograder.results import SubmissionResult
from autograder.safe import isolation_line, scrub, write_output

TOP_MESSAGES = 3
MESSAGE_CHARS = 240
BUCKETS = [f"{low}–{low + 9}%" for low in range(0, 100, 10)] + ["100%"]
COUNTING = ("Per item, “submitted” counts the submissions whose file was there; a missing file is counted only "
            "under “missing”, and the percentages and the failure counts are out of the submitted ones "
            "(a file that ran no test, from an import error, a crash or a timeout, fails every test).")

_STYLE = Style(background="transparent", plot_background="#fafafa", foreground="#333", foreground_strong="#111",
               foreground_subtle="#888", colors=("#2e7d32", "#1565c0", "#c62828"),
               font_family="system-ui, -apple-system, 'Segoe UI', sans-serif", title_font_size=15,
               label_font_size=11, major_label_font_size=11, value_font_size=10, legend_font_size=12)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL | re.IGNORECASE)

# Importing pygal appends a legacy import hook for its map plugins (which we do not use)
# to sys.meta_path; on Python 3.11 every failed import after that warns (ImportWarning),
# and under `-W error` the optional imports of other libraries then fail. Take it out.
sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, getattr(pygal, "PluginImportFixer", ()))]

TEMPLATES = Path(__file__).resolve().parent / "templates"  # the report's Jinja template


@dataclass
class TestStats:
    name: str
    description: str
    runs: int = 0
    failures: int = 0
    statuses: Counter = field(default_factory=Counter)
    messages: Counter = field(default_factory=Counter)

    @property
    def top_messages(self) -> list[tuple[str, int]]:
        return self.messages.most_common(TOP_MESSAGES)


@dataclass
class ItemStats:
    item: Item
    submitted: int = 0  # the file was there (see COUNTING)
    full_marks: int = 0
    score: float = 0.0
    max_score: float = 0.0
    statuses: Counter = field(default_factory=Counter)
    flagged: int = 0
    failing: int = 0  # submitted, and failed at least one test
    tests: dict[str, TestStats] = field(default_factory=dict)

    @property
    def missing(self) -> int:
        return self.statuses["missing"]

    @property
    def pass_rate(self) -> float:
        """The share of submitted files with full marks on the item, in percent."""
        return 100 * self.full_marks / self.submitted if self.submitted else 0.0

    @property
    def failures(self) -> int:
        return sum(t.failures for t in self.tests.values())

    @property
    def most_failed(self) -> TestStats | None:
        """The test failed most often (the first in suite order on a tie), if any failed."""
        return max((t for t in self.tests.values() if t.failures), key=lambda t: t.failures, default=None)

    @property
    def mean(self) -> float:
        """The mean score on the item, in percent of its points."""
        return 100 * self.score / self.max_score if self.max_score else 0.0


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1] + "…"


def item_stats(results: list[SubmissionResult], items: list[Item]) -> list[ItemStats]:
    """Each item's counts, under the one rule of :data:`COUNTING`."""
    stats = {item.id: ItemStats(item) for item in items}
    ran_nothing: dict[str, list] = {item.id: [] for item in items}
    for submission in results:
        for r in submission.items:
            s = stats.get(r.id)
            if s is None:
                continue
            s.statuses[r.status] += 1
            s.flagged += bool(r.flags)
            if r.status == "missing":
                continue
            s.submitted += 1
            s.full_marks += r.score == r.max_score
            s.score += r.score
            s.max_score += r.max_score
            s.failing += any(t.status != "passed" for t in r.tests) or (not r.tests and r.status != "graded")
            if not r.tests:
                ran_nothing[r.id].append(r)
            for t in r.tests:
                test = s.tests.setdefault(t.name, TestStats(t.name, t.description))
                test.description = test.description or t.description
                _count(test, t.status, t.message)
    # A file that ran no test failed every test the others ran, with the reason it gave.
    for item_id, unrun in ran_nothing.items():
        for r in unrun:
            for test in stats[item_id].tests.values():
                _count(test, "timeout" if r.status == "timeout" else "error", r.message or STATUS_MARK[r.status])
    return list(stats.values())


def _count(test: TestStats, status: str, message: str) -> None:
    test.runs += 1
    test.statuses[status] += 1
    if status != "passed":
        test.failures += 1
        test.messages[_short(message) or status] += 1


def distribution(results: list[SubmissionResult]) -> list[int]:
    """How many submissions fall in each bucket of ``BUCKETS`` (total score, in percent)."""
    counts = [0] * len(BUCKETS)
    for r in results:
        pct = 100 * r.score / r.max_score if r.max_score else 0
        counts[10 if pct >= 100 else int(pct // 10)] += 1
    return counts


def _svg(chart: pygal.graph.graph.Graph) -> str:
    return _SCRIPT.sub("", chart.render(is_unicode=True))


def pass_rate_chart(stats: list[ItemStats]) -> str:
    chart = pygal.Bar(style=_STYLE, js=[], disable_xml_declaration=True, width=960, height=380,
                      x_label_rotation=-50, range=(0, 100), print_values=len(stats) <= 12,
                      value_formatter=lambda v: f"{v:.0f}%", legend_at_bottom=True,
                      title="Per item: full marks and mean score (% of submitted files / points)")
    chart.x_labels = [s.item.id.split("_", 1)[0] for s in stats]
    chart.add("full marks", [round(s.pass_rate, 1) for s in stats])
    chart.add("mean score", [round(s.mean, 1) for s in stats])
    return _svg(chart)


def distribution_chart(results: list[SubmissionResult]) -> str:
    counts = distribution(results)
    step = max(1, -(-max(counts) // 8))  # whole submissions on the axis, at most ~8 lines
    chart = pygal.Bar(style=_STYLE, js=[], disable_xml_declaration=True, width=960, height=320,
                      print_values=True, print_zeroes=False, show_legend=False, value_formatter=lambda v: f"{v:g}",
                      y_labels=list(range(0, max(counts) + step, step)), title="Total scores: submissions per band")
    chart.x_labels = BUCKETS
    chart.add("submissions", counts)
    return _svg(chart)


def _environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render_html(course: Course, results: list[SubmissionResult], items: list[Item], title: str = "Gradebook",
                isolation: dict | None = None) -> str:
    """The page (``items`` grouped by the course's sections); with the engine's ``isolation``
    record, one line about it under the title."""
    results = scrub(results)
    stats = item_stats(results, items)
    sections = [(s, its) for s in course.sections if (its := [i for i in items if i.section == s.id])]
    columns = [i for _, its in sections for i in its]  # the score table groups items by section
    rows = []
    for submission in results:
        cells = []
        for item in columns:
            r = submission.item(item.id)
            cells.append(None if r is None else {
                "score": f"{r.score:g}", "max": f"{r.max_score:g}", "mark": STATUS_MARK[r.status],
                "flags": r.flags, "message": _short(r.message),
                "level": "full" if r.score == r.max_score else ("zero" if r.score == 0 else "part")})
        pct = 100 * submission.score / submission.max_score if submission.max_score else 0
        rows.append({"name": submission.submission, "cells": cells, "score": f"{submission.score:g}",
                     "max": f"{submission.max_score:g}", "pct": pct, "flagged": flagged(submission)})
    flags = [(s.submission, r.id, flag) for s in results for r in s.items for flag in r.flags]
    template = _environment().get_template("report.html.j2")
    return template.render(
        title=title, generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        items=items, sections=sections, rows=rows, stats=stats, flags=flags, submissions=len(results),
        counting=COUNTING, pass_rate_svg=pass_rate_chart(stats), distribution_svg=distribution_chart(results),
        mean=(sum(r["pct"] for r in rows) / len(rows)) if rows else 0.0, isolation=isolation_line(isolation))


def write_html(course: Course, results: list[SubmissionResult], items: list[Item], path: Path,
               isolation: dict | None = None) -> None:
    write_output(path, render_html(course, results, items, isolation=isolation))
