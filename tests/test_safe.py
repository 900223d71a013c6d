"""What the grader hands over: text that fools no terminal or spreadsheet, paths that cannot block."""

from __future__ import annotations

import os

import pytest

from autograder import results as model
from autograder.results import ItemResult, SubmissionResult
from autograder.safe import (
    OutputError,
    check_output,
    clean,
    csv_cell,
    isolation_line,
    open_output,
    plain,
    scrub,
    write_output,
)
from tests.support.timing import promptly


@pytest.mark.parametrize(("raw", "shown"), [
    ("\x1b[31mred\x1b[0m", "red"),  # colours
    ("\x1b[2J\x1b[Halice", "alice"),  # clear the screen, cursor home
    ("\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\", "click"),  # OSC 8 hyperlink
    ("\x1b]0;pwned\x07bob", "bob"),  # window title
    ("\x1b]0;unterminated", ""),
    ("\x9b2Jcarol", "carol"),  # the one-byte C1 CSI
    ("dave\x1b", "dave"),  # a lone ESC
    ("a\x00b\x7fc\x08d", "abcd"),  # NUL, DEL, backspace
    ("one\ntwo\r\nthree\tfour", "one two three four"),  # one message stays one line
    ("abc\u202edcba", "abcdcba"),  # Trojan Source: right-to-left override
    ("name\udcff", "name\\udcff"),  # a file name that is not UTF-8 prints, it does not raise
    ("[link=https://evil.example]x[/link]", "[link=https://evil.example]x[/link]"),  # brackets are text
    ("élève ✓ ⚑ 10/10", "élève ✓ ⚑ 10/10"),
])
def test_clean(raw, shown):
    assert clean(raw) == shown


@pytest.mark.parametrize(("raw", "cell"), [
    ('=HYPERLINK("https://evil.example","x")', '\'=HYPERLINK("https://evil.example","x")'),
    ("+1+2", "'+1+2"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
    ("\t=1+1", "' =1+1"),
    ("\r=1+1", "' =1+1"),
    ("  =1+1", "'  =1+1"),
    ("\x1b[31m=1+1", "'=1+1"),  # the escape goes first, the formula is still caught
    ("alice", "alice"),
    ("10", "10"),
    ("a=b", "a=b"),
])
def test_csv_cell_is_never_a_formula(raw, cell):
    assert csv_cell(raw) == cell


def test_plain_is_never_markup():
    assert plain("[bold]x[/] [link=https://evil.example]y[/link]").plain == "[bold]x[/] [link=https://evil.example]y[/link]"
    assert plain("[/oops]").plain == "[/oops]"  # as markup, this would raise MarkupError


def test_isolation_line():
    record = {"requested": "strict", "level": "full", "layers": {"landlock": "ABI 7", "seccomp": "processes refused"},
              "missing": {}}
    assert isolation_line(record) == "isolation: full (landlock ABI 7, seccomp; --isolation strict)"
    partial = {"requested": "auto", "level": "partial", "layers": {"seccomp": "on"},
               "missing": {"landlock": "the kernel has none"}}
    assert isolation_line(partial) == (
        "isolation: partial (seccomp; --isolation auto); missing: landlock (the kernel has none)")
    assert isolation_line(None) == ""


def test_scrub_cleans_copies_and_leaves_the_results():
    test = model.TestResult("test_x", 0, 1, "failed", "bad\x1b[2J\nline", description="d\x07")
    original = [SubmissionResult("\x1b]0;t\x07eve", [ItemResult("a01", 0, 1, "graded", "m\x00", [test], ["f\x1b[1m"])])]
    (copy,) = scrub(original)
    assert copy.submission == "eve" and copy.items[0].message == "m" and copy.items[0].flags == ["f"]
    assert (copy.items[0].tests[0].message, copy.items[0].tests[0].description) == ("bad line", "d")
    assert original[0].submission == "\x1b]0;t\x07eve" and test.message == "bad\x1b[2J\nline"


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "out.json"
    os.mkfifo(path)
    return path


def test_check_output_refuses_what_is_not_a_regular_file(tmp_path, fifo):
    (tmp_path / "folder").mkdir()
    (tmp_path / "link").symlink_to(fifo)
    expected = {
        fifo: f"cannot write {fifo}: it is a FIFO (named pipe), not a regular file",
        tmp_path / "link": f"cannot write {tmp_path / 'link'}: it is a FIFO (named pipe), not a regular file",
        tmp_path / "folder": f"cannot write {tmp_path / 'folder'}: it is a folder, not a regular file",
        tmp_path / "no" / "x.json": f"cannot write {tmp_path / 'no' / 'x.json'}: no such folder {tmp_path / 'no'}",
    }
    if os.path.exists("/dev/null"):
        from pathlib import Path

        expected[Path("/dev/null")] = "cannot write /dev/null: it is a character device, not a regular file"
    for path, message in expected.items():
        with pytest.raises(OutputError) as caught:
            check_output(path)
        assert str(caught.value) == message
    check_output(tmp_path / "new.json")  # nothing there yet: fine
    (tmp_path / "old.json").write_text("x")
    check_output(tmp_path / "old.json")  # a regular file is overwritten
    check_output(None)


def test_writing_to_a_fifo_nobody_reads_fails_at_once(fifo):
    outcome = promptly(lambda: write_output(fifo, "{}"))
    assert isinstance(outcome.get("error"), OutputError)
    assert str(outcome["error"]) == f"cannot write {fifo}: No such device or address"


def test_writing_to_a_fifo_somebody_reads_is_refused(fifo):
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        outcome = promptly(lambda: write_output(fifo, "{}"))
        assert str(outcome["error"]) == f"cannot write {fifo}: it is a FIFO (named pipe), not a regular file"
        assert os.read(reader, 10) == b""  # not a byte reached the pipe
    finally:
        os.close(reader)


def test_open_output_truncates_a_regular_file(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("a much longer old content")
    write_output(target, "new")
    assert target.read_text() == "new"
    with open_output(target, binary=True) as stream:
        stream.write(b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
