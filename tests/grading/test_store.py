"""The gradebook store: each result saved as it is graded, reruns that grade only what is missing.

What a batch runs and reuses with a store is tested with the batch (test_batch.py). Here,
the store itself and the gradebook `workbook grade` keeps: most tests stand a fake in for
the engine (conftest.py's, counting what it is asked to grade); the real grader runs
twice, once killed with SIGKILL halfway.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from autograder import results
from autograder.cli import app
from autograder.grading import store
from autograder.grading.store import Store, StoreError
from autograder.paths import EXERCISES, SAMPLES, SOLUTIONS
from autograder.results import ItemResult
from tests.conftest import COURSE, SLOW_MACHINE
from tests.support.batches import ITEM, submission

ITEMS = [COURSE.item(ITEM)]
SUBMISSIONS = [SAMPLES / "alice", SAMPLES / "bob", SOLUTIONS, EXERCISES]
runner = CliRunner()


def sample_result(score: float = 6, flags: list[str] | None = None) -> ItemResult:
    tests = [results.TestResult("test_answers", score, 6, "passed", "", task=1, description="answers"),
             results.TestResult("test_concurrent", 0, 4, "failed", "at most 1 of 3 in flight", task=2,
                                description="overlap")]
    return ItemResult.from_tests(ITEM, 10, tests, flags=flags)


# --- the store itself ---------------------------------------------------------------

def test_save_and_lookup_round_trip(tmp_path):
    with Store(tmp_path / "g.sqlite") as db:
        result = sample_result(flags=["read the hidden suite"])
        db.save("alice", "abc", "suite1", result)
        assert db.lookup("alice", ITEM, "abc", "suite1") == result  # task numbers, descriptions and flags kept
        assert db.lookup("alice", ITEM, "other", "suite1") is None
        assert db.lookup("alice", ITEM, "abc", "suite2") is None
        assert db.lookup("bob", ITEM, "abc", "suite1") is None
        db.save("alice", "def", "suite1", sample_result(score=0))  # one row per (submission, item)
        assert len(db) == 1
        (row,) = db.rows()
        assert (row.submission, row.item, row.fingerprint, row.result.score) == ("alice", ITEM, "def", 0)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", row.graded_at)
    with closing(sqlite3.connect(tmp_path / "g.sqlite")) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        stored = json.loads(raw.execute("SELECT result FROM results").fetchone()[0])
    assert stored["id"] == ITEM and stored["flags"] == [] and stored["tests"][0]["description"] == "answers"


# A row as every gradebook since version 1 holds it: the result's JSON form with each
# test's task and description, keys sorted. Pinned, so a gradebook written before stays readable.
ROW = ('{"flags": ["f"], "id": "x", "max_score": 2, "message": "m", "score": 1, "status": "graded", '
       '"tests": [{"description": "d", "max_score": 2, "message": "", "name": "t", "score": 1, "status": "passed", '
       '"task": 1}]}')


def test_a_row_holds_the_results_json_form_with_its_details(tmp_path):
    result = ItemResult("x", 1, 2, "graded", "m", [results.TestResult("t", 1, 2, "passed", "", 1, "d")], ["f"])
    with Store(tmp_path / "g.sqlite") as db:
        db.save("alice", "abc", "s", result)
    with closing(sqlite3.connect(tmp_path / "g.sqlite")) as raw:
        assert raw.execute("SELECT result FROM results").fetchone()[0] == ROW
        raw.execute("UPDATE results SET submission = 'bob'")  # a row another run wrote
        raw.commit()
    with Store(tmp_path / "g.sqlite", writer=False) as db:
        assert db.lookup("bob", "x", "abc", "s") == result
    assert "task" not in result.to_json()["tests"][0]  # the results JSON leaves the details out


def test_results_follow_the_items_given(tmp_path):
    items = list(COURSE.items[:2])
    with Store(tmp_path / "g.sqlite") as db:
        for name in ("bob", "alice"):
            for item in reversed(items):
                db.save(name, "f", "s", ItemResult(item.id, 1, 10, "graded"))
        db.save("carol", "f", "s", ItemResult("gone01_removed", 1, 10, "graded"))
        results = db.results(items)
    assert [r.submission for r in results] == ["alice", "bob"]  # carol has nothing on these items
    assert [i.id for i in results[0].items] == [i.id for i in items]


def test_fingerprints(tmp_path):
    file = tmp_path / "a.py"
    file.write_bytes(b"x = 1\n")
    assert store.fingerprint(file) == hashlib.sha256(b"x = 1\n").hexdigest()
    assert store.fingerprint(None) == "missing"
    assert len(store.suite_fingerprint(ITEMS[0])) == 64


def test_the_file_is_created_only_when_used(tmp_path):
    path = tmp_path / "deep" / "er" / "g.sqlite"
    with Store(path):
        pass
    assert not path.exists()
    with Store(path) as db:
        assert len(db) == 0
    assert path.is_file()


def test_a_file_that_is_not_a_database(tmp_path):
    bad = tmp_path / "g.sqlite"
    bad.write_bytes(b"this is no database, just text that is long enough to have a header" * 20)
    with pytest.raises(StoreError, match="cannot use"), Store(bad) as db:
        len(db)


# --- the gradebook `workbook grade` keeps ------------------------------------------------

def test_the_cli_reports_graded_and_reused(tmp_path, fake_engine):
    paths = [submission(tmp_path, "alice"), submission(tmp_path, "bob")]
    db = tmp_path / "nested" / "g.sqlite"
    args = ["grade", *map(str, paths), "--items", ITEM, "--db", str(db), "--json", str(tmp_path / "r.json")]
    first = runner.invoke(app, args, catch_exceptions=False)
    assert first.exit_code == 0 and "graded 2, reused 0" in first.output
    assert db.is_file()
    second = runner.invoke(app, args, catch_exceptions=False)
    assert "graded 0, reused 2" in second.output
    third = runner.invoke(app, [*args, "--regrade"], catch_exceptions=False)
    assert "graded 2, reused 0" in third.output
    assert "items/s" not in first.output + third.output  # no progress bar when not on a terminal


@pytest.mark.parametrize("quiet", [False, True])
def test_the_progress_bar_is_on_a_terminal_only(tmp_path, fake_engine, monkeypatch, quiet):
    from rich.console import Console

    from autograder import cli

    terminal = io.StringIO()
    monkeypatch.setattr(cli, "errors", Console(file=terminal, force_terminal=True, width=100))
    paths = [submission(tmp_path, "alice"), submission(tmp_path, "bob")]
    args = ["grade", *map(str, paths), "--items", ITEM, "--db", str(tmp_path / "g.sqlite")]
    result = runner.invoke(app, [*args, "--quiet"] if quiet else args, catch_exceptions=False)
    assert result.exit_code == 0 and "items/s" not in result.output
    if quiet:
        assert terminal.getvalue() == ""
    else:
        shown = terminal.getvalue()
        assert "grading" in shown and "2/2" in shown and "items/s" in shown


def test_the_default_store_is_under_the_current_folder(tmp_path, fake_engine, monkeypatch):
    folder = submission(tmp_path, "alice")
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["grade", str(folder), "--items", ITEM], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (tmp_path / ".workbook" / "gradebook.sqlite").is_file()


def test_a_bad_store_is_one_line(tmp_path, fake_engine):
    bad = tmp_path / "g.sqlite"
    bad.write_text("not a database " * 100)
    result = runner.invoke(app, ["grade", str(submission(tmp_path, "alice")), "--items", ITEM, "--db", str(bad)])
    assert result.exit_code == 2 and result.output.startswith("error: cannot use") and "Traceback" not in result.output


def test_a_failed_command_leaves_no_store(tmp_path):
    result = runner.invoke(app, ["grade", str(tmp_path / "nobody"), "--db", str(tmp_path / "g.sqlite")])
    assert result.exit_code == 2 and not (tmp_path / "g.sqlite").exists()


# --- the real grader --------------------------------------------------------------------

def test_resume_with_the_real_grader(tmp_path):
    args = ["grade", str(SAMPLES / "bob"), "--items", ITEM, "--db", str(tmp_path / "g.sqlite"),
            "--test-timeout", str(SLOW_MACHINE.test), "--gradescope", str(tmp_path / "gs.json")]
    first = runner.invoke(app, args, catch_exceptions=False)
    assert "graded 1, reused 0" in first.output and "6/10" in first.output
    fresh = (tmp_path / "gs.json").read_text()
    second = runner.invoke(app, args, catch_exceptions=False)
    assert "graded 0, reused 1" in second.output and "6/10" in second.output
    assert (tmp_path / "gs.json").read_text() == fresh  # test descriptions survive the store


def _workbook(db: Path, out: Path) -> list[str]:
    """`workbook grade` on the four submissions, one worker at a time."""
    return [sys.executable, "-c", "from autograder.cli import main; main()", "grade", *map(str, SUBMISSIONS),
            "--items", ITEM, "--workers", "1", "--test-timeout", str(SLOW_MACHINE.test), "--db", str(db),
            "--json", str(out)]


def _rows(db: Path) -> int:
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)) as raw:
            return raw.execute("SELECT count(*) FROM results").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def _kill_after_the_first_result(grader: subprocess.Popen, db: Path, started: float) -> None:
    """SIGKILL as soon as the gradebook holds a result (or the grader ended, or 300 s passed)."""
    try:
        while _rows(db) == 0 and grader.poll() is None and time.monotonic() - started < 300:
            time.sleep(0.05)
        os.kill(grader.pid, signal.SIGKILL)
    finally:
        grader.wait(30)


def test_sigkill_loses_nothing_already_graded(tmp_path):
    """Kill the grader after its first result; the rerun grades only the rest and ends like a clean run."""
    db, clean_db = tmp_path / "g.sqlite", tmp_path / "clean.sqlite"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}  # this checkout's package
    clean = subprocess.Popen(_workbook(db=clean_db, out=tmp_path / "clean.json"), env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    started = time.monotonic()
    killed = subprocess.Popen(_workbook(db=db, out=tmp_path / "killed.json"), env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _kill_after_the_first_result(killed, db, started)
    first_run = time.monotonic() - started
    assert killed.returncode == -signal.SIGKILL, "the grader finished before it could be killed"
    kept = _rows(db)
    assert 1 <= kept < len(SUBMISSIONS)

    started = time.monotonic()
    rerun = subprocess.run(_workbook(db=db, out=tmp_path / "resumed.json"), env=env, capture_output=True,
                           text=True, timeout=600)
    resumed = time.monotonic() - started
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    graded, reused = map(int, re.search(r"graded (\d+), reused (\d+)", rerun.stdout).groups())
    assert (graded, reused) == (len(SUBMISSIONS) - kept, kept)
    assert _rows(db) == len(SUBMISSIONS)

    clean_out, _ = clean.communicate(timeout=600)
    assert clean.returncode == 0, clean_out
    assert json.loads((tmp_path / "resumed.json").read_text()) == json.loads((tmp_path / "clean.json").read_text())
    print(f"\nkilled after {first_run:.1f}s with {kept} stored; resume graded {graded}, reused {reused} "
          f"in {resumed:.1f}s")


# --- a gradebook someone else wrote -------------------------------------------------------

def _planted(tmp_path: Path, *sql: str) -> Path:
    """A real gradebook (one stored result), then the attacker's statements run on it."""
    path = tmp_path / "g.sqlite"
    with Store(path) as db:
        db.save("alice", "abc", "suite1", sample_result())
    with closing(sqlite3.connect(path)) as raw:
        for statement in sql:
            raw.execute(statement)
        raw.commit()
    return path


