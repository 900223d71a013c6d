"""The student's public checks: run an item's public suite on their exercise file.

The same engine as grading, with the public suite: the student's code runs in a worker
process with time limits, so an endless loop ends with a message, never a frozen
terminal or kernel. Each check is reported on one line, with its task's hint on failure.

A terminal (``workbook check``) prints those lines; a notebook shows the same report as
an HTML table (``_repr_html_``): a box-drawn table in a ``<pre>`` wraps badly and cannot
colour a cell. Every message reaches that HTML escaped: the student's code wrote it.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from autograder.manifest import Item
from autograder.paths import EXERCISES
from autograder.results import ItemResult
from autograder.safe import clean
from autograder.sandbox import engine
from autograder.sandbox.limits import CHECK_LIMITS, Limits


@dataclass
class CheckReport:
    item: Item
    file: Path
    result: ItemResult

    @property
    def passed(self) -> bool:
        return self.result.status == "graded" and all(t.status == "passed" for t in self.result.tests)

    def lines(self) -> list[str]:
        """Plain text, one line per check (plus its hint when it failed), without control characters.

        Print them as text, never as Rich markup: a hint such as ``Annotated[int, Query()]``
        would lose its brackets."""
        r = self.result
        if r.status in ("missing", "import_error", "crashed") or not r.tests:
            return [clean(f"✗ {self.file.name}: {r.message or r.status}")]
        out = []
        for test in r.tests:
            task = f"task {test.task} · " if test.task else ""
            pts = f"({test.max_score:g} pt{'s' if test.max_score != 1 else ''})"
            if test.status == "passed":
                out.append(clean(f"✓ {task}{test.description} {pts}"))
            else:
                out.append(clean(f"✗ {task}{test.description} {pts}: {test.message}"))
                hint = self.item.hint(test.task)
                if hint:
                    out.append(f"    hint: {clean(hint)}")
        total = sum(t.max_score for t in r.tests)
        out.append(f"{r.score:g}/{total:g} points · {'all checks pass' if self.passed else 'keep going'}")
        return out

    def __repr__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        """The report as an HTML table, for Jupyter; ``repr`` stays the plain lines."""
        r = self.result
        if r.status in ("missing", "import_error", "crashed") or not r.tests:
            return (f'<p class="workbook-check" style="color:{_RED};font-weight:bold">'
                    f"✗ {_escape(self.file.name)}: {_escape(r.message or r.status)}</p>")
        rows = []
        for test in r.tests:
            ok = test.status == "passed"
            detail = "" if ok else _escape(test.message)
            hint = "" if ok else self.item.hint(test.task)
            if hint:
                detail += f'<br><span style="color:#555">hint: {_escape(hint)}</span>'
            rows.append(f'<tr class="{"passed" if ok else "failed"}">'
                        f'<td style="color:{_GREEN if ok else _RED};font-weight:bold">{"✓" if ok else "✗"}</td>'
                        f"<td>{test.task or ''}</td><td{_LEFT}>{_escape(test.description)}</td>"
                        f"<td>{test.score:g}/{test.max_score:g}</td><td{_LEFT}>{detail}</td></tr>")
        total = sum(t.max_score for t in r.tests)
        verdict = ("all checks pass", _GREEN) if self.passed else ("keep going", _RED)
        head = "".join(f"<th{_LEFT if name in ('check', 'message / hint') else ''}>{name}</th>"
                       for name in ("", "task", "check", "points", "message / hint"))
        return (f'<table class="workbook-check"><caption{_LEFT}><b>{_escape(self.item.id)}</b>: '
                f"{_escape(self.item.title)}</caption><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody>"
                f'<tfoot><tr><td colspan="5"{_LEFT}><b>{r.score:g}/{total:g} points</b> · '
                f'<span style="color:{verdict[1]}">{verdict[0]}</span></td></tr></tfoot></table>')


_GREEN, _RED = "#2e7d32", "#c62828"
_LEFT = ' style="text-align:left"'  # JupyterLab right-aligns table cells by default


def _escape(text: object) -> str:
    """Text for HTML: cleaned of control characters, then escaped (quotes too)."""
    return html.escape(clean(text))


def run_checks(item: Item, folder: Path | None = None, limits: Limits = CHECK_LIMITS) -> CheckReport:
    """The item's public checks on its file in ``folder`` (the exercises by default); a
    file that is not there is reported by its path, without starting a worker."""
    file = Path(folder or EXERCISES) / item.filename
    if not file.is_file():
        return CheckReport(item, file, ItemResult.missing(item.id, 0, f"{file} was not found"))
    return CheckReport(item, file, engine.grade_item(item, file, "public", limits))
