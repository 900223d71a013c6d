"""The store: SQLite in WAL mode with a busy timeout (shared by server and workers on one
machine), and a store that cannot be used is one line."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from autograder.service.database import Database, DatabaseError


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_and_foreign_keys(tmp_path):
    async def read() -> tuple:
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'service.db'}")
        await db.create()
        async with db.session() as session:
            found = tuple([(await session.execute(text(f"PRAGMA {name}"))).scalar()
                           for name in ("journal_mode", "busy_timeout", "foreign_keys")])
        await db.close()
        return found

    assert asyncio.run(read()) == ("wal", 30000, 1)


@pytest.mark.parametrize(("url", "message"), [
    ("not a url", "cannot use database (an unparsable URL): Could not parse SQLAlchemy URL from given URL string"),
    ("postgresql+asyncpg://nobody:hunter2@127.0.0.1:1/x",
     "cannot use database postgresql+asyncpg://nobody:***@127.0.0.1:1/x: [Errno 111] Connect call failed "
     "('127.0.0.1', 1)"),
])
def test_a_store_that_cannot_be_used_is_one_line_without_its_password(url, message):
    async def open_it() -> None:
        db = Database(url)
        try:
            await db.create()
        finally:
            await db.close()

    with pytest.raises(DatabaseError) as caught:
        asyncio.run(open_it())
    assert str(caught.value) == message
