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


def test_the_local_queue_bounds_engine_runs_not_the_store_work_around_them(tmp_path, monkeypatch):
    """Five submissions, two slots. While the first two engines are held running, every job
    has already read its submission from the store (the slots bound engine runs only, so
    no slot waits for the store); never more than two engines run at once."""
    lock, running, peak = threading.Lock(), [0], [0]
    release = threading.Event()
    opened = []
    session = jobs.Database.session

    def counted(self):
        opened.append(running[0])
        return session(self)

    def engine(item, content, settings):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        release.wait(60)
        with lock:
            running[0] -= 1
        return jobs.ItemResult(item.id, 0, 10, "graded", "")

    monkeypatch.setattr(jobs, "run_engine", engine)
    monkeypatch.setattr(jobs.Database, "session", counted)

    async def play(db, settings):
        ids = [await add_submission(db, settings, await add_student(db, f"s{n}"), ITEM, stub() + f"# {n}\n".encode())
               for n in range(5)]
        opened.clear()
        queue = jobs.LocalQueue(db, settings)
        for sid in ids:
            await queue.send(sid)
        for _ in range(3000):  # until both engines run and every job has read, or 30 s
            if running[0] == 2 and len(opened) >= 5:
                break
            await asyncio.sleep(0.01)
        while_held = (running[0], len(opened))
        release.set()
        await queue.idle()
        return while_held, await rows(db)

    (engines, reads), found = scenario(tmp_path, play, workers=2)
    release.set()
    assert (engines, reads) == (2, 5)
    assert peak[0] == 2
    assert [(r.status, r.writes) for r in found.values()] == [("graded", 1)] * 5
