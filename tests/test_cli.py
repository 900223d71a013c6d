"""The ``workbook`` command as a user meets it: output, exit codes, one-line errors."""

from __future__ import annotations

import csv
import dataclasses
import html
import json
import os
import zipfile

import pytest
import typer
from typer.testing import CliRunner

from autograder.cli import app
from autograder.paths import SOLUTIONS
from tests.conftest import COURSE
from tests.support.timing import promptly

runner = CliRunner()
ITEM = "async01_why_async"


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


def assert_one_line_error(result, fragment: str) -> None:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.output
    assert fragment in lines[0]
    assert "Traceback" not in result.output


def test_list_json_follows_the_manifest():
    rows = json.loads(invoke("list", "--json").output)
    assert [r["id"] for r in rows] == [i.id for i in COURSE.items]
    assert set(rows[0]) == {"id", "title", "section", "points", "source"}


def test_list_shows_an_item_beyond_the_sources(monkeypatch):
    from autograder import manifest

    beyond = dataclasses.replace(COURSE.items[0], source=manifest.Source(manifest.BEYOND, "Structured logging"))
    monkeypatch.setattr(manifest, "load", lambda *args: dataclasses.replace(COURSE, items=(beyond, *COURSE.items[1:])))
    rows = json.loads(invoke("list", "--json").output)
    assert rows[0]["source"] == "beyond the sources: Structured logging"


def test_hint_for_a_task_that_does_not_exist():
    assert_one_line_error(invoke("hint", ITEM, "--task", "9"), "has no task 9")


def test_hint_then_the_next_level_of_the_first_unfinished_task():
    first = invoke("hint", ITEM).output.splitlines()
    item = COURSE.item(ITEM)
    assert first[0] == f"hint 1/{len(item.levels(1))} for task 1: {item.levels(1)[0]}"
    assert len(invoke("hint", ITEM, "--all").output.splitlines()) == sum(len(h) for h in item.hints)


def test_list_table():
    result = invoke("list")
    assert result.exit_code == 0 and ITEM in result.output


def test_check_passes_on_the_solution():
    result = invoke("check", ITEM, "--path", SOLUTIONS)
    assert result.exit_code == 0, result.output
    from autograder.paths import suite_file
    from autograder.sandbox import engine

    assert result.output.count("✓") == len(engine._test_names(suite_file(ITEM, "public"))) and "✗" not in result.output


def test_check_fails_on_the_stub_with_hints():
    result = invoke("check", ITEM)
    assert result.exit_code == 1
    assert "hint:" in result.output and "NotImplementedError" in result.output


def test_check_on_a_file_that_is_not_python(tmp_path):
    (tmp_path / f"{ITEM}.py").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = invoke("check", ITEM, "--path", tmp_path)
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output


@pytest.mark.parametrize(("args", "fragment"), [
    (("check", "nope01_nothing"), "unknown item 'nope01_nothing'"),
    (("check", ITEM, "--path", "/no/such/folder"), "no such folder"),
    (("grade", "/no/such/submission"), "no such file or folder"),
    (("grade", SOLUTIONS, "--items", "async01_why_async,nope"), "unknown item 'nope'"),
    (("grade", SOLUTIONS, "--json", "/no/such/dir/out.json"), "cannot write"),
    (("server", "--database", "postgresql+asyncpg://nobody@127.0.0.1:1/x"),
     "cannot use database postgresql+asyncpg://nobody@127.0.0.1:1/x: "),
    (("server", "--database", "not a url"), "cannot use database (an unparsable URL)"),
    (("submit", "nope01_nothing"), "unknown item 'nope01_nothing'"),
])
def test_bad_arguments_give_one_line(args, fragment):
    assert_one_line_error(invoke(*args), fragment)


def test_empty_folder(tmp_path):
    assert_one_line_error(invoke("grade", tmp_path), "holds no exercise file")


def test_zip_that_is_not_a_zip(tmp_path):
    fake = tmp_path / "carol.zip"
    fake.write_text("not a zip")
    assert_one_line_error(invoke("grade", fake), "not a valid zip")


def test_zip_entry_that_escapes(tmp_path):
    archive = tmp_path / "dave.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(f"{ITEM}.py", "x = 1")
        z.writestr("../../outside.py", "x = 1")
    assert_one_line_error(invoke("grade", archive), "escapes its folder")


