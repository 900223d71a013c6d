"""The student's public checks: run an item's public suite on their exercise file.

The same engine as grading, with the public suite: the student's code runs in a worker
process with time limits, so an endless loop ends with a message, never a frozen
terminal or kernel. Each check is reported on one line, with its task's hint on failure.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rich.console import Group
from rich.table import Table
from rich.text import Text

from autograder import engine, manifest
from autograder.manifest import Item
from autograder.outputs import clean, plain
from autograder.paths import EXERCISES
from autograder.results import ItemResult


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

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        """Jupyter shows the rich table as HTML, and the plain lines as text."""
        from rich.console import Console

        console = Console(record=True, width=110, force_jupyter=False, file=open(os.devnull, "w"))  # noqa: SIM115
        console.print(self)
        html = console.export_html(inline_styles=True, code_format="<pre style='font-size:0.9em'>{code}</pre>")
        console.file.close()
        return {"text/plain": repr(self), "text/html": html}

    def __rich__(self) -> Group | Table:
        r = self.result
        if r.status in ("missing", "import_error", "crashed") or not r.tests:
            return Group(plain(f"✗ {self.file.name}: {r.message or r.status}", "bold red"))
        grid = Table(title=plain(f"{self.item.id}: {self.item.title}"), show_lines=False)
        for column in ("", "task", "check", "points", "message / hint"):
            grid.add_column(column)
        for test in r.tests:
            ok = test.status == "passed"
            detail = Text() if ok else plain(test.message) + "\n" + plain(f"hint: {self.item.hint(test.task)}")
            grid.add_row(Text("✓", style="green") if ok else Text("✗", style="red"), str(test.task or ""),
                         plain(test.description), f"{test.score:g}/{test.max_score:g}", detail)
        total = sum(t.max_score for t in r.tests)
        grid.caption = f"{r.score:g}/{total:g} points"
        return grid


def run_checks(item_id: str, folder: Path | None = None, limits: engine.Limits = engine.Limits(test=10, item=60)
               ) -> CheckReport:
    item = manifest.load().item(item_id)
    file = Path(folder or EXERCISES) / item.filename
    result = engine.grade_item(item, file if file.is_file() else None, "public", limits)
    if result.status == "missing":
        result.message = f"{file} was not found"
    return CheckReport(item, file, result)
