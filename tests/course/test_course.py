"""The course's invariants, rustlings' ``dev check`` style.

Every manifest item has all its files; nothing unlisted exists; the hidden suite's
points add up to the manifest's; every test names a task that has a hint; generated
files are current.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

from autograder import manifest
from autograder.authoring import build
from autograder.paths import EXERCISES, LESSON_SOURCES, NOTEBOOKS, SOLUTIONS, SUITES
from tests.conftest import COURSE, ITEM_IDS

ID_PATTERN = re.compile(r"^[a-z]+\d\d_[a-z0-9_]+$|^capstone_[a-z_]+$")


def _marker_args(function: ast.FunctionDef, name: str) -> list:
    found = []
    for decorator in function.decorator_list:
        if (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
                and decorator.func.attr == name):
            found.append(ast.literal_eval(decorator.args[0]))
    return found


def _tests_of(path: Path) -> list[ast.FunctionDef]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]


def test_item_ids_follow_the_naming_scheme():
    assert all(ID_PATTERN.match(i) for i in ITEM_IDS), ITEM_IDS


@pytest.mark.parametrize("item_id", ITEM_IDS)
def test_item_has_every_file(item_id):
    for path in (SOLUTIONS / f"{item_id}.py", EXERCISES / f"{item_id}.py", LESSON_SOURCES / f"{item_id}.md",
                 NOTEBOOKS / f"{item_id}.ipynb", SUITES / "public" / f"test_{item_id}.py",
                 SUITES / "hidden" / f"test_{item_id}.py"):
        assert path.is_file(), f"missing {path}"


@pytest.mark.parametrize("kind", ["exercises", "solutions", "notebooks", "suites/public", "suites/hidden"])
def test_nothing_unlisted(kind):
    folder = {"exercises": EXERCISES, "solutions": SOLUTIONS, "notebooks": NOTEBOOKS}.get(kind, SUITES / kind[7:])
    names = {p.stem.removeprefix("test_") for p in folder.iterdir() if p.suffix in (".py", ".ipynb")
             and p.name != "__init__.py"}
    assert names <= set(ITEM_IDS), f"{kind} holds files for no item: {sorted(names - set(ITEM_IDS))}"


@pytest.mark.parametrize("item_id", ITEM_IDS)
def test_hidden_points_add_up_to_the_manifest(item_id):
    tests = _tests_of(SUITES / "hidden" / f"test_{item_id}.py")
    points = []
    for test in tests:
        marks = _marker_args(test, "points")
        assert len(marks) == 1, f"{test.name} needs exactly one @pytest.mark.points(n)"
        points.append(marks[0])
    assert sum(points) == COURSE.item(item_id).points


@pytest.mark.parametrize("kind", ["public", "hidden"])
@pytest.mark.parametrize("item_id", ITEM_IDS)
def test_every_test_names_a_task_with_a_hint(item_id, kind):
    item = COURSE.item(item_id)
    assert item.hints, f"{item_id} has no hints"
    for test in _tests_of(SUITES / kind / f"test_{item_id}.py"):
        tasks = _marker_args(test, "task")
        assert len(tasks) == 1 and 1 <= tasks[0] <= len(item.hints), (
            f"{test.name} must carry @pytest.mark.task(n) with 1 <= n <= {len(item.hints)}")


def test_manifest_sections_are_in_course_order():
    order = [s.id for s in COURSE.sections]
    seen = [order.index(i.section) for i in COURSE.items]
    assert seen == sorted(seen)


def test_a_lesson_beyond_the_sources_says_so_in_its_header():
    item = dataclasses.replace(COURSE.items[0], source=manifest.Source(manifest.BEYOND, "Structured logging"))
    header = build.header_markdown(dataclasses.replace(COURSE, items=(item, *COURSE.items[1:])), item)
    assert "**Topic:** Structured logging (beyond the source documents" in header
    assert "rewritten and corrected" not in header
    assert "rewritten and corrected" in build.header_markdown(COURSE, COURSE.items[1])


def test_every_source_names_a_known_document_or_goes_beyond():
    documents = {s.document for s in COURSE.sections} | {manifest.BEYOND}
    assert {i.source.document for i in COURSE.items} <= documents


def test_generated_files_are_current():
    stale = build.build_all(COURSE, check_only=True, execute=False)
    assert not stale, f"run `workbook build`: stale {[str(p) for p in stale]}"
