"""The ``workbook`` command as a user meets it: output, exit codes, one-line errors."""

from __future__ import annotations

import csv
import dataclasses
import json
import zipfile

import pytest
from typer.testing import CliRunner

from autograder.cli import app
from autograder.paths import SOLUTIONS
from tests.conftest import COURSE

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
    assert result.output.count("✓") == 2


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
