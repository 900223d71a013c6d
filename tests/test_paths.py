"""Where the course's trees live: the course content travels with the package, the student's
trees follow ``WORKBOOK_ROOT``."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from autograder import paths

STUDENT_TREES = ("EXERCISES", "SOLUTIONS", "NOTEBOOKS", "LESSON_SOURCES", "SAMPLES")
COURSE_CONTENT = ("COURSE", "MANIFEST", "SUITES")


def fresh_paths(monkeypatch: pytest.MonkeyPatch, root: str | None):
    """A new copy of autograder/paths.py, executed with ``WORKBOOK_ROOT`` set to ``root``
    (unset for None): the module reads it once, when it is imported."""
    if root is None:
        monkeypatch.delenv("WORKBOOK_ROOT", raising=False)
    else:
        monkeypatch.setenv("WORKBOOK_ROOT", root)
    spec = importlib.util.spec_from_file_location("paths_under_test", paths.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("kind", ["public", "hidden"])
def test_suite_file_names_the_items_suite(kind):
    assert paths.suite_file("async01_why_async", kind) == paths.SUITES / kind / "test_async01_why_async.py"
    assert paths.suite_file("async01_why_async", kind).is_file()


@pytest.mark.parametrize("kind", ["private", "Hidden", "", "hidden/../public", "../hidden"])
def test_suite_file_refuses_any_other_kind(kind):
    with pytest.raises(ValueError) as raised:
        paths.suite_file("async01_why_async", kind)
    assert str(raised.value) == f"suite kind must be 'public' or 'hidden', not {kind!r}"


def test_suite_file_does_not_check_that_the_item_exists():
    """The callers report a missing item in their own words; the path is only a name."""
    assert paths.suite_file("no_such_item", "hidden") == paths.SUITES / "hidden" / "test_no_such_item.py"
    assert not paths.suite_file("no_such_item", "hidden").exists()


def test_the_course_content_sits_in_the_package():
    assert Path(paths.__file__).resolve().parent == paths.PACKAGE
    assert paths.COURSE == paths.PACKAGE / "course"
    assert paths.MANIFEST == paths.COURSE / "course.toml" and paths.MANIFEST.is_file()
    assert paths.SUITES == paths.COURSE / "suites"
    for kind in ("public", "hidden"):
        assert (paths.SUITES / kind).is_dir()
    assert (paths.SUITES / "conftest.py").is_file()  # every suite gets the kit's fixtures from it


def test_the_student_trees_sit_beside_the_package_by_default(monkeypatch):
    fresh = fresh_paths(monkeypatch, None)
    assert paths.PACKAGE.parent == fresh.ROOT
    assert (fresh.EXERCISES, fresh.SOLUTIONS, fresh.NOTEBOOKS, fresh.SAMPLES) == (
        fresh.ROOT / "exercises", fresh.ROOT / "solutions", fresh.ROOT / "notebooks", fresh.ROOT / "samples")
    assert fresh.LESSON_SOURCES == fresh.NOTEBOOKS / "src"


def test_an_empty_workbook_root_is_no_root(monkeypatch):
    assert paths.PACKAGE.parent == fresh_paths(monkeypatch, "").ROOT


def test_workbook_root_moves_the_student_trees_and_not_the_course(monkeypatch, tmp_path):
    """An unpacked student bundle: its exercises and notebooks, graded by this package's suites."""
    fresh = fresh_paths(monkeypatch, str(tmp_path))
    assert tmp_path.resolve() == fresh.ROOT
    for name in STUDENT_TREES:
        assert getattr(fresh, name).is_relative_to(tmp_path.resolve()), name
    assert tmp_path.resolve() / "exercises" == fresh.EXERCISES
    assert tmp_path.resolve() / "notebooks" / "src" == fresh.LESSON_SOURCES
    for name in COURSE_CONTENT:
        assert getattr(fresh, name) == getattr(paths, name), name
    assert fresh.suite_file("async01_why_async", "hidden") == paths.suite_file("async01_why_async", "hidden")


def test_a_relative_workbook_root_is_resolved_where_it_is_read(monkeypatch, tmp_path):
    (tmp_path / "bundle").mkdir()
    monkeypatch.chdir(tmp_path)
    fresh = fresh_paths(monkeypatch, "bundle/../bundle")
    assert (tmp_path / "bundle").resolve() == fresh.ROOT
    assert fresh.ROOT.is_absolute()
