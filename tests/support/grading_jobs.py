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
import os
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


def fresh_postgres(name: str) -> str:
    """The URL of an empty database ``name`` on the server WORKBOOK_DATABASE_URL names (dropped
    and made again: a database of its own, so other tests on that server are not disturbed);
    the test skips with the reason when the variable is unset or no server answers."""
    import pytest
    from sqlalchemy.engine import make_url

    from autograder.kit.db import ENV, server_answers

    base = os.environ.get(ENV)
    if not base:
        pytest.skip(f"{ENV} is not set: no PostgreSQL leg")
    reason = server_answers(base)
    if reason:
        pytest.skip(reason)

    administer(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    return make_url(base).set(drivername="postgresql+asyncpg", database=name).render_as_string(hide_password=False)


def drop_postgres(name: str) -> None:
    """Drop ``fresh_postgres``'s database (its sessions ended first)."""
    from autograder.kit.db import ENV

    administer(os.environ[ENV], f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def administer(url: str, *statements: str) -> None:
    """Run ``statements`` outside a transaction (CREATE/DROP DATABASE refuse one)."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    async def run() -> None:
        admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
        try:
            async with admin.connect() as conn:
                for statement in statements:
                    await conn.execute(text(statement))
        finally:
            await admin.dispose()

    asyncio.run(run())


def cut_connections(url: str) -> int:
    """End every other session on ``url``'s database (what a PostgreSQL restart does to its
    clients, without restarting a server other tests use); how many were ended."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    async def cut() -> int:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                ended = await conn.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": make_url(url).database})
                return sum(1 for (done,) in ended if done)
        finally:
            await engine.dispose()

    return asyncio.run(cut())
