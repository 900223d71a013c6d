"""The hostile corpus: broken and malicious submissions, graded in one run with honest ones.

Each file in ``tests/data/hostile`` is a snippet that goes into an item's solution or
stub (async01 unless its header names ``item=``), at import or inside the route for one
user (``user_id == 7``, which exactly one async01 hidden test, worth 2 points, asks
for); with ``base=none`` the snippet is the whole file. Its first line states the exact
score, the item's status and the flag it must get (a prefix of one of its flags; no
``flags=`` means none at all); the second says why. ``{GRADEBOOK}``, ``{TARGET}`` and
``{LISTENER_PORT}`` in a snippet stand for this run's gradebook, a file outside every
folder a worker may write, and a TCP listener on the machine's loopback.

All of them are graded in a single ``batch.grade`` run under ``--isolation strict``,
two workers in parallel, with a gradebook, beside honest submissions: every case must
get exactly what it states, the honest ones their full marks, and after the run
nothing may be left or changed outside the grader's own folders (see the side-effect
tests at the end).
"""

from __future__ import annotations

import csv
import io
import json
import os
import resource
import socket
import sysconfig
import threading
import zipfile
from pathlib import Path

import pytest

from autograder.grading import batch
from autograder.grading.store import Store
from autograder.outputs.gradebook import write_csv, write_json
from autograder.paths import ROOT, SOLUTIONS
from autograder.sandbox import confine, workspace
from autograder.sandbox.limits import Limits
from tests.conftest import COURSE
from tests.support.hostile import CORPUS, ITEM_ID, base_text, submission_text

ITEM = COURSE.item(ITEM_ID)
CASES = sorted(CORPUS.glob("*.py"))
TARGET = Path("/tmp/workbook-hostile-target.txt")  # what delete_outside and write_outside aim at
MARKER = "workbook-hostile"  # every file or process an attack tries to leave carries it
# Short enough to keep the run quick, long enough for a loaded 2-core machine.
LIMITS = Limits(test=5, import_=8, item=120, isolation="strict")
HONEST = tuple(f"honest-{n}" for n in range(1, 9))
ODD_NAMES = ("ünï côde's ; $(rm -rf ~) name", "=HYPERLINK(\"evil.example\",\"x\")", "[red]x[bold]y",
             "esc\x1b[31mred\x1b[0m")


