"""Plugging into the platforms courses already grade on: Gradescope, GitHub Classroom.

Both get the same results as our own gradebook, in their formats:

* Gradescope reads ``/autograder/results/results.json``: a score and one entry per test
  with its own ``visibility`` (hidden-suite tests are shown once grades are published).
* GitHub Classroom's grading reporter reads, per runner, a base64-encoded JSON payload
  (``{"version": 1, "status", "max_score", "tests": [...]}``) from ``<RUNNER>_RESULTS``.

An export grades one assignment: the items it is given (a week's section, say), so that
its total is out of their points and an item not handed out yet never shows as failed.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from autograder.authoring import archive
from autograder.manifest import Course, Item
from autograder.paths import PACKAGE, ROOT
from autograder.results import SubmissionResult
from autograder.safe import OutputError, check_output, clean, isolation_line, scrub, write_output

GRADESCOPE_SETUP = """#!/usr/bin/env bash
# Gradescope runs this once when it builds the autograder image (Ubuntu, as root).
set -euo pipefail
apt-get update
apt-get install -y python3.11 python3.11-venv
python3.11 -m venv /autograder/venv
/autograder/venv/bin/pip install --upgrade pip
/autograder/venv/bin/pip install /autograder/source
"""

GRADESCOPE_RUN = """#!/usr/bin/env bash
# Gradescope runs this for each submission: grade it, write results/results.json.
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
WORKBOOK="${WORKBOOK_COMMAND:-$ROOT/venv/bin/workbook}"
# The assignment's items (empty: every item of the course).
ITEMS="@ITEMS@"
mkdir -p "$ROOT/results"
"$WORKBOOK" grade "$ROOT/submission" --workers 2 ${ITEMS:+--items "$ITEMS"} --gradescope "$ROOT/results/results.json" > "$ROOT/results/log.txt" 2>&1
status=$?
if [ ! -s "$ROOT/results/results.json" ]; then
  # The grader itself failed: say so as a visible zero, never a silent blank.
  printf '{"score": 0, "output": "The autograder could not run (exit %s); please contact your instructor.", "tests": []}\\n' "$status" > "$ROOT/results/results.json"
fi
"""  # noqa: E501 (a shell script, its lines as they run)


#: The permissions of the two scripts Gradescope runs.
EXECUTABLE = 0o755


def gradescope_results(course: Course, result: SubmissionResult, isolation: dict | None = None) -> dict:
    """Gradescope's results.json for one submission (its tests named by the course's titles);
    the engine's ``isolation`` record, when given, is a line of its top-level ``output``."""
    (result,) = scrub([result])
    tests = []
    for n, item in enumerate(result.items, start=1):
        title = course.item(item.id).title
        if item.status in ("missing", "import_error", "crashed") and not any(t.status == "passed" for t in item.tests):
            tests.append({"name": f"{item.id}: {title}", "number": str(n), "score": 0, "max_score": item.max_score,
                          "status": "failed", "visibility": "visible",
                          "output": f"{item.status.replace('_', ' ')}: {item.message}"})
            continue
        for m, test in enumerate(item.tests, start=1):
            tests.append({"name": f"{item.id} · {test.description or test.name}", "number": f"{n}.{m}",
                          "score": test.score, "max_score": test.max_score,
                          "status": "passed" if test.status == "passed" else "failed",
                          "visibility": "after_published", "output": test.message})
    output = "\n".join(filter(None, [f"{result.score:g}/{result.max_score:g} points", isolation_line(isolation)]))
    return {"score": result.score, "output": output,
            "visibility": "after_published", "stdout_visibility": "hidden", "tests": tests}


# A test's status as the reporter names it: passed is "pass", an error "error", anything else "fail".
_CLASSROOM_STATUS = {"passed": "pass", "error": "error"}


def classroom_payload(result: SubmissionResult) -> str:
    """The base64 payload GitHub Classroom's grading reporter reads for one runner."""
    (result,) = scrub([result])
    tests = []
    for item in result.items:
        for test in item.tests or []:
            tests.append({"name": f"{item.id}: {test.description or test.name}",
                          "status": _CLASSROOM_STATUS.get(test.status, "fail"),
                          "score": test.score, "message": test.message, "line_no": 0, "execution_time": "0s"})
        if not item.tests:
            tests.append({"name": item.id, "status": "fail", "score": 0, "message": item.message or item.status,
                          "line_no": 0, "execution_time": "0s"})
    status = "pass" if result.score == result.max_score else "fail"
    payload = {"version": 1, "status": status, "max_score": result.max_score, "tests": tests}
    return base64.b64encode(json.dumps(payload).encode()).decode()


def gradescope_run(items: list[Item] | None = None) -> str:
    """``run_autograder`` grading ``items`` only (every item when None): an assignment is
    out of its own points, and an item not handed out yet is never a failed test."""
    return GRADESCOPE_RUN.replace("@ITEMS@", ",".join(i.id for i in items) if items is not None else "")


def export_gradescope(course: Course, out: Path, items: list[Item] | None = None) -> list[str]:
    """A Gradescope autograder zip: setup.sh, run_autograder (grading ``items``, or every
    item of the course when None), and the course package."""
    points = sum(i.points for i in (course.items if items is None else items))
    which = "every item" if items is None else ", ".join(i.id for i in items)
    with archive.writing(out) as zipped:
        zipped.add("setup.sh", GRADESCOPE_SETUP, EXECUTABLE)
        zipped.add("run_autograder", gradescope_run(items), EXECUTABLE)
        zipped.add("pyproject.toml", (ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        zipped.add("README.md", "The FastAPI Advanced workbook's autograder, packaged for Gradescope.\n"
                                f"It grades {which}: {points} points.\n")
        for path in sorted(PACKAGE.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                zipped.add(f"autograder/{path.relative_to(PACKAGE).as_posix()}", path.read_bytes())
    return zipped.names


def classroom_workflow(items: list[Item], grader: str) -> str:
    """A GitHub Actions workflow that grades each push and reports the points to Classroom."""
    ids = ",".join(i.id for i in items)
    return f"""name: Autograding Tests
"on":
  - push
  - workflow_dispatch
  - repository_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
      - name: Checkout code
        uses: actions/checkout@v4
      - name: Set up Python
        uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Install the grader
        env:
          WORKBOOK_GRADER: ${{{{ secrets.WORKBOOK_GRADER }}}}
        run: python -m pip install "${{WORKBOOK_GRADER:-{grader}}}"
      - name: Grade
        id: workbook
        run: |
          workbook grade exercises --items {ids} --github-classroom payload.b64
          echo "result=$(cat payload.b64)" >> "$GITHUB_OUTPUT"
      - name: Autograding Reporter
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
          WORKBOOK_RESULTS: "${{{{ steps.workbook.outputs.result }}}}"
        with:
          runners: workbook
"""


def export_classroom(folder: Path, items: list[Item], grader: str) -> Path:
    """Write the workflow; a FIFO or a folder planted at its path is refused (OutputError)."""
    target = folder / ".github" / "workflows" / "classroom.yml"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write {clean(target)}: {exc.strerror or exc}") from None
    check_output(target)
    write_output(target, classroom_workflow(items, grader))
    return target
