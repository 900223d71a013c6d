"""The store's engine and sessions, for SQLite (the default) and PostgreSQL alike.

The same URL names the store for the server and for every Celery worker, so the
workers write results where the server reads them. SQLite runs in WAL mode with a busy
timeout, so a worker process and the server can share the file on one machine.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from autograder.service.models import Base


class DatabaseError(Exception):
    """The store cannot be reached or used (one readable line)."""


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.sqlite = url.startswith("sqlite")
        try:
            self.engine: AsyncEngine = create_async_engine(
                url, **({"connect_args": {"timeout": 30}} if self.sqlite else {"pool_pre_ping": True}))
        except Exception as exc:  # noqa: BLE001 - a bad URL or a missing driver: one line
            raise DatabaseError(f"cannot use database {safe_url(url)}: {exc}") from None
        if self.sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    async def create(self) -> None:
        """Create the tables that are missing (a new store, or a new table)."""
        try:
            async with self.engine.begin() as conn:
                await conn.run_sync(Base.metadata.create_all)
        except (OSError, SQLAlchemyError) as exc:
            raise DatabaseError(f"cannot use database {safe_url(self.url)}: {_first_line(exc)}") from None

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self.sessions() as session:
            yield session

    async def close(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is shown as what it is not
        return "(an unparsable URL)"


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
