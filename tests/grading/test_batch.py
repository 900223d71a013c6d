"""Grading a batch: what runs, what the store already holds, and what grade() says it did.

Most tests stand conftest.py's fake in for the engine (it counts what it is asked to
grade); the last ones grade real submissions (a handful of item runs) with the store.
"""

from __future__ import annotations

import pytest

from autograder.grading import batch, store
from autograder.grading.store import Store
from autograder.paths import SAMPLES, SOLUTIONS
from tests.conftest import COURSE, SLOW_MACHINE
from tests.support.batches import ITEM, submission

ITEMS = [COURSE.item(ITEM)]


# --- what runs, and what is reused from the store -----------------------------------------

def test_without_a_store_nothing_changes(tmp_path, fake_engine):
    paths = [submission(tmp_path, "alice"), submission(tmp_path, "bob", "y = 22\n")]
    first = batch.grade(paths, ITEMS).results
    second = batch.grade(paths, ITEMS).results
    assert first == second and len(fake_engine) == 4
    assert not list(tmp_path.rglob("*.sqlite"))


def test_a_rerun_grades_only_what_is_missing(tmp_path, fake_engine):
    paths = [submission(tmp_path, n, f"# {n}\n") for n in ("alice", "bob", "carol")]
    with Store(tmp_path / "g.sqlite") as db:
        first = batch.grade(paths[:2], ITEMS, store=db)
        assert len(db) == 2 and len(fake_engine) == 2
        again = batch.grade(paths, ITEMS, store=db)
    assert [(first.graded, first.reused), (again.graded, again.reused)] == [(2, 0), (1, 2)]
    assert [name for _, name in fake_engine[2:]] == ["carol"] and len(fake_engine) == 3
    assert again.results[:2] == first.results
    assert again.results == batch.grade(paths, ITEMS).results  # the same as a clean run


def test_the_progress_callbacks_hear_the_plan_and_each_item_graded(tmp_path, fake_engine):
    """What a progress bar is fed: how many items will be graded, then one call per item
    graded (none for a result reused from the store)."""
    paths = [submission(tmp_path, n, f"# {n}\n") for n in ("alice", "bob", "carol")]
    plans: list[int] = []
    graded: list[None] = []
    with Store(tmp_path / "g.sqlite") as db:
        batch.grade(paths[:2], ITEMS, store=db)
        done = batch.grade(paths, ITEMS, store=db, on_plan=plans.append, on_graded=lambda: graded.append(None))
    assert plans == [1] and len(graded) == 1 == done.graded


def test_a_refused_file_is_missing_with_its_reason_and_never_reaches_the_engine(tmp_path, fake_engine):
    folder = tmp_path / "in" / "alice"
    folder.mkdir(parents=True)
    (folder / f"{ITEM}.py").symlink_to(SOLUTIONS / f"{ITEM}.py")
    other = COURSE.items[1]
    (result, missing), = [r.items for r in batch.grade([folder], [ITEMS[0], other]).results]
    assert (result.status, result.score, result.max_score) == ("missing", 0, ITEMS[0].points)
    assert result.message == f"{ITEM}.py is a symbolic link; submit the file itself"
    assert missing.status == "missing" and fake_engine == [(other.id, "-")]  # the engine says why it has no file


def test_regrade_grades_everything(tmp_path, fake_engine):
    paths = [submission(tmp_path, "alice"), submission(tmp_path, "bob")]
    with Store(tmp_path / "g.sqlite") as db:
        batch.grade(paths, ITEMS, store=db)
        batch.grade(paths, ITEMS, store=db, regrade=True)
        assert len(db) == 2
    assert len(fake_engine) == 4


def test_a_changed_file_is_graded_again(tmp_path, fake_engine):
    paths = [submission(tmp_path, "alice", "a = 1\n"), submission(tmp_path, "bob", "b = 1\n")]
    with Store(tmp_path / "g.sqlite") as db:
        batch.grade(paths, ITEMS, store=db)
        submission(tmp_path, "bob", "b = 1  # resubmitted, longer\n")
        results = batch.grade(paths, ITEMS, store=db).results
        (row,) = [r for r in db.rows() if r.submission == "bob"]
    assert [name for _, name in fake_engine] == ["alice", "bob", "bob"]
    assert results[1].score == len("b = 1  # resubmitted, longer\n") % 11
    assert row.fingerprint == store.fingerprint(paths[1] / f"{ITEM}.py")


