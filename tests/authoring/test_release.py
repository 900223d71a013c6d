"""The student bundle holds no answer and no hidden test, and works on its own."""

from __future__ import annotations

import ast
import os
import site
import subprocess
import sys
import zipfile

import pytest

from autograder.authoring import build, release
from autograder.paths import SOLUTIONS, SUITES
from tests.conftest import COURSE, ITEM_IDS

ITEM = "async01_why_async"


def answer_lines(solution: str) -> set[str]:
    """The significant lines between the solution markers (short ones like `)` are not evidence)."""
    kept = set(build.make_stub(solution).splitlines())
    return {line.strip() for line in solution.splitlines()
            if line not in kept and len(line.strip()) >= 20 and not line.strip().startswith("#")}


def hidden_only_tests(item_id: str) -> set[str]:
    def names(path):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")}

    return names(SUITES / "hidden" / f"test_{item_id}.py") - names(SUITES / "public" / f"test_{item_id}.py")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "student.zip"
    release.build(out)
    return out


@pytest.fixture(scope="module")
def texts(bundle):
    with zipfile.ZipFile(bundle) as archive:
        return {name: archive.read(name).decode("utf-8", "replace") for name in archive.namelist()}


def test_bundle_layout(texts):
    names = {name.split("/", 1)[1] for name in texts}
    assert {"README.md", "pyproject.toml", "autograder/course/course.toml", "autograder/cli.py"} <= names
    assert {f"exercises/{i}.py" for i in ITEM_IDS} <= names and {f"notebooks/{i}.ipynb" for i in ITEM_IDS} <= names
    assert {f"autograder/course/suites/public/test_{i}.py" for i in ITEM_IDS} <= names
    forbidden = ("solutions/", "autograder/course/suites/hidden", "tests/", "samples/", "notebooks/src/", ".ci/")
    assert not [n for n in names if n.startswith(forbidden)]
    # What each hidden suite lets pass, and the instructor's side of the package.
    assert {"audit", "authoring", "grading", "outputs", "service", "course/equivalents.toml",
            "course/baseline.json"} <= release.INSTRUCTOR_ONLY
    shipped = [n for n in names for part in release.INSTRUCTOR_ONLY
               if n == f"autograder/{part}" or n.startswith(f"autograder/{part}/")]
    assert shipped == []
    assert "autograder/student/submit.py" in names  # students submit to the service from the bundle


def test_a_sections_bundle_holds_its_lessons_and_stubs_only(tmp_path, texts):
    """A week's bundle: that section's notebooks and stubs, and the whole package as usual."""
    from typer.testing import CliRunner

    from autograder.cli import app

    out = tmp_path / "week.zip"
    result = CliRunner().invoke(app, ["release", str(out), "--section", "paths"])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        names = {name.split("/", 1)[1] for name in archive.namelist()}
    week = [i.id for i in COURSE.items if i.section == "paths"]
    lessons = {n for n in names if n.startswith(("exercises/", "notebooks/"))}
    assert lessons == {f"exercises/{i}.py" for i in week} | {f"notebooks/{i}.ipynb" for i in week}
    everything = {name.split("/", 1)[1] for name in texts}
    assert names - lessons == {n for n in everything if not n.startswith(("exercises/", "notebooks/"))}


def test_notebook_outputs_are_cleared(texts):
    import nbformat

    for name, text in texts.items():
        if name.endswith(".ipynb"):
            notebook = nbformat.reads(text, as_version=4)
            assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code"), name


@pytest.mark.parametrize("item_id", ITEM_IDS)
def test_no_answer_line_and_no_hidden_test_reaches_the_bundle(texts, item_id):
    lines = answer_lines((SOLUTIONS / f"{item_id}.py").read_text(encoding="utf-8"))
    tests = hidden_only_tests(item_id)
    for name, text in texts.items():
        body = {line.strip() for line in text.replace("\\n", "\n").splitlines()}
        assert not lines & body, f"{name} holds answer lines of {item_id}: {sorted(lines & body)[:3]}"
        assert not [t for t in tests if t in text], f"{name} names hidden tests of {item_id}"