NOT_OURS = "is not a gradebook this workbook wrote"
ATTACKS = {
    "trigger": (["CREATE TRIGGER steal AFTER INSERT ON results BEGIN "
                 "UPDATE results SET result = json_set(result, '$.score', 10) WHERE rowid = new.rowid; END"],
                "it holds the trigger 'steal', which a gradebook never has"),
    "view": (["CREATE VIEW scores AS SELECT submission, 10 AS score FROM results"],
             "it holds the view 'scores', which a gradebook never has"),
    "index": (["CREATE INDEX by_suite ON results (suite)"],
              "it holds the index 'by_suite', which a gradebook never has"),
    "table": (["CREATE TABLE notes (x)", "CREATE TABLE more (y)"],
              "it holds the table 'more' (and 1 more), which a gradebook never has"),
    "column": (["ALTER TABLE results ADD COLUMN bonus INTEGER DEFAULT 10"],
               "its results table has other columns (submission, item, fingerprint, suite, graded_at, result, bonus)"),
    "no table": (["DROP TABLE results", "CREATE TABLE other (x)"],
                 "it holds the table 'other', which a gradebook never has"),
    "view as results": (["DROP TABLE results", "CREATE VIEW results AS SELECT 'alice' AS submission"],
                        "it holds the view 'results', which a gradebook never has"),
}


