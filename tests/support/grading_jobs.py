"""Submissions written straight into a store, and what the store says of them, for the
tests of the grading jobs (tests/service/test_jobs.py, test_tasks.py).

The jobs read everything from the database, so a test that puts a row there as the server
would (stored, queued, its suite fingerprint) can grade it with or without a server, and
then read back the evidence the exactly-once promise rests on: ``status``, ``writes``,
``score`` and ``dispatches`` of each row.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from autograder.grading.store import suite_fingerprint
from autograder.service.database import Database
from autograder.service.models import Submission, User, now
from autograder.service.settings import Settings


@dataclass(frozen=True)
class Row:
    """What the store holds for one submission, as the checks read it."""

    id: int
    user: str
    item: str
    status: str
    writes: int
    score: float | None
    max_score: float
    dispatches: int


async def add_student(db: Database, username: str) -> int:
    async with db.session() as session:
        user = User(username=username, name=username.title(), role="student")
        session.add(user)
        await session.commit()
        return user.id


async def add_submission(db: Database, settings: Settings, user_id: int, item_id: str, content: bytes,
                         queued_at: datetime | None = None) -> int:
    """A queued submission as the server stores it before sending its job (next attempt)."""
    item = settings.course.item(item_id)
    async with db.session() as session:
        attempts = (await session.execute(select(Submission.attempt).where(
            Submission.user_id == user_id, Submission.item == item_id))).scalars().all()
        sub = Submission(user_id=user_id, item=item_id, attempt=1 + max(attempts, default=0),
                         sha256=hashlib.sha256(content).hexdigest(), content=content, suite=suite_fingerprint(item),
                         queued_at=queued_at or now(), dispatches=1, max_score=item.points)
        session.add(sub)
        await session.commit()
        return sub.id


async def rows(db: Database) -> dict[int, Row]:
    async with db.session() as session:
        found = (await session.execute(select(Submission, User.username).join(User, User.id == Submission.user_id)
                                       .order_by(Submission.id))).all()
    return {s.id: Row(s.id, name, s.item, s.status, s.writes, s.score, s.max_score, s.dispatches) for s, name in found}


def read_rows(url: str) -> dict[int, Row]:
    """``rows`` from synchronous code (a test polling while workers run)."""

    async def read() -> dict[int, Row]:
        db = Database(url)
        try:
            return await rows(db)
        finally:
            await db.close()

    return asyncio.run(read())
