"""Generated files and their one source each.

* ``exercises/<id>.py`` comes from ``solutions/<id>.py``: the lines between
  ``# BEGIN SOLUTION`` and ``# END SOLUTION`` are dropped, and ``# STUB: code`` lines
  become ``code`` (same indentation). The stub is the solution minus the answer.
* ``notebooks/<id>.ipynb`` comes from ``notebooks/src/<id>.md`` (jupytext Markdown):
  a header cell from the manifest, the lesson, then the exercise cells.

``workbook build --check`` (and a test) fail when a generated file drifts.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import nbformat

from autograder.authoring.markers import BEGIN, END
from autograder.manifest import Course, Item
from autograder.paths import EXERCISES, LESSON_SOURCES, NOTEBOOKS, ROOT, SOLUTIONS

STUB = re.compile(r"^(\s*)# STUB: ?(.*)$")
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}


class BuildError(Exception):
    pass


def make_stub(solution: str, name: str = "solution") -> str:
    """The exercise stub of a solution's source."""
    out: list[str] = []
    inside = False
    for number, line in enumerate(solution.splitlines(keepends=True), start=1):
        if BEGIN.match(line):
            if inside:
                raise BuildError(f"{name}:{number}: nested # BEGIN SOLUTION")
            inside = True
        elif END.match(line):
            if not inside:
                raise BuildError(f"{name}:{number}: # END SOLUTION without BEGIN")
            inside = False
        elif inside:
            continue
        elif match := STUB.match(line):
            out.append(f"{match.group(1)}{match.group(2)}\n")
        else:
            out.append(line)
    if inside:
        raise BuildError(f"{name}: # BEGIN SOLUTION is never closed")
    return "".join(out)


def source_line(item: Item) -> str:
    """Where the lesson comes from; an item beyond the sources has no text it corrects."""
    if item.source.beyond:
        return f"**Topic:** {item.source.section} (beyond the source documents, added by this course)"
    return f"**Source:** {item.source} (rewritten and corrected for this course)"


def header_markdown(course: Course, item: Item) -> str:
    """The notebook's first cell: the item's number in the course, its section, its source."""
    section = course.section(item.section)
    number = course.items.index(item) + 1
    return (
        f"# {number}. {item.title}\n\n"
        f"**Section:** {section.title} · **Item:** `{item.id}` · **Points:** {item.points}  \n"
        f"{source_line(item)}\n\n"
        f"Work in `exercises/{item.filename}`. Check it from the last cell of this notebook, or in a "
        f"terminal with `workbook check {item.id}`."
    )


def footer_cells(item: Item) -> list:
    return [
        nbformat.v4.new_markdown_cell(
            "## Your turn\n\n"
            f"Open `exercises/{item.filename}` and complete every `TODO`; the module docstring lists the "
            "numbered tasks. Save the file and run the next cell: it checks the saved file in a separate "
            "process, so an endless loop ends with a message instead of freezing this notebook. "
            f"`workbook hint {item.id}` shows the hints one at a time."
        ),
        nbformat.v4.new_code_cell(f'check("{item.id}")'),
    ]


SETUP_CELL = (
    "# The workbook's calls: check(item) runs the public checks on your saved exercise file,\n"
    "# hint(item) shows the next hint, progress() shows where you are in the course.\n"
    "from autograder.student.notebook import check, hint, progress"
)


def make_notebook(course: Course, item: Item, source: str) -> nbformat.NotebookNode:
    lesson = jupytext.reads(source, fmt="md")
    cells = [nbformat.v4.new_markdown_cell(header_markdown(course, item)), nbformat.v4.new_code_cell(SETUP_CELL),
             *lesson.cells, *footer_cells(item)]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata = {"kernelspec": KERNEL, "language_info": {"name": "python"}, "workbook": {"item": item.id}}
    for n, cell in enumerate(notebook.cells):
        cell.id = f"{item.id.split('_')[0]}-{n:02d}"
        cell.metadata = {}
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return notebook


def run_notebook(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    from nbclient import NotebookClient

    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
                   ).execute()
    return notebook


def sources_of(notebook: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source) for cell in notebook.cells]


def build_all(course: Course, check_only: bool = False, execute: bool = True,
              items: list[Item] | None = None) -> list[Path]:
    """Regenerate (or, with ``check_only``, compare) the generated files of ``items`` (every
    item of the course when None); return those that changed."""
    changed: list[Path] = []
    for item in course.items if items is None else items:
        solution = SOLUTIONS / item.filename
        stub = make_stub(solution.read_text(encoding="utf-8"), str(solution.relative_to(ROOT)))
        target = EXERCISES / item.filename
        if not target.exists() or target.read_text(encoding="utf-8") != stub:
            changed.append(target)
            if not check_only:
                target.write_text(stub, encoding="utf-8")

        lesson = LESSON_SOURCES / f"{item.id}.md"
        notebook = make_notebook(course, item, lesson.read_text(encoding="utf-8"))
        built = NOTEBOOKS / f"{item.id}.ipynb"
        current = nbformat.read(built, as_version=4) if built.exists() else None
        if current is None or sources_of(current) != sources_of(notebook):
            changed.append(built)
            if not check_only:
                if execute:
                    run_notebook(notebook)
                nbformat.write(notebook, built)
    return changed