@pytest.mark.parametrize("attack", ATTACKS, ids=list(ATTACKS))
def test_a_gradebook_holding_anything_else_is_refused(tmp_path, attack):
    sql, why = ATTACKS[attack]
    path = _planted(tmp_path, *sql)
    with pytest.raises(StoreError) as caught, Store(path) as db:
        db.lookup("alice", ITEM, "abc", "suite1")
    assert str(caught.value) == f"{path} {NOT_OURS}: {why}" + ("" if attack == "column" else "; refusing to use it")


def test_a_planted_trigger_stops_grade_and_report_before_anything_runs(tmp_path, fake_engine):
    """The attack that worked: a trigger rewrote every score saved, and report showed them."""
    path = _planted(tmp_path, ATTACKS["trigger"][0][0])
    graded = runner.invoke(app, ["grade", str(submission(tmp_path, "alice")), "--items", ITEM, "--db", str(path),
                                 "--regrade"])
    assert graded.exit_code == 2 and fake_engine == []
    assert graded.output == f"error: {path} {NOT_OURS}: {ATTACKS['trigger'][1]}; refusing to use it\n"
    shown = runner.invoke(app, ["report", "--db", str(path)])
    assert shown.exit_code == 2 and shown.output == graded.output


def test_a_fifo_as_the_gradebook_is_refused_at_once(tmp_path, fake_engine):
    path = tmp_path / "g.sqlite"
    os.mkfifo(path)
    result = runner.invoke(app, ["grade", str(submission(tmp_path, "alice")), "--items", ITEM, "--db", str(path)])
    assert result.exit_code == 2 and fake_engine == []
    assert result.output == f"error: cannot use {path} as a gradebook: it is a FIFO (named pipe)\n"