@pytest.fixture(scope="module")
def installed(bundle, tmp_path_factory):
    """The bundle unpacked and installed in a fresh virtual environment; runs ``workbook ARGS``."""
    tmp_path = tmp_path_factory.mktemp("installed")
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(tmp_path)
    course = tmp_path / "fastapi-workbook"
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    # The dependencies come from this environment (no download); the bundle itself installs fresh.
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    with open(os.path.join(purelib, "deps-from-test.pth"), "w") as pth:
        pth.write("\n".join(site.getsitepackages()) + "\n")
    # Built with this environment's setuptools (no download), installed into the fresh venv.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", "-w", str(tmp_path / "dist"), str(course)], check=True, cwd=tmp_path)
    wheel = next((tmp_path / "dist").glob("*.whl"))
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
                   check=True, cwd=tmp_path)
    # Without PYTHONPATH, which may name a checkout: only the installed copy is importable.
    env = {**{k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, "WORKBOOK_ROOT": str(course),
           "WORKBOOK_STATE": str(tmp_path / "state.json")}

    def workbook(*args: str) -> subprocess.CompletedProcess:
        # Run from outside the unpacked folder: only the installed copy of the package is importable.
        return subprocess.run([str(venv / "bin" / "workbook"), *map(str, args)], capture_output=True, text=True,
                              env=env, cwd=tmp_path)

    workbook.course, workbook.python, workbook.env, workbook.tmp = course, python, env, tmp_path
    return workbook


def test_bundle_installs_in_a_fresh_venv_and_checks_an_item(installed):
    check = installed("check", ITEM)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "✗ task 1" in check.stdout and "hint:" in check.stdout
    grade = installed("grade", installed.course / "exercises")
    assert grade.returncode == 2 and "student bundle" in grade.stderr


def test_hint_and_progress_run_from_the_bundle(installed):
    hint = installed("hint", ITEM, "--all")
    assert hint.returncode == 0, hint.stdout + hint.stderr
    item = COURSE.item(ITEM)
    assert hint.stdout.splitlines() == [f"task {n}, hint {level}/{len(item.levels(n))}: {text}"
                                        for n in range(1, item.tasks + 1)
                                        for level, text in enumerate(item.levels(n), start=1)]
    folder = installed.tmp / "mine"  # one exercise, so that the refresh checks one item
    folder.mkdir()
    (folder / f"{ITEM}.py").write_text((installed.course / "exercises" / f"{ITEM}.py").read_text())
    progress = installed("progress", "--path", folder)
    assert progress.returncode == 0, progress.stdout + progress.stderr
    assert "Your progress" in progress.stdout and f"0/{len(ITEM_IDS)} items pass" in progress.stdout


@pytest.mark.parametrize("args", [("report",), ("release", "x.zip"), ("audit",), ("build", "--check"),
                                  ("export", "gradescope", "x.zip"), ("grade", "."),
                                  ("export", "github-classroom", ".", "--grader", "x"), ("server",),
                                  ("worker", "--broker", "redis://x", "--database", "sqlite://")], ids=" ".join)
def test_instructor_commands_say_so_in_one_line(installed, args):
    result = installed(*args)
    assert (result.returncode, result.stdout, result.stderr) == \
        (2, "", "error: this command is for instructors; it is not in the student bundle\n")


def test_every_shipped_module_imports(installed, texts):
    """A shipped module that imports a left-out one would break in students' hands only."""
    modules = sorted(n.split("/", 1)[1][:-3].replace("/", ".") for n in texts
                     if n.endswith(".py") and "/autograder/" in f"/{n.split('/', 1)[1]}"
                     and "/suites/" not in n)
    modules = [m.removesuffix(".__init__") for m in modules]
    code = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\nprint('ok')"
    done = subprocess.run([str(installed.python), "-c", code, *modules], capture_output=True, text=True,
                          env=installed.env, cwd=installed.tmp)
    assert done.stdout == "ok\n", done.stderr
    assert "autograder.cli" in modules and "autograder.student.check" in modules