def test_grade_writes_json_and_csv(tmp_path):
    (tmp_path / "stub").mkdir()
    (tmp_path / "stub" / f"{ITEM}.py").write_text("raise SyntaxError('x')\n")
    out_json, out_csv = tmp_path / "r.json", tmp_path / "r.csv"
    result = invoke("grade", SOLUTIONS, tmp_path / "stub", "--items", ITEM, "--json", out_json, "--csv", out_csv,
                    "--db", tmp_path / "gradebook.sqlite")
    assert result.exit_code == 0, result.output
    data = json.loads(out_json.read_text())
    assert data["version"] == 1
    scores = {s["submission"]: (s["score"], s["items"][0]["status"]) for s in data["submissions"]}
    assert scores == {"solutions": (10, "graded"), "stub": (0, "import_error")}
    rows = list(csv.reader(out_csv.read_text().splitlines()))
    assert rows == [["submission", ITEM, "total", "max_score", "flags"], ["solutions", "10", "10", "10", ""],
                    ["stub", "0", "0", "10", ""]]


# --- names, paths and hints are text, never Rich markup -------------------------------------

def _zip(path, entries: dict[str, str]):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def test_every_bad_archive_gives_one_line(tmp_path):
    """Names with markup brackets, escape sequences or line breaks: one plain line, exit 2."""
    marked = _zip(tmp_path / "[bold]m.zip", {f"{ITEM}.py": "x = 1", "[/bold]/../../x.py": "x"})
    assert_one_line_error(invoke("grade", marked), f"{marked}: entry '[/bold]/../../x.py' escapes its folder")
    closing_tag = tmp_path / "carol[" / "x].zip"  # ".../carol[/x].zip": a closing tag with no opening one
    closing_tag.parent.mkdir()
    closing_tag.write_text("not a zip")
    assert_one_line_error(invoke("grade", closing_tag), f"{closing_tag} is not a valid zip file")
    escaped = tmp_path / "ev\x1b]0;pwned\x07il\nname.zip"
    escaped.write_text("not a zip")
    result = invoke("grade", escaped)
    assert_one_line_error(result, f"{tmp_path}/evil name.zip is not a valid zip file")
    assert "\x1b" not in result.output and "pwned" not in result.output
    assert_one_line_error(invoke("grade", "[link=mailto:eve]x[/link]"),
                          "no such file or folder: [link=mailto:eve]x[/link]")
    text = tmp_path / "[red]notes.txt"
    text.write_text("x")
    assert_one_line_error(invoke("grade", text), f"{text} is neither a folder nor a .zip")
    (tmp_path / "[i]").mkdir()
    twin = _zip(tmp_path / "[i]" / "solutions.zip", {f"{ITEM}.py": "x = 1"})
    assert_one_line_error(invoke("grade", SOLUTIONS, twin, "--items", ITEM, "--db", tmp_path / "g.sqlite"),
                          f"{SOLUTIONS} and {twin} are both named 'solutions'")


# --- help that reads like any CLI's -----------------------------------------------------------

