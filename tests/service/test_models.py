"""The tables' own rules: times are aware UTC on every backend, one attempt number per
student and item, and a grade is keyed by what determines it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import IntegrityError, StatementError

from autograder.service.database import Database
from autograder.service.models import Grade, Submission, User


def _with_store(tmp_path, work):
    async def run():
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'service.db'}")
        await db.create()
        try:
            async with db.session() as session:
                return await work(session)
        finally:
            await db.close()

    return asyncio.run(run())


def test_a_time_comes_back_aware_and_in_utc(tmp_path):
    paris = datetime(2026, 12, 1, 10, 0, tzinfo=timezone(timedelta(hours=1)))

    async def work(session):
        session.add(User(username="ada", name="Ada", role="student", created_at=paris))
        await session.commit()
        session.expunge_all()
        return (await session.get(User, 1)).created_at

    assert _with_store(tmp_path, work) == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_naive_time_is_refused(tmp_path):
    async def work(session):
        session.add(User(username="ada", name="Ada", role="student", created_at=datetime(2026, 12, 1)))
        await session.commit()

    with pytest.raises(StatementError, match="naive datetime"):
        _with_store(tmp_path, work)


def test_one_attempt_number_per_student_and_item(tmp_path):
    async def work(session):
        session.add(User(username="ada", name="Ada", role="student"))
        await session.flush()
        for _ in range(2):
            session.add(Submission(user_id=1, item="i", attempt=1, sha256="0" * 64, content=b"x"))
        await session.commit()

    with pytest.raises(IntegrityError):
        _with_store(tmp_path, work)


def test_a_grade_is_keyed_by_file_item_and_suite(tmp_path):
    async def work(session):
        for suite in ("a", "b"):
            session.add(Grade(sha256="0" * 64, item="i", suite=suite, result="{}"))
        await session.commit()
        session.add(Grade(sha256="0" * 64, item="i", suite="a", result="{}"))
        await session.commit()

    with pytest.raises(IntegrityError):
        _with_store(tmp_path, work)
