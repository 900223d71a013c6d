"""Gradescope and GitHub Classroom: the generated files, validated."""

from __future__ import annotations

import base64
import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml
from typer.testing import CliRunner

from autograder.cli import app
from autograder.paths import EXERCISES, SAMPLES, SOLUTIONS
from tests.conftest import COURSE

ITEM = "async01_why_async"
runner = CliRunner()


def check_gradescope_results(data: dict) -> None:
    """The fields Gradescope reads, with their types (its documented format)."""
    assert isinstance(data["score"], (int, float))
    assert isinstance(data["tests"], list)
    for test in data["tests"]:
        assert isinstance(test["name"], str) and test["name"]
        assert isinstance(test["score"], (int, float)) and isinstance(test["max_score"], (int, float))
        assert 0 <= test["score"] <= test["max_score"]
        assert test["visibility"] in {"hidden", "after_due_date", "after_published", "visible"}
        assert isinstance(test.get("output", ""), str)
    assert abs(sum(t["score"] for t in data["tests"]) - data["score"]) < 1e-9


def gradescope(tmp_path: Path, submission: dict[str, Path], *options: str) -> tuple[dict, list[str], str]:
    """Export with ``options`` and grade one submission as Gradescope does: the zip
    unpacked in ``/autograder/source``, the student's ``files`` (name: file to copy) in
    ``/autograder/submission``, ``run_autograder`` writing ``/autograder/results`` (all
    under ``tmp_path``). Returns results.json, the zip's names and what the export said."""
    out = tmp_path / "gradescope.zip"
    result = runner.invoke(app, ["export", "gradescope", str(out), *options])
    assert result.exit_code == 0, result.output
    root = tmp_path / "autograder"
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        archive.extractall(root / "source")
        mode = archive.getinfo("run_autograder").external_attr >> 16
    assert mode & stat.S_IXUSR
    (root / "submission").mkdir()
    for name, file in submission.items():
        shutil.copyfile(file, root / "submission" / name)
    # The grader is the zip's own package, as setup.sh installs it (dependencies from here);
    # it names the file it runs from in the log.
    workbook = tmp_path / "workbook"
    workbook.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} -c 'import sys, autograder.cli as cli; "
                        "print(\"grader:\", cli.__file__, file=sys.stderr); cli.main()' \"$@\"\n")
    workbook.chmod(0o755)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "WORKBOOK_COMMAND": str(workbook),
           "PYTHONPATH": str(root / "source")}
    # Gradescope runs it in /autograder: the gradebook store it keeps stays in there.
    subprocess.run(["bash", str(root / "source" / "run_autograder")], check=True, env=env, timeout=600, cwd=root)
    log = (root / "results" / "log.txt").read_text()
    assert f"grader: {root / 'source' / 'autograder' / 'cli.py'}\n" in log, log
    data = json.loads((root / "results" / "results.json").read_text())
    check_gradescope_results(data)
    return data, names, result.output


def test_run_autograder_in_a_fake_autograder_tree(tmp_path):
    bob = {path.name: path for path in (SAMPLES / "bob").iterdir()}
    data, names, _ = gradescope(tmp_path, bob)
    assert {"setup.sh", "run_autograder", "pyproject.toml", "autograder/course/course.toml"} <= set(names)
    assert any(n.startswith("autograder/course/suites/hidden/") for n in names)
    by_name = {t["name"]: t for t in data["tests"]}
    concurrency = next(t for name, t in by_name.items() if name.startswith(ITEM) and "in flight" in name)
    assert concurrency["score"] == 0 and concurrency["visibility"] == "after_published"
    missing = [t for t in data["tests"] if t["output"].startswith("missing")]
    assert len(missing) == len(COURSE.items) - 1  # bob submitted one item
    assert data["score"] == 6


# The smallest section: one week's assignment, graded on its own.
SECTION = "paths"
WEEK = [item for item in COURSE.items if item.section == SECTION]
POINTS = sum(item.points for item in WEEK)


