"""One readable line from any exception."""

from __future__ import annotations

from autograder.sandbox import messages


def raise_in(path, code: str) -> BaseException:
    path.write_text(code)
    try:
        exec(compile(code, str(path), "exec"), {})
    except BaseException as exc:  # noqa: BLE001
        return exc
    raise AssertionError("no exception")


def test_describe_names_the_students_line(tmp_path):
    student = tmp_path / "mine.py"
    exc = raise_in(student, "x = 1\ny = {}['missing']\n")
    assert messages.describe(exc, student) == "KeyError: 'missing' (mine.py, line 2)"


def test_syntax_error(tmp_path):
    student = tmp_path / "mine.py"
    exc = raise_in(student, "def f(:\n")
    assert messages.describe(exc, student).startswith("SyntaxError: ")
    assert messages.describe(exc, student).endswith("(mine.py, line 1)")


def test_sys_exit(tmp_path):
    student = tmp_path / "mine.py"
    exc = raise_in(student, "import sys\nsys.exit(2)\n")
    assert messages.describe(exc, student) == (
        "your code called sys.exit(2) (mine.py, line 2); a web app must never exit")


def test_failure_keeps_only_the_checks_sentence():
    exc = AssertionError("GET /x answered 200; expected 404\nassert 200 == 404\n +  where ...")
    assert messages.failure(exc) == "GET /x answered 200; expected 404"


def test_long_messages_are_cut():
    assert len(messages.shorten("x" * 1000)) == messages.MAX_LENGTH


def test_a_coroutine_where_a_value_belongs_points_at_the_missing_await():
    exc = TypeError("Unable to serialize unknown type: <class 'coroutine'>")
    assert "is an `await` missing?" in messages.describe(exc)
