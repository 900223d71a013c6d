"""The student bundle holds no answer and no hidden test, and works on its own."""

from __future__ import annotations

import ast
import os
import site
import subprocess
import sys
import zipfile

import pytest

from autograder import build, release
from autograder.paths import SOLUTIONS, SUITES
from tests.conftest import ITEM_IDS

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
    assert {"README.md", "pyproject.toml", "autograder/course.toml", "autograder/cli.py"} <= names
    assert {f"exercises/{i}.py" for i in ITEM_IDS} <= names and {f"notebooks/{i}.ipynb" for i in ITEM_IDS} <= names
    assert {f"autograder/suites/public/test_{i}.py" for i in ITEM_IDS} <= names
    forbidden = ("solutions/", "autograder/suites/hidden", "tests/", "samples/", "notebooks/src/", ".ci/")
    assert not [n for n in names if n.startswith(forbidden)]


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


def test_bundle_installs_in_a_fresh_venv_and_checks_an_item(bundle, tmp_path):
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
    env = {**os.environ, "WORKBOOK_ROOT": str(course), "WORKBOOK_STATE": str(tmp_path / "state.json")}
    # Run from outside the unpacked folder: only the installed copy of the package is importable.
    check = subprocess.run([str(venv / "bin" / "workbook"), "check", ITEM], capture_output=True, text=True,
                           env=env, cwd=tmp_path)
    assert check.returncode == 1, check.stdout + check.stderr
    assert "✗ task 1" in check.stdout and "hint:" in check.stdout
    grade = subprocess.run([str(venv / "bin" / "workbook"), "grade", str(course / "exercises")],
                           capture_output=True, text=True, env=env, cwd=tmp_path)
    assert grade.returncode == 2 and "student bundle" in grade.stderr