def test_a_sections_assignment_is_out_of_its_own_points(tmp_path):
    """The reference solutions get full marks out of the section's points; a file of
    another section, submitted too, is not graded, and no other item shows as failed."""
    answers = {item.filename: SOLUTIONS / item.filename for item in WEEK}
    data, names, said = gradescope(tmp_path, {**answers, f"{ITEM}.py": SOLUTIONS / f"{ITEM}.py"},
                                   "--section", SECTION)
    assert f"grading {len(WEEK)} item(s) for {POINTS} points" in said
    assert any(n.startswith("autograder/course/suites/hidden/") for n in names)
    assert data["score"] == POINTS == sum(t["max_score"] for t in data["tests"])
    assert data["output"].splitlines()[0] == f"{POINTS:g}/{POINTS:g} points"
    assert all(t["status"] == "passed" for t in data["tests"])
    graded = {t["name"].split(" ")[0].removesuffix(":") for t in data["tests"]}
    assert graded == {item.id for item in WEEK}


def test_a_wrong_file_costs_its_item_only(tmp_path):
    """One item handed in as its unfinished stub: the assignment scores the others."""
    wrong, *right = WEEK
    files = {item.filename: SOLUTIONS / item.filename for item in right}
    data, _, _ = gradescope(tmp_path, {**files, wrong.filename: EXERCISES / wrong.filename}, "--items",
                         ",".join(item.id for item in WEEK))
    assert data["score"] == POINTS - wrong.points
    assert data["output"].splitlines()[0] == f"{POINTS - wrong.points:g}/{POINTS:g} points"
    assert sum(t["max_score"] for t in data["tests"]) == POINTS
    failed = {t["name"].split(" ")[0].removesuffix(":") for t in data["tests"] if t["status"] == "failed"}
    assert failed == {wrong.id}
    assert {t["name"].split(" ")[0].removesuffix(":") for t in data["tests"]} == {item.id for item in WEEK}


def test_run_autograder_reports_a_broken_grader_visibly(tmp_path):
    root = tmp_path / "autograder"
    (root / "source").mkdir(parents=True)
    out = tmp_path / "gradescope.zip"
    runner.invoke(app, ["export", "gradescope", str(out)])
    with zipfile.ZipFile(out) as archive:
        archive.extract("run_autograder", root / "source")
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "WORKBOOK_COMMAND": "/bin/false"}
    subprocess.run(["bash", str(root / "source" / "run_autograder")], check=True, env=env)
    data = json.loads((root / "results" / "results.json").read_text())
    assert data["score"] == 0 and "could not run" in data["output"]


def test_github_classroom_workflow(tmp_path):
    result = runner.invoke(app, ["export", "github-classroom", str(tmp_path), "--grader", "git+https://example.invalid/g.git",
                                 "--items", ITEM])
    assert result.exit_code == 0, result.output
    workflow = yaml.safe_load((tmp_path / ".github" / "workflows" / "classroom.yml").read_text())
    assert workflow["name"] == "Autograding Tests" and "push" in workflow["on"]
    assert workflow["permissions"]["checks"] == "write"
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    grade = next(s for s in steps if s.get("id") == "workbook")
    assert f"--items {ITEM}" in grade["run"] and "$GITHUB_OUTPUT" in grade["run"]
    reporter = steps[-1]
    assert reporter["uses"].startswith("classroom-resources/autograding-grading-reporter@")
    runners = reporter["with"]["runners"].split(",")
    for name in runners:  # the reporter reads <RUNNER>_RESULTS for each runner
        assert reporter["env"][f"{name.upper()}_RESULTS"] == f"${{{{ steps.{name}.outputs.result }}}}"


