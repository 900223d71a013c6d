"""The test tree mirrors the package: ``autograder/<part>/<module>.py`` is tested by
``tests/<part>/test_<module>.py`` (a top-level module by ``tests/test_<module>.py``).

Where a module is tested elsewhere, or a test module covers more than one module, the two
tables below say so, each with its reason and where the tests are; both are checked, so
neither can go stale. Not modules here: a package's ``__init__.py`` (it marks the package
and re-exports, tested with what it re-exports) and ``autograder/course/`` (the course's
content and its suites, tested by tests/course/, which follows the items, not the modules).
Helpers shared by several test modules live in tests/support/, never in a test module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import autograder

PACKAGE = Path(autograder.__file__).resolve().parent
TESTS = Path(__file__).resolve().parent
REPOSITORY = TESTS.parent

# Modules without a mirror of their own: module (relative to autograder/) -> (why, the test modules that cover it).
ELSEWHERE: dict[str, tuple[str, tuple[str, ...]]] = {
    "__main__.py": ("the entry point: what it imports before the fork server starts shows only in a fresh "
                    "interpreter, which the fork server's own tests start", ("tests/sandbox/test_warm.py",)),
}
# Test modules that mirror no single module: path (relative to the repository) -> what they test.
ACROSS: dict[str, str] = {
    "tests/test_layout.py": "the shape of the test tree itself",
    "tests/test_jupyter_e2e.py": "a student's whole loop: JupyterLab, a kernel, the checks cell, Chromium",
    "tests/test_postgres.py": "the PostgreSQL leg: the database items graded on a real server",
    "tests/test_min_versions.py": "the CI script .ci/min_versions.py, which is not part of the package",
    "tests/sandbox/test_hostile.py": "the hostile corpus graded in one batch: engine, sandbox, guard, screen, "
                                     "gradebook and store together",
    "tests/sandbox/test_suite_server_hostile.py": "the red team's attacks on suite servers, one student's worker "
                                                  "against the next: engine, suite server, sandbox and canaries",
    "tests/outputs/test_report_browser.py": "outputs/report.py's page in a real browser (tests/outputs/"
                                            "test_report.py is that module's mirror)",
    "tests/service/test_pages_browser.py": "service/pages.py's pages driven in a real browser against the whole "
                                           "service (tests/service/test_pages.py is that module's mirror)",
}


def package_modules() -> list[str]:
    """Every module of the package, relative to it: course content and ``__init__.py`` aside."""
    return sorted(path.relative_to(PACKAGE).as_posix() for path in PACKAGE.rglob("*.py")
                  if path.name != "__init__.py" and path.relative_to(PACKAGE).parts[0] != "course")


def mirror_of(module: str) -> str:
    """``sandbox/loader.py`` -> ``tests/sandbox/test_loader.py``; ``paths.py`` -> ``tests/test_paths.py``."""
    folder, _, name = module.rpartition("/")
    return "/".join(["tests", *([folder] if folder else []), f"test_{name}"])


def project_test_modules() -> list[str]:
    """Every test module of the project's own tests (the course's tests and the data aside)."""
    return sorted(path.relative_to(REPOSITORY).as_posix() for path in TESTS.rglob("test_*.py")
                  if path.relative_to(TESTS).parts[0] not in ("course", "data"))


def test_the_mirror_of_a_module_is_named_after_it():
    assert mirror_of("sandbox/loader.py") == "tests/sandbox/test_loader.py"
    assert mirror_of("paths.py") == "tests/test_paths.py"
    assert mirror_of("kit/db.py") == "tests/kit/test_db.py"


def test_the_package_is_found():
    modules = package_modules()
    assert "cli.py" in modules and "sandbox/engine.py" in modules and "kit/tokens.py" in modules
    assert not [m for m in modules if m.startswith("course/") or m.endswith("__init__.py")]


def test_every_module_has_its_mirror_or_says_where_it_is_tested():
    missing = [f"autograder/{module}: no {mirror_of(module)}" for module in package_modules()
               if module not in ELSEWHERE and not (REPOSITORY / mirror_of(module)).is_file()]
    assert missing == [], "write the mirror, or say in ELSEWHERE why and where the module is tested"


def test_every_test_module_names_a_module_that_exists():
    """No orphan after a rename: test_<module>.py sits where <module>.py does."""
    modules = {mirror_of(module): module for module in package_modules()}
    orphans = [path for path in project_test_modules() if path not in modules and path not in ACROSS]
    assert orphans == [], "rename the test module after its module, or say in ACROSS what it tests"


def test_the_exceptions_are_still_exceptions():
    """A module that gained its mirror leaves ELSEWHERE; an entry names an existing module and
    existing test modules; a mirror is never listed as testing across modules."""
    modules = package_modules()
    assert [module for module in ELSEWHERE if module not in modules] == []
    assert [module for module in ELSEWHERE if (REPOSITORY / mirror_of(module)).is_file()] == []
    assert [path for _, paths in ELSEWHERE.values() for path in paths if not (REPOSITORY / path).is_file()] == []
    assert [path for path in ACROSS if not (REPOSITORY / path).is_file()] == []
    assert [path for path in ACROSS if path in {mirror_of(module) for module in modules}] == []
    assert all(why.strip() for why, _ in ELSEWHERE.values()) and all(what.strip() for what in ACROSS.values())


def imported(path: str) -> list[str]:
    """The modules a file imports (``from x import y`` and ``import x`` alike)."""
    names = []
    for node in ast.walk(ast.parse((REPOSITORY / path).read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            names.append(node.module or "")
        elif isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
    return names


def test_no_test_module_imports_another():
    """Shared helpers live once, in tests/support/ (or a conftest.py, for fixtures)."""
    found = [f"{path} imports {name}" for path in project_test_modules() for name in imported(path)
             if name.startswith("tests.") and name.rpartition(".")[2].startswith("test_")]
    assert found == []


def readme_layout() -> dict[str, str]:
    """The README's layout table: first cell (the paths) -> the row."""
    text = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    return {row.split("|")[1].strip(): row for row in section.splitlines() if row.startswith("| `")}


def row_of(module: str, rows: dict[str, str]) -> str:
    """The README row a module belongs in: its part's, or, for a top-level module, the one naming it."""
    part, _, name = module.rpartition("/")
    if part:
        return next((row for paths, row in rows.items() if f"`autograder/{part}/`" in paths), "")
    return next((row for paths in rows if f"`{name}`" in paths or f"`autograder/{name}`" in paths
                 for row in [rows[paths]]), "")


def test_the_readme_layout_names_every_part_and_module():
    """The README draws the package as it is: a row per part, naming each of its modules."""
    rows = readme_layout()
    unnamed = [module for module in package_modules() if not any(
        f"`{name}`" in row_of(module, rows) for name in (module.rpartition("/")[2], f"autograder/{module}"))]
    assert unnamed == [], "name each module in its part's row of the README's layout table"