def test_a_changed_suite_is_graded_again(tmp_path, fake_engine, monkeypatch):
    paths = [submission(tmp_path, "alice")]
    with Store(tmp_path / "g.sqlite") as db:
        batch.grade(paths, ITEMS, store=db)
        monkeypatch.setattr(batch, "suite_fingerprint", lambda item: "a fixed suite")
        batch.grade(paths, ITEMS, store=db)
    assert len(fake_engine) == 2


def test_a_missing_file_is_stored_as_missing(tmp_path, fake_engine):
    folder = submission(tmp_path, "alice")
    items = list(COURSE.items[:2])
    with Store(tmp_path / "g.sqlite") as db:
        batch.grade([folder], items, store=db)
        fingerprints = {r.item: r.fingerprint for r in db.rows()}
        batch.grade([folder], items, store=db)
    assert fingerprints[items[1].id] == "missing" and len(fake_engine) == 2


def test_two_submissions_with_one_name_are_refused_with_a_store(tmp_path, fake_engine):
    one, other = tmp_path / "a" / "alice", tmp_path / "b" / "alice"
    for folder in (one, other):
        folder.mkdir(parents=True)
        (folder / f"{ITEM}.py").write_text("x = 1\n")
    assert len(batch.grade([one, other], ITEMS).results) == 2  # without a store, as before
    with Store(tmp_path / "g.sqlite") as db, pytest.raises(batch.submissions.SubmissionError, match="both named"):
        batch.grade([one, other], ITEMS, store=db)


def test_reused_and_graded_results_come_back_in_the_order_of_the_items(tmp_path, fake_engine):
    """The store's results are collected first and the graded ones after: each submission's
    items are put back in the order they were given."""
    folder = submission(tmp_path, "alice")
    items = [ITEMS[0], COURSE.items[1]]  # alice has a file for the first only
    with Store(tmp_path / "g.sqlite") as db:
        batch.grade([folder], items, store=db)
        submission(tmp_path, "alice", "x = 2  # resubmitted\n")
        done = batch.grade([folder], items, store=db)
    assert (done.graded, done.reused) == (1, 1) and fake_engine[2:] == [(ITEM, "alice")]
    assert [r.id for r in done.results[0].items] == [item.id for item in items]


def test_a_submission_refused_up_front_stops_the_batch_before_the_store_opens(tmp_path, fake_engine):
    empty = tmp_path / "in" / "dave"
    empty.mkdir(parents=True)
    with Store(tmp_path / "g.sqlite") as db, pytest.raises(batch.submissions.SubmissionError) as caught:
        batch.grade([submission(tmp_path, "alice"), empty], ITEMS, store=db)
    assert str(caught.value) == f"{empty} holds no exercise file (expected <item id>.py at its top or under exercises/)"
    assert fake_engine == [] and not (tmp_path / "g.sqlite").exists()


# --- the real grader ----------------------------------------------------------------------

def test_real_submissions_are_graded_once_then_reused_then_regraded(tmp_path):
    """Three item runs: bob and alice, then bob again on --regrade. carol's file is a link,
    refused with its reason and stored like any result, never run."""
    carol = tmp_path / "carol"
    carol.mkdir()
    (carol / f"{ITEM}.py").symlink_to(SOLUTIONS / f"{ITEM}.py")
    paths = [SAMPLES / "bob", SAMPLES / "alice", carol]
    plans: list[int] = []
    ends: list[None] = []

    def grade(chosen, **options) -> batch.Grading:
        return batch.grade(chosen, ITEMS, limits=SLOW_MACHINE, workers=2, store=db, on_plan=plans.append,
                           on_graded=lambda: ends.append(None), **options)

    with Store(tmp_path / "g.sqlite") as db:
        first = grade(paths)
        again = grade(paths)
        regraded = grade(paths[:1], regrade=True)
        stored = {row.submission: row.fingerprint for row in db.rows()}
    assert [(s.submission, s.score, s.items[0].status) for s in first.results] == [
        ("bob", 6, "graded"), ("alice", 10, "graded"), ("carol", 0, "missing")]
    assert first.results[2].items[0].message == f"{ITEM}.py is a symbolic link; submit the file itself"
    assert [(g.graded, g.reused) for g in (first, again, regraded)] == [(3, 0), (0, 3), (1, 0)]
    assert plans == [3, 0, 1] and len(ends) == 4  # a bar's length, then one step per item graded
    assert all(test.task and test.description for test in first.results[0].items[0].tests)
    assert again.results == first.results  # every test's task and description come back from the store
    assert regraded.results == first.results[:1]
    assert stored == {"bob": store.fingerprint(SAMPLES / "bob" / f"{ITEM}.py"),
                      "alice": store.fingerprint(SAMPLES / "alice" / "exercises" / f"{ITEM}.py"),
                      "carol": store.MISSING}