def test_github_classroom_assignment_grades_its_items_for_their_points(tmp_path, monkeypatch):
    """--section and --items add up, in course order; the workflow's own grade command,
    run in the template repository, reports the points out of the assignment's total."""
    repo = tmp_path / "repo"
    (repo / "exercises").mkdir(parents=True)
    for item in [*WEEK, COURSE.item(ITEM)]:  # a file of an item the assignment leaves out, too
        shutil.copyfile(SOLUTIONS / item.filename, repo / "exercises" / item.filename)
    extra = next(i for i in COURSE.items if i.section not in (SECTION, COURSE.item(ITEM).section))
    result = runner.invoke(app, ["export", "github-classroom", str(repo), "--grader", "x", "--items", extra.id,
                                 "--section", SECTION])
    assert result.exit_code == 0, result.output
    assert f"grading {len(WEEK) + 1} item(s) for {POINTS + extra.points} points" in result.output
    workflow = yaml.safe_load((repo / ".github" / "workflows" / "classroom.yml").read_text())
    grade = next(s for s in workflow["jobs"]["run-autograding-tests"]["steps"] if s.get("id") == "workbook")
    command = shlex.split(grade["run"].splitlines()[0])
    ids = [i.id for i in COURSE.items if i.section == SECTION or i.id == extra.id]
    assert command == ["workbook", "grade", "exercises", "--items", ",".join(ids), "--github-classroom", "payload.b64"]
    monkeypatch.chdir(repo)
    result = runner.invoke(app, command[1:])
    assert result.exit_code == 0, result.output
    payload = json.loads(base64.b64decode((repo / "payload.b64").read_text()))
    assert payload["max_score"] == POINTS + extra.points
    assert sum(t["score"] for t in payload["tests"]) == POINTS  # the extra item was not handed in
    assert {t["name"].split(":")[0] for t in payload["tests"]} == set(ids)


def test_items_and_sections_are_repeatable_and_add_up(tmp_path):
    result = runner.invoke(app, ["export", "github-classroom", str(tmp_path), "--grader", "x",
                                 "--section", "auth", "--items", f"{ITEM},paths02_param_sources", "--section", SECTION,
                                 "--items", "async02_async_vs_def"])
    assert result.exit_code == 0, result.output
    workflow = (tmp_path / ".github" / "workflows" / "classroom.yml").read_text()
    ids = [i.id for i in COURSE.items
           if i.section in ("auth", SECTION) or i.id in (ITEM, "async02_async_vs_def")]
    assert f"--items {','.join(ids)} " in workflow


def test_classroom_payload_decodes_to_the_reporters_shape(tmp_path):
    out = tmp_path / "payload.b64"
    result = runner.invoke(app, ["grade", str(SAMPLES / "bob"), "--items", ITEM, "--github-classroom", str(out)])
    assert result.exit_code == 0, result.output
    payload = json.loads(base64.b64decode(out.read_text()))
    assert payload["version"] == 1 and payload["status"] == "fail" and payload["max_score"] == 10
    assert sum(t["score"] for t in payload["tests"]) == 6
    assert {t["status"] for t in payload["tests"]} <= {"pass", "fail", "error"}


def test_platform_outputs_need_one_submission(tmp_path):
    result = runner.invoke(app, ["grade", str(SAMPLES / "bob"), str(SAMPLES / "alice"), "--gradescope",
                                 str(tmp_path / "r.json")])
    assert result.exit_code == 2 and "exactly one submission" in result.output


def hostile_result():
    from autograder.results import ItemResult, SubmissionResult, TestResult

    test = TestResult("test_x", 0, 10, "failed", "=cmd|' /C calc'!A0\x1b]0;pwned\x07\nmore", description="d\x1b[2J")
    return SubmissionResult("=HYPERLINK(\"x\")\x1b[31m", [ItemResult.from_tests(ITEM, 10, [test])])


def test_gradescope_results_hold_no_control_character_and_the_isolation_line():
    from autograder.outputs.platforms import gradescope_results

    record = {"requested": "strict", "level": "full", "layers": {"landlock": "ABI 7", "seccomp": "processes refused"},
              "missing": {}}
    data = gradescope_results(COURSE, hostile_result(), record)
    check_gradescope_results(data)
    assert data["output"] == "0/10 points\nisolation: full (landlock ABI 7, seccomp; --isolation strict)"
    (test,) = data["tests"]
    assert test["output"] == "=cmd|' /C calc'!A0 more" and test["name"] == f"{ITEM} · d"
    assert gradescope_results(COURSE, hostile_result())["output"] == "0/10 points"  # no record: no line


def test_classroom_payload_holds_no_control_character():
    from autograder.outputs.platforms import classroom_payload

    payload = json.loads(base64.b64decode(classroom_payload(hostile_result())))
    assert [(t["name"], t["message"]) for t in payload["tests"]] == [(f"{ITEM}: d", "=cmd|' /C calc'!A0 more")]