class Listener:
    """A TCP server on the machine's loopback that records whether anyone connected."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.reached: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                self.reached.append(connection.recv(100))

    def close(self) -> None:
        self.server.close()


def marked_files() -> list[str]:
    """Files an attack may have left where it must not: the temporary folder, the home
    folder, the Python environment and the project (its virtual environment included)."""
    found = []
    roots = [Path("/tmp"), Path.home(), Path(sysconfig.get_paths()["purelib"]), ROOT]
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if not d.startswith(("pytest-of-", "workbook-run-")) and d != ".git"
                       and (root != Path("/tmp") or folder == "/tmp")]
            found += [os.path.join(folder, f) for f in files if MARKER in f and f != TARGET.name]
    return sorted(found)


def marked_processes() -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if MARKER in command and "pytest" not in command:
                found.append(f"{entry.name}: {command}")
    return found


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    gradebook = root / "gradebook.sqlite"
    TARGET.write_text("keep me", encoding="utf-8")
    listener = Listener()
    values = {"GRADEBOOK": str(gradebook), "TARGET": str(TARGET), "LISTENER_PORT": str(listener.port)}
    before_files = marked_files()
    paths, expected, items = [], {}, {ITEM.id: ITEM}
    for n, case in enumerate(CASES):
        header, text = submission_text(case, values)
        item = COURSE.item(header["item"] or ITEM.id)
        items[item.id] = item
        folder = root / case.stem
        folder.mkdir()
        (folder / item.filename).write_text(text, encoding="utf-8")
        paths.append(folder)
        expected[case.stem] = (header, item.id)
        if n % 12 == 0 and n // 12 < len(HONEST):  # honest submissions spread through the run
            honest = root / HONEST[n // 12]
            honest.mkdir()
            (honest / ITEM.filename).write_text(base_text(ITEM.id, "solution"), encoding="utf-8")
            paths.append(honest)
    # The submission itself is the attack.
    bomb = root / "zip_bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(ITEM.filename, b"#" * (200 << 20))
    link = root / "symlink_outside"
    link.mkdir()
    (link / ITEM.filename).symlink_to("/etc/passwd")
    for name in ODD_NAMES:
        odd = root / name
        odd.mkdir()
        (odd / ITEM.filename).write_text(base_text(ITEM.id, "solution"), encoding="utf-8")
        paths.append(odd)
    paths += [bomb, link]
    memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with Store(gradebook) as store:
        results = batch.grade(paths, list(items.values()), workers=2, limits=LIMITS, store=store).results
    memory_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    run_folder = workspace.run_folder()
    outputs = {"json": root / "results.json", "csv": root / "gradebook.csv"}
    write_json(results, outputs["json"])
    write_csv(results, list(items.values()), outputs["csv"])
    yield {
        "results": {r.submission: r for r in results}, "expected": expected, "gradebook": gradebook,
        "listener": listener, "before_files": before_files, "memory_kb": memory_after - memory_before,
        "run_folder": run_folder, "outputs": outputs,
    }
    listener.close()
    TARGET.unlink(missing_ok=True)


def test_corpus_is_large_enough():
    assert len(CASES) >= 63  # 33 of the first edition, 30 and more since


def test_the_run_was_strict():
    record = confine.probe("strict")
    assert record["level"] == "full" and not record["missing"], record


@pytest.mark.parametrize("case", [c.stem for c in CASES])
def test_case_gets_exactly_its_stated_outcome(graded, case):
    (header, item_id) = graded["expected"][case]
    result = graded["results"][case].item(item_id)
    detail = (result.status, result.message, result.flags, [(t.name, t.status, t.message[:200]) for t in result.tests])
    assert result.score == float(header["score"]), detail
    assert result.max_score == float(header["points"]) == COURSE.item(item_id).points
    assert result.status == header["status"], detail
    if header["flag"]:
        assert any(flag.startswith(header["flag"]) for flag in result.flags), detail
    else:
        assert result.flags == [], detail


def test_honest_submissions_in_the_same_run_keep_full_marks(graded):
    for name in (*[h for h in HONEST if h in graded["results"]], *ODD_NAMES):
        result = graded["results"][name].item(ITEM.id)
        assert result.score == ITEM.points, (name, result.message, result.flags)
        assert result.flags == []


def test_submission_level_attacks_are_refused_with_a_reason(graded):
    results = graded["results"]
    assert results["zip_bomb"].item(ITEM.id).status == "missing"
    assert "large" in results["zip_bomb"].item(ITEM.id).message
    assert results["symlink_outside"].item(ITEM.id).status == "missing"
    assert "link" in results["symlink_outside"].item(ITEM.id).message


# --- what the run left behind ---------------------------------------------------------


def test_files_outside_the_students_folder_survive(graded):
    assert TARGET.read_text(encoding="utf-8") == "keep me"
    assert (SOLUTIONS / ITEM.filename).read_text(encoding="utf-8") == base_text(ITEM.id, "solution")


def test_no_file_is_left_outside_the_job_folders(graded):
    assert marked_files() == graded["before_files"] == []


def test_no_process_outlives_its_item(graded):
    assert marked_processes() == []


def test_no_temporary_folder_is_left(graded):
    run_folder = graded["run_folder"]
    assert [p.name for p in run_folder.iterdir() if p.name != workspace.LOCK] == []  # every job folder removed
    workspace.close()
    assert not run_folder.exists()


def test_the_machines_loopback_services_were_not_reached(graded):
    assert graded["listener"].reached == []


def test_the_gradebook_holds_exactly_the_graded_results(graded):
    """No attack reached the gradebook: it opens (no trigger, view or foreign table: the
    store refuses those), and holds for every submission what the run returned."""
    items = [COURSE.item(i) for i in sorted({item for _, item in graded["expected"].values()} | {ITEM.id})]
    with Store(graded["gradebook"], writer=False) as store:
        stored = {r.submission: r for r in store.results(items)}
    for name, result in graded["results"].items():
        for item in result.items:
            if item.status != "missing":
                kept = stored[name].item(item.id)
                assert (kept.score, kept.status, kept.flags) == (item.score, item.status, item.flags), name


def test_grader_memory_and_output_sizes_stay_bounded(graded):
    assert graded["memory_kb"] < 300 << 10, f"the grader grew by {graded['memory_kb'] >> 10} MB"
    assert graded["outputs"]["json"].stat().st_size < 2 << 20
    for result in graded["results"].values():
        for item in result.items:
            assert len(item.flags) <= 21
            assert all(len(flag) <= 200 for flag in item.flags)
            assert len(item.message) <= 600
            assert all(len(test.message) <= 600 for test in item.tests)


def test_names_reach_the_exports_inert(graded):
    text = graded["outputs"]["csv"].read_text(encoding="utf-8")
    names = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert "'" + ODD_NAMES[1] in names and ODD_NAMES[1] not in names  # no live formula
    assert "\x1b" not in text and "\x1b" not in graded["outputs"]["json"].read_text(encoding="utf-8")
    assert json.loads(graded["outputs"]["json"].read_text(encoding="utf-8"))["version"] == 1
