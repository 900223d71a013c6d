"""The student bundle: what students get, and nothing they must not see.

Included: the lesson notebooks with outputs cleared, the exercise stubs, the package
(CLI, kit, public suites, manifest), ``pyproject.toml`` and a README for students. A
bundle of some items (a week's section) holds only their notebooks and stubs: nothing
of a week not handed out yet, and no stub to unpack over an earlier week's finished
exercise. The package stays whole, so every command works as in the full bundle.
Left out: the solutions, the hidden suites, the lesson sources, the samples, the
project's tests and CI; and the instructor's side of the package (``INSTRUCTOR_ONLY``):
the audit (its equivalents and baseline say what each hidden suite deliberately lets
pass), and grading a class, its outputs and the authoring tools, this module among
them, are of no use to a student. The CLI imports those modules inside the commands that need
them and says in one line that the command is for instructors when they are absent.
``tests/authoring/test_release.py`` proves that no line of any solution's answer, no hidden
test and none of those files reaches the zip, and that the student's commands run
from it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import nbformat

from autograder.authoring import archive
from autograder.manifest import Item
from autograder.paths import EXERCISES, NOTEBOOKS, PACKAGE, ROOT

TEMPLATES = Path(__file__).resolve().parent / "templates"
# What stays with the instructor, as paths under the package (a folder covers what it
# holds). The package is grouped by who uses it, so this is four of its parts and the
# audit's records: a new module ships only if it joins a part students use.
INSTRUCTOR_ONLY = {
    "audit", "course/equivalents.toml", "course/baseline.json",  # what each hidden suite lets pass
    "authoring",  # the build, this bundle, the teaching measure
    "grading", "outputs",  # grading a class, its gradebook, report and platform exports
    "service",  # the grading service the instructor runs (students reach it over HTTP)
}
EXCLUDED_PACKAGE_PARTS = {"__pycache__", "hidden"}
#: The permissions of the bundle's files, as they always were (zipfile's default for an
#: entry written by name): unpacked, they are the student's own.
MODE = 0o600


def _instructor_only(relative: Path) -> bool:
    return any(relative.as_posix() == part or relative.as_posix().startswith(f"{part}/")
               for part in INSTRUCTOR_ONLY)


def _package_files() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*")):
        relative = path.relative_to(PACKAGE)
        if (path.is_file() and not EXCLUDED_PACKAGE_PARTS & set(relative.parts) and path.suffix != ".pyc"
                and not _instructor_only(relative)):
            yield path


def cleared(notebook_path: Path) -> str:
    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nbformat.writes(notebook)


def build(out: Path, top: str = "fastapi-workbook", items: list[Item] | None = None) -> list[str]:
    """Write the bundle of ``items`` (every stub and notebook when None) to ``out``; return
    the names it holds."""
    handed_out = None if items is None else {item.id for item in items}
    with archive.writing(out, top, date_time=time.localtime()[:6]) as bundle:
        bundle.add("README.md", (TEMPLATES / "README-student.md").read_text(encoding="utf-8"), MODE)
        bundle.add("pyproject.toml", (ROOT / "pyproject.toml").read_text(encoding="utf-8"), MODE)
        for path in sorted(EXERCISES.glob("*.py")):
            if handed_out is None or path.stem in handed_out:
                bundle.add(f"exercises/{path.name}", path.read_bytes(), MODE)
        for path in sorted(NOTEBOOKS.glob("*.ipynb")):
            if handed_out is None or path.stem in handed_out:
                bundle.add(f"notebooks/{path.name}", cleared(path), MODE)
        for path in _package_files():
            bundle.add(f"autograder/{path.relative_to(PACKAGE).as_posix()}", path.read_bytes(), MODE)
    return bundle.names