# --- one writer at a time ----------------------------------------------------------------

HOLD_LOCK = """
import fcntl, sys
with open(sys.argv[1], "a") as lock:
    fcntl.flock(lock, fcntl.LOCK_EX)
    print("locked", flush=True)
    sys.stdin.read()  # held until the test closes our stdin
"""


@contextmanager
def holding(path: Path):
    """Another process holding the gradebook's lock, as a running `workbook grade` does."""
    with subprocess.Popen([sys.executable, "-c", HOLD_LOCK, str(store.lock_path(path))], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout.readline() == "locked\n"
        try:
            yield holder
        finally:
            holder.stdin.close()
            holder.wait(30)


@pytest.fixture
def held(tmp_path):
    path = tmp_path / "g.sqlite"
    with holding(path):
        yield path


BUSY = "is in use by another run of `workbook grade`; wait for it to finish (or give this run another --db)"


def test_a_second_writer_is_refused_while_the_lock_is_held(tmp_path):
    path = tmp_path / "g.sqlite"
    first = Store(path)
    first.open()
    try:
        with pytest.raises(StoreError) as caught:
            Store(path).open()
        assert str(caught.value) == f"{path} {BUSY}"
        with Store(path, writer=False) as reader:  # `workbook report` reads while a grader writes
            assert len(reader) == 0
    finally:
        first.close()
    with Store(path) as again:  # closing released it
        again.open()


@pytest.mark.parametrize("regrade", [False, True])
def test_grade_refuses_before_grading_while_another_run_holds_the_gradebook(held, tmp_path, fake_engine, regrade):
    args = ["grade", str(submission(tmp_path, "alice")), "--items", ITEM, "--db", str(held)]
    result = runner.invoke(app, [*args, "--regrade"] if regrade else args)
    assert result.exit_code == 2 and fake_engine == []  # not one item graded
    assert result.output == f"error: {held} {BUSY}\n"


def test_report_reads_while_a_grader_holds_the_gradebook(held, tmp_path):
    with Store(held, writer=False) as db:
        db.save("alice", "abc", "suite1", sample_result())
    result = runner.invoke(app, ["report", "--db", str(held), "--items", ITEM])
    assert result.exit_code == 0 and "alice" in result.output


def test_the_lock_ends_with_the_process(tmp_path, fake_engine):
    """A grader killed with SIGKILL leaves no stale lock: the kernel drops a dead process's flock."""
    path = tmp_path / "g.sqlite"
    with holding(path) as holder:
        holder.kill()
        holder.wait(30)
    result = runner.invoke(app, ["grade", str(submission(tmp_path, "alice")), "--items", ITEM, "--db", str(path)])
    assert result.exit_code == 0 and "graded 1, reused 0" in result.output
