"""The suites' fixtures, in a session that loads them as the suites' conftest does: a fresh
module per test, the lifespan run, and one line for each way a student's file can fail to load."""

from __future__ import annotations

import pytest

from autograder.paths import SOLUTIONS
from tests.support.suites import run_suite

CONFTEST = 'pytest_plugins = ("autograder.kit.fixtures",)\n'
STUDENT = '''import sys
from contextlib import asynccontextmanager

from fastapi import FastAPI

STORE = []


@asynccontextmanager
async def lifespan(app):
    app.state.started = True
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/started")
async def started():
    return {"started": getattr(app.state, "started", False)}


@app.get("/exit")
async def leave():
    sys.exit(4)
'''
EXIT_LINE = STUDENT.splitlines().index("    sys.exit(4)") + 1
SUITE = '''import os
from pathlib import Path

import pytest

from autograder.sandbox import integrity
from autograder.sandbox.messages import StudentAbort


@pytest.mark.points(2)
@pytest.mark.task(1)
def test_the_given_file_is_under_test(student_path):
    assert student_path == Path(os.environ["STUDENT_FILE"]).resolve()


def test_a_fresh_module_first(student):
    student.STORE.append("first")
    assert student.STORE == ["first"]


def test_a_fresh_module_second(student):
    student.STORE.append("second")
    assert student.STORE == ["second"]


def test_each_load_is_a_new_copy_named_after_the_item(load_student):
    first, second = load_student(), load_student()
    assert first is not second and first.app is not second.app
    assert first.__name__ == "demo01_fixtures"


def test_the_client_runs_the_lifespan(client):
    assert client.get("/started").json() == {"started": True}


def test_an_exit_in_a_route_fails_only_that_request(client):
    with pytest.raises(StudentAbort) as raised:
        client.get("/exit")
    assert str(raised.value) == os.environ["EXIT_MESSAGE"]
    assert client.get("/started").status_code == 200


def test_every_request_runs_the_integrity_check(client, monkeypatch):
    calls = []
    monkeypatch.setattr(integrity, "_checker", [lambda: calls.append(1)])
    client.get("/started")
    client.get("/missing")
    assert calls == [1, 1]
'''
BROKEN = {
    "missing.py": None,
    "syntax.py": "def broken(:\n    pass\n",
    "exits.py": "import sys\nsys.exit(1)\n",
    "raises.py": "from fastapi import FastAPI\napp = FastAPI()\nraise RuntimeError('no database')\n",
    "no_app.py": "application = None\n",
}
BROKEN_SUITE = '''import os
from pathlib import Path

import pytest


@pytest.fixture(params=sorted(os.environ["BROKEN"].split(",")))
def student_path(request):
    return Path(os.environ["BROKEN_DIR"]) / request.param


def test_loads(client):
    pass
'''


@pytest.fixture(scope="module")
def honest(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fixtures")
    student = folder / "mine.py"
    student.write_text(STUDENT, encoding="utf-8")
    message = f"your code called sys.exit(4) (mine.py, line {EXIT_LINE}); a web app must never exit"
    return run_suite(folder, {"conftest.py": CONFTEST, "test_demo01_fixtures.py": SUITE}, f"--student={student}",
                     env={"STUDENT_FILE": str(student), "EXIT_MESSAGE": message})


def test_every_fixture_does_what_the_suites_rely_on(honest):
    assert honest == dict.fromkeys(
        ["test_the_given_file_is_under_test", "test_a_fresh_module_first", "test_a_fresh_module_second",
         "test_each_load_is_a_new_copy_named_after_the_item", "test_the_client_runs_the_lifespan",
         "test_an_exit_in_a_route_fails_only_that_request", "test_every_request_runs_the_integrity_check"],
        ("passed", ""))


def test_a_student_file_that_does_not_load_fails_every_test_with_one_line(tmp_path):
    for name, source in BROKEN.items():
        if source is not None:
            (tmp_path / name).write_text(source, encoding="utf-8")
    suite = tmp_path / "suite"
    suite.mkdir()
    outcomes = run_suite(suite, {"conftest.py": CONFTEST, "test_demo01_fixtures.py": BROKEN_SUITE},
                         env={"BROKEN": ",".join(BROKEN), "BROKEN_DIR": str(tmp_path)})
    assert outcomes == {
        "test_loads[exits.py]": ("setup failed", "your code called sys.exit(1) (exits.py, line 2); a web app must "
                                                 "never exit"),
        "test_loads[missing.py]": ("setup failed", "missing.py was not found"),
        "test_loads[no_app.py]": ("setup failed", "your module defines no `app` (expected `app = FastAPI()` at top "
                                                  "level)"),
        "test_loads[raises.py]": ("setup failed", "RuntimeError: no database (raises.py, line 3)"),
        "test_loads[syntax.py]": ("setup failed", "SyntaxError: invalid syntax (syntax.py, line 1)"),
    }


def test_without_student_the_suite_runs_against_the_items_solution(tmp_path):
    suite = ("from autograder.paths import SOLUTIONS\n\n\n"
             "def test_default(student_path, student):\n"
             "    assert student_path == SOLUTIONS / 'async01_why_async.py'\n"
             "    assert student.__name__ == 'async01_why_async' and hasattr(student, 'app')\n")
    outcomes = run_suite(tmp_path, {"conftest.py": CONFTEST, "test_async01_why_async.py": suite})
    assert outcomes == {"test_default": ("passed", "")}
    assert (SOLUTIONS / "async01_why_async.py").is_file()


def test_the_markers_are_registered(tmp_path):
    """--strict-markers: a suite's points and task marks are known names, and a typo is not."""
    suite = ("import pytest\n\n\n@pytest.mark.points(1)\n@pytest.mark.task(2)\ndef test_marked():\n    pass\n\n\n"
             "@pytest.mark.pionts(1)\ndef test_typo():\n    pass\n")
    outcomes = run_suite(tmp_path, {"conftest.py": CONFTEST, "test_marks.py": suite})
    assert outcomes == {"collecting test_marks.py": ("failed", "'pionts' not found in `markers` configuration option")}
    marked_only = suite.split("\n\n\n@pytest.mark.pionts")[0]
    outcomes = run_suite(tmp_path, {"conftest.py": CONFTEST, "test_marks.py": marked_only})
    assert outcomes == {"test_marked": ("passed", "")}
