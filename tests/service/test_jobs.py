"""Exactly once, shown on SQLite without a broker: two graders at once write one result,
and a submission whose job was lost is queued again by the sweeper after the bound.

The scenarios a Celery deployment meets (a job delivered twice, a worker killed after it
graded, a broker that lost its queue) all reduce to these: :func:`jobs.grade` running
more than once for a row, or not at all until the sweeper finds the row.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

from autograder.service import jobs
from autograder.service.database import Database
from autograder.service.models import now
from tests.support.grading_jobs import add_student, add_submission, rows
from tests.support.service import ITEM, HeldQueue, settings_for, solution, stub


def scenario(tmp_path, play, **changes):
    """Run ``play(db, settings)`` on a fresh store; its result."""
    settings = settings_for(tmp_path, **changes)

    async def run():
        db = Database(settings.database_url)
        await db.create()
        try:
            return await play(db, settings)
        finally:
            await db.close()

    return asyncio.run(run())


def test_the_same_job_run_twice_at_once_writes_its_result_once(tmp_path):
    async def play(db, settings):
        ada = await add_student(db, "ada")
        sid = await add_submission(db, settings, ada, ITEM, solution())
        won = await asyncio.gather(jobs.grade(db, settings, sid), jobs.grade(db, settings, sid))
        again = await jobs.grade(db, settings, sid)
        return sorted(won), again, (await rows(db))[sid]

    won, again, row = scenario(tmp_path, play)
    assert won == [False, True] and again is False
    assert (row.status, row.writes, row.score) == ("graded", 1, 10)


def test_two_graders_storing_one_key_at_once_both_finish(tmp_path, monkeypatch):
    """Two students' identical stubs graded side by side: both engines finish before
    either stores the result, so the second store meets the first's row (an upsert)."""
    both_graded = threading.Barrier(2, timeout=60)
    engine = jobs.run_engine

    def side_by_side(item, content, settings):
        result = engine(item, content, settings)
        both_graded.wait()
        return result

    monkeypatch.setattr(jobs, "run_engine", side_by_side)

    async def play(db, settings):
        ids = [await add_submission(db, settings, await add_student(db, name), ITEM, stub()) for name in ("ada", "bo")]
        won = await asyncio.gather(*(jobs.grade(db, settings, sid) for sid in ids))
        return won, await rows(db)

    won, found = scenario(tmp_path, play)
    assert won == [True, True]
    assert [(r.status, r.writes, r.score) for r in found.values()] == [("graded", 1, 0), ("graded", 1, 0)]


def test_the_sweeper_queues_again_only_what_waited_past_the_bound(tmp_path):
    async def play(db, settings):
        ada = await add_student(db, "ada")
        lost = await add_submission(db, settings, ada, ITEM, solution(), queued_at=now() - timedelta(seconds=61))
        fresh = await add_submission(db, settings, ada, ITEM, stub())
        done = await add_submission(db, settings, ada, ITEM, stub(), queued_at=now() - timedelta(seconds=61))
        assert await jobs.grade(db, settings, done)
        queue = HeldQueue()
        sweeper = jobs.Sweeper(db, settings, queue)
        first, second = await sweeper.sweep(), await sweeper.sweep()
        return (lost, fresh, done), queue.sent, first, second, await rows(db)

    (lost, fresh, done), sent, first, second, found = scenario(tmp_path, play, requeue_after=60)
    assert first == sent == [lost]
    assert second == []  # queued again just now: the bound starts over
    assert [found[i].dispatches for i in (lost, fresh, done)] == [2, 1, 1]
    assert found[fresh].status == "queued"


def test_a_lost_job_requeued_by_the_sweeper_is_graded_once(tmp_path):
    """The job never reached a grader (say, the broker lost it): the sweeper sends it
    again, it is graded, and a late copy of the first job changes nothing."""

    async def play(db, settings):
        sid = await add_submission(db, settings, await add_student(db, "ada"), ITEM, solution(),
                                   queued_at=now() - timedelta(seconds=61))
        queue = jobs.LocalQueue(db, settings)
        assert await jobs.Sweeper(db, settings, queue).sweep() == [sid]
        await queue.idle()
        late = await jobs.grade(db, settings, sid)
        return late, (await rows(db))[sid]

    late, row = scenario(tmp_path, play, requeue_after=60)
    assert late is False
    assert (row.status, row.writes, row.score, row.dispatches) == ("graded", 1, 10, 2)