OWN_COMMANDS = sorted(set(typer.main.get_command(app).commands) - {"export"})
COMMANDS = [[], *([c] for c in OWN_COMMANDS), ["export"], ["export", "gradescope"], ["export", "github-classroom"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "workbook")
def test_help_shows_no_type_after_a_flag_and_no_braces_in_usage(command):
    result = invoke(*command, "--help")
    assert result.exit_code == 0, result.output
    assert "<bool>" not in result.output  # was `--help <bool>`, `--all <bool>`...
    usage = next(line for line in result.output.splitlines() if "Usage:" in line)
    assert "{" not in usage and "}" not in usage, usage


@pytest.mark.parametrize(("command", "usage"), [("grade", "grade [OPTIONS] SUBMISSION..."),
                                                ("hint", "hint [OPTIONS] ITEM"),
                                                ("audit", "audit [OPTIONS] [ITEM]..."),
                                                ("", "[OPTIONS] COMMAND [ARGS]...")])
def test_usage_lines(command, usage):
    output = invoke(*([command] if command else []), "--help").output
    assert next(line for line in output.splitlines() if "Usage:" in line).rstrip().endswith(usage), output


def test_a_missing_argument_is_named_by_its_metavar():
    result = runner.invoke(app, ["grade"])
    assert result.exit_code == 2 and "SUBMISSION..." in result.output and "'SUBMISSION'" in result.output


def test_an_unknown_item_with_markup_is_one_line():
    assert_one_line_error(invoke("check", "[/x]"), "unknown item '[/x]'")


def _failing_report(item, monkeypatch):
    """A check report in which every task fails, so that each task's hint is printed."""
    from autograder import results
    from autograder.student import check

    tests = [results.TestResult(f"test_{n}", 0, 1, "failed", "no", task=n, description=f"task {n}")
             for n in range(1, len(item.hints) + 1)]
    report = check.CheckReport(item, SOLUTIONS / item.filename,
                               results.ItemResult.from_tests(item.id, len(tests), tests))
    monkeypatch.setattr(check, "run_checks", lambda item_id, folder=None, limits=None: report)
    return report


@pytest.mark.parametrize("item", [i for i in COURSE.items if i.hints], ids=lambda i: i.id)
def test_every_hint_prints_exactly(item, monkeypatch):
    """The hints are shown as written (18 of them hold brackets that Rich markup would eat)."""
    shown = invoke("hint", item.id, "--all").output.splitlines()
    assert shown == [f"task {n}, hint {level}/{len(item.levels(n))}: {text}"
                     for n in range(1, item.tasks + 1) for level, text in enumerate(item.levels(n), start=1)]
    first = invoke("hint", item.id, "--task", "1").output.splitlines()[0]
    assert first == f"hint 1/{len(item.levels(1))} for task 1: {item.levels(1)[0]}"
    report = _failing_report(item, monkeypatch)
    result = invoke("check", item.id)
    assert result.exit_code == 1
    assert [line[len("    hint: "):] for line in result.output.splitlines() if line.startswith("    hint: ")] \
        == [item.hint(n) for n in range(1, len(item.hints) + 1)]
    table = report._repr_html_()  # the table a notebook shows
    assert all(f"hint: {html.escape(item.hint(n))}" in table for n in range(1, len(item.hints) + 1))


def test_a_check_message_is_printed_as_written(monkeypatch):
    """A student's exception text reaches the terminal as text: no markup, no escape sequence."""
    from autograder import results
    from autograder.student import check

    item = COURSE.item(ITEM)
    test = results.TestResult("test_1", 0, 1, "failed", "ValueError: [/bold] \x1b]0;pwned\x07[link=mailto:eve]x[/link]",
                              task=1, description="answers")
    report = check.CheckReport(item, SOLUTIONS / item.filename, results.ItemResult.from_tests(ITEM, 1, [test]))
    monkeypatch.setattr(check, "run_checks", lambda item_id, folder=None, limits=None: report)
    result = invoke("check", ITEM)
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == "✗ task 1 · answers (1 pt): ValueError: [/bold] [link=mailto:eve]x[/link]"


def test_the_hints_rich_would_mangle_are_counted():
    """The test above is the evidence for these: as markup, they print differently (36 hint
    levels today, `Annotated[int, Query()]` and the like)."""
    from rich.text import Text

    levels = [text for i in COURSE.items for n in range(1, i.tasks + 1) for text in i.levels(n)]
    assert sum(Text.from_markup(text).plain != text for text in levels) > 0


# --- export paths that are no regular file --------------------------------------------------

@pytest.mark.parametrize("option", ["--json", "--csv", "--html", "--gradescope", "--github-classroom"])
def test_grade_refuses_a_fifo_output_before_grading(tmp_path, option):
    fifo = tmp_path / "out"
    os.mkfifo(fifo)
    result = promptly(lambda: invoke("grade", SOLUTIONS, "--items", ITEM, option, fifo, "--db", tmp_path / "g.sqlite"))
    assert_one_line_error(result["value"], f"cannot write {fifo}: it is a FIFO (named pipe), not a regular file")
    assert not (tmp_path / "g.sqlite").exists()  # refused before any submission was opened


def test_grade_refuses_a_folder_or_a_device_output(tmp_path):
    assert_one_line_error(invoke("grade", SOLUTIONS, "--csv", tmp_path),
                          f"cannot write {tmp_path}: it is a folder, not a regular file")
    assert_one_line_error(invoke("grade", SOLUTIONS, "--html", "/dev/null"),
                          "cannot write /dev/null: it is a character device, not a regular file")
    (tmp_path / "link.json").symlink_to(tmp_path)
    assert_one_line_error(invoke("grade", SOLUTIONS, "--json", tmp_path / "link.json"),
                          f"cannot write {tmp_path / 'link.json'}: it is a folder, not a regular file")


def test_release_and_exports_refuse_a_fifo(tmp_path):
    fifo = tmp_path / "out.zip"
    os.mkfifo(fifo)
    message = f"cannot write {fifo}: it is a FIFO (named pipe), not a regular file"
    assert_one_line_error(promptly(lambda: invoke("release", fifo))["value"], message)
    assert_one_line_error(promptly(lambda: invoke("export", "gradescope", fifo))["value"], message)
    workflow = tmp_path / "repo" / ".github" / "workflows" / "classroom.yml"
    workflow.parent.mkdir(parents=True)
    os.mkfifo(workflow)
    result = promptly(lambda: invoke("export", "github-classroom", tmp_path / "repo", "--grader", "x"))["value"]
    assert_one_line_error(result, f"cannot write {workflow}: it is a FIFO (named pipe), not a regular file")


@pytest.mark.parametrize("command", [("release", "x.zip"), ("export", "gradescope", "x.zip"),
                                     ("export", "github-classroom", ".", "--grader", "x")], ids=" ".join)
def test_an_assignment_of_an_unknown_item_or_section(command):
    known = ", ".join(s.id for s in COURSE.sections)
    assert_one_line_error(invoke(*command, "--section", "week9"), f"unknown section 'week9' (sections: {known})")
    assert_one_line_error(invoke(*command, "--section", "paths", "--items", f"{ITEM},nope"), "unknown item 'nope'")
    assert not os.listdir(".")  # nothing written


# --- the isolation record -------------------------------------------------------------------

RECORD = {"requested": "strict", "level": "full", "layers": {"landlock": "ABI 7", "seccomp": "processes refused"},
          "missing": {}}
LINE = "isolation: full (landlock ABI 7, seccomp; --isolation strict)"


@pytest.fixture
def quick_engine(monkeypatch):
    """Full marks at once for any file: these tests are about what is written, not grading."""
    from autograder import results
    from autograder.sandbox import engine

    def grade_item(item, student_file, kind="hidden", limits=None):
        test = results.TestResult("test_x", item.points, item.points, "passed")
        return results.ItemResult.from_tests(item.id, item.points, [test])

    monkeypatch.setattr(engine, "grade_item", grade_item)


@pytest.mark.parametrize("record", [RECORD, None])
def test_grade_carries_the_isolation_record(tmp_path, monkeypatch, quick_engine, record):
    from autograder import cli

    monkeypatch.setattr(cli, "_sandbox_record", lambda level: record)
    outs = {name: tmp_path / name for name in ("r.json", "r.html", "gs.json")}
    result = invoke("grade", SOLUTIONS, "--items", ITEM, "--db", tmp_path / "g.sqlite", "--json", outs["r.json"],
                    "--html", outs["r.html"], "--gradescope", outs["gs.json"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    data = json.loads(outs["r.json"].read_text())
    gradescope = json.loads(outs["gs.json"].read_text())
    if record is None:
        assert "isolation" not in result.output and set(data) == {"version", "submissions"}
        assert gradescope["output"] == "10/10 points" and "isolation" not in outs["r.html"].read_text()
        return
    table_end = max(n for n, line in enumerate(lines) if line.startswith("└"))
    assert lines[table_end + 1] == LINE  # the line right after the table
    assert data["isolation"] == RECORD and data["version"] == 1
    assert gradescope["output"] == f"10/10 points\n{LINE}"
    assert f'<p class="meta" id="isolation">{LINE}</p>' in outs["r.html"].read_text()


def test_submit_and_login_failures_are_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBOOK_LOGIN", str(tmp_path / "login.json"))
    (tmp_path / f"{ITEM}.py").write_text("x = 1\n")
    result = runner.invoke(app, ["submit", ITEM, "--path", str(tmp_path)])
    assert result.exit_code == 1 and result.output == "error: not signed in: run `workbook login SERVER` first\n"
    result = runner.invoke(app, ["login", "http://127.0.0.1:9", "--token", "abc"])
    assert result.exit_code == 1
    assert result.output == "error: the grading service at http://127.0.0.1:9 did not answer (ConnectError)\n"
