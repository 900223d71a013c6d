"""Grading a stored submission, once, wherever it runs: in the server or on a Celery worker.

:func:`grade` is the whole job. It reads the submission from the database (the source
of truth), grades its file with the engine unless ``grades`` already holds the result for
(file sha256, item, suite fingerprint), and then marks the submission graded, in one
conditional update that only a submission still ``queued`` takes: a job delivered twice,
or run again after a worker died, writes its result at most once.

Two queues hand jobs out: :class:`LocalQueue` grades in the server's own process (the
embedded default), :class:`autograder.service.tasks.CeleryQueue` sends them to
``workbook worker`` processes over the broker. Either way the :class:`Sweeper` queues again every submission that stayed
ungraded past ``Settings.requeue_after``, so a lost job (a broker restarted, a worker
killed) is only late, never lost.

Exactly once, then, rests on the database alone: two runs of one job at once write one
result (the second's update finds the row graded), two runs storing one key at once both
finish (the result is stored with an upsert), and a queued row whose job never ran is sent
again by the sweeper (tests/service/test_jobs.py, on SQLite). What each component's
death does to a submission, with Celery, is in :mod:`autograder.service.tasks`. In the
server's own process (no broker), a job dies with the server; at its next start the
sweeper grades every row still queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Protocol

import anyio
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from autograder.grading.store import suite_fingerprint
from autograder.manifest import Item
from autograder.results import ItemResult
from autograder.sandbox import engine, workspace
from autograder.service.database import Database
from autograder.service.models import Change, Grade, Submission, now
from autograder.service.settings import Settings

log = logging.getLogger("workbook.service")
WHO = f"{socket.gethostname()}:{os.getpid()}"


def run_engine(item: Item, content: bytes, settings: Settings) -> ItemResult:
    """The engine's result for one file, graded from a private copy in a job folder."""
    with workspace.temporary("service-") as tmp:
        path = Path(tmp) / item.filename
        path.write_bytes(content)
        return engine.grade_item(item, path, "hidden", settings.limits)


async def grade(db: Database, settings: Settings, submission_id: int,
                engine_slots: asyncio.Semaphore | None = None) -> bool:
    """Grade one submission; False when there was nothing to do (graded already, or gone).

    ``engine_slots`` bounds the engine runs alone: the reads and writes around them go on
    while other submissions are graded, so a grading slot never waits for the store.
    """
    async with db.session() as session:
        sub = await session.get(Submission, submission_id)
        if sub is None or sub.status != "queued":
            return False
        item = settings.course.item(sub.item)
        key = (sub.sha256, sub.item, sub.suite)
        found = None if sub.force else await session.get(Grade, key)
        content, force, suite, days_late = sub.content, sub.force, sub.suite, sub.days_late
    if found is not None:
        result = ItemResult.from_json(json.loads(found.result))
    else:
        async with engine_slots or contextlib.nullcontext():
            result = await anyio.to_thread.run_sync(run_engine, item, content, settings)
        async with db.session() as session:
            await session.execute(_keep(db, key, result))
            await session.commit()
    score = settings.rules(item).score(result.score, days_late)
    async with db.session() as session:
        won = await session.execute(
            update(Submission)
            .where(Submission.id == submission_id, Submission.status == "queued", Submission.suite == suite,
                   Submission.force == force)
            .values(status="graded", graded_at=now(), writes=Submission.writes + 1, score=score,
                    max_score=result.max_score, flagged=bool(result.flags), force=False))
        if won.rowcount == 1:
            user_id = (await session.get(Submission, submission_id)).user_id
            session.add(Change(submission_id=submission_id, user_id=user_id, kind="graded"))
        await session.commit()
    return won.rowcount == 1


def _keep(db: Database, key: tuple[str, str, str], result: ItemResult):
    """The statement that stores a result under its key, replacing the one there: an upsert,
    because another grader (a job delivered twice, or two students' identical files) may
    have stored the same key between our lookup and now, and a plain INSERT would then fail."""
    insert = sqlite_insert if db.sqlite else postgres_insert
    values = {"graded_by": WHO, "graded_at": now(), "result": json.dumps(result.to_json(detail=True), sort_keys=True)}
    return (insert(Grade).values(sha256=key[0], item=key[1], suite=key[2], **values)
            .on_conflict_do_update(index_elements=["sha256", "item", "suite"], set_=values))


async def result_of(session, sub: Submission) -> ItemResult | None:
    """The graded result a submission points at (None while it is queued)."""
    if sub.status != "graded":
        return None
    found = await session.get(Grade, (sub.sha256, sub.item, sub.suite))
    return ItemResult.from_json(json.loads(found.result)) if found is not None else None


async def requeue(session, sub: Submission, settings: Settings, force: bool) -> None:
    """Put a graded submission back in the queue (a regrade): against today's suite, and
    with ``force`` graded again even when that suite's result for this file is known."""
    sub.status = "queued"
    sub.suite = suite_fingerprint(settings.course.item(sub.item))
    sub.force = force
    sub.queued_at = now()
    sub.dispatches += 1
    session.add(Change(submission_id=sub.id, user_id=sub.user_id, kind="queued"))


class Queue(Protocol):
    async def send(self, submission_id: int) -> None: ...
    async def close(self) -> None: ...


class LocalQueue:
    """Grades in this process: at most ``Settings.workers`` engine runs at once, each in a
    worker process of the engine; a submission already waiting or grading is not taken twice."""

    def __init__(self, db: Database, settings: Settings, notify: Callable[[], None] = lambda: None) -> None:
        self.db, self.settings, self.notify = db, settings, notify
        self._slots = asyncio.Semaphore(max(1, settings.workers))
        self._pending: dict[int, asyncio.Task] = {}

    async def send(self, submission_id: int) -> None:
        if submission_id in self._pending:
            return
        self._pending[submission_id] = asyncio.create_task(self._run(submission_id))

    async def _run(self, submission_id: int) -> None:
        try:
            if await grade(self.db, self.settings, submission_id, self._slots):
                self.notify()
        except Exception:
            log.exception("grading submission %s failed; the sweeper will queue it again", submission_id)
        finally:
            self._pending.pop(submission_id, None)

    async def idle(self) -> None:
        """Wait until nothing is waiting or grading (tests, shutdown)."""
        while self._pending:
            await asyncio.gather(*self._pending.values(), return_exceptions=True)

    async def close(self) -> None:
        for task in self._pending.values():
            task.cancel()
        await asyncio.gather(*self._pending.values(), return_exceptions=True)


class Sweeper:
    """Queues again every submission still ungraded ``requeue_after`` seconds after it was queued."""

    def __init__(self, db: Database, settings: Settings, queue: Queue) -> None:
        self.db, self.settings, self.queue = db, settings, queue

    async def sweep(self, older_than: float | None = None) -> list[int]:
        bound = self.settings.requeue_after if older_than is None else older_than
        cutoff = now() - timedelta(seconds=bound)
        async with self.db.session() as session:
            stale = (await session.execute(select(Submission.id).where(
                Submission.status == "queued", Submission.queued_at <= cutoff).order_by(Submission.id))).scalars().all()
            if stale:
                await session.execute(update(Submission).where(Submission.id.in_(stale))
                                      .values(queued_at=now(), dispatches=Submission.dispatches + 1))
                await session.commit()
        for submission_id in stale:
            await self.queue.send(submission_id)
        return list(stale)

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.settings.sweep_every)
            try:
                await self.sweep()
            except Exception:
                log.exception("the sweep failed; trying again in %s s", self.settings.sweep_every)
