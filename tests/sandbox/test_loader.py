"""Loading a student's file as a fresh module: a copy per test, one readable line when it fails."""

from __future__ import annotations

import sys

import pytest

from autograder.sandbox import loader
from autograder.sandbox.loader import StudentImportError

NAME = "workbook_loader_case"  # the module name every case here is loaded under


@pytest.fixture(autouse=True)
def no_leftover_module():
    """Each case starts and ends without a module of that name."""
    sys.modules.pop(NAME, None)
    yield
    sys.modules.pop(NAME, None)


def write(tmp_path, source: str, filename: str = f"{NAME}.py"):
    path = tmp_path / filename
    path.write_text(source, encoding="utf-8")
    return path


def test_every_load_is_a_fresh_module_with_its_own_state(tmp_path):
    path = write(tmp_path, "store = []\n\ndef add(x):\n    store.append(x)\n    return len(store)\n")
    first = loader.load(path)
    assert first.add("a") == 1 and first.add("b") == 2
    second = loader.load(path)
    assert second is not first
    assert second.add("c") == 1  # nothing of the first copy's list leaked into the second
    assert first.store == ["a", "b"]


def test_the_module_is_named_after_the_file_unless_told(tmp_path):
    path = write(tmp_path, "x = 1\n")
    assert loader.load(path).__name__ == NAME
    assert loader.load(path, "other_name_for_it").__name__ == "other_name_for_it"
    sys.modules.pop("other_name_for_it")
    assert loader.load(str(path)).__file__ == str(path)  # a str path is accepted too


def test_the_module_is_registered_while_it_runs(tmp_path):
    """pydantic and dataclasses look the module's annotations up in sys.modules."""
    path = write(tmp_path, (
        "from __future__ import annotations\n"
        "import sys\n"
        "from dataclasses import dataclass\n"
        "from pydantic import BaseModel\n"
        "seen_while_running = sys.modules[__name__]\n"
        "class Tag(BaseModel):\n    name: str\n"
        "class Book(BaseModel):\n    tags: list[Tag]\n"
        "@dataclass\nclass Shelf:\n    books: list[Book]\n"))
    module = loader.load(path)
    assert module.seen_while_running is module
    assert sys.modules[NAME] is module
    assert module.Book(tags=[{"name": "async"}]).tags[0].name == "async"


def test_a_missing_file_is_one_line(tmp_path):
    with pytest.raises(StudentImportError) as raised:
        loader.load(tmp_path / "absent.py")
    assert raised.value.message == str(raised.value) == "absent.py was not found"
    assert raised.value.original is None


def test_a_folder_is_not_a_file(tmp_path):
    (tmp_path / "package.py").mkdir()
    with pytest.raises(StudentImportError, match=r"^package\.py was not found$"):
        loader.load(tmp_path / "package.py")


@pytest.mark.parametrize(("source", "message"), [
    ("x = 1\nvalue = 1 / 0\n", f"ZeroDivisionError: division by zero ({NAME}.py, line 2)"),
    ("def broken(:\n    pass\n", f"SyntaxError: invalid syntax ({NAME}.py, line 1)"),
    ("import no_such_module_anywhere\n",
     f"ModuleNotFoundError: No module named 'no_such_module_anywhere' ({NAME}.py, line 1)"),
    ("import sys\nsys.exit(3)\n", f"your code called sys.exit(3) ({NAME}.py, line 2); a web app must never exit"),
])
def test_an_exception_at_import_is_one_line_naming_the_students_line(tmp_path, source, message):
    path = write(tmp_path, source)
    with pytest.raises(StudentImportError) as raised:
        loader.load(path)
    assert raised.value.message == message
    assert isinstance(raised.value.original, (Exception, SystemExit))
    # Raised from None: a traceback of the grader's own frames is never chained to it.
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


def test_a_keyboard_interrupt_at_import_is_caught_too(tmp_path):
    path = write(tmp_path, "raise KeyboardInterrupt\n")
    with pytest.raises(StudentImportError) as raised:
        loader.load(path)
    assert raised.value.message == f"importing {NAME}.py raised KeyboardInterrupt"
    assert isinstance(raised.value.original, KeyboardInterrupt)


def test_a_failed_import_leaves_no_half_made_module(tmp_path):
    with pytest.raises(StudentImportError):
        loader.load(write(tmp_path, "partial = True\nraise RuntimeError('no')\n"))
    assert NAME not in sys.modules


def test_a_failed_import_puts_the_previous_module_back(tmp_path):
    good = loader.load(write(tmp_path, "version = 1\n"))
    with pytest.raises(StudentImportError, match=r"^RuntimeError: second copy"):
        loader.load(write(tmp_path, "version = 2\nraise RuntimeError('second copy')\n"))
    assert sys.modules[NAME] is good
