"""A private, throw-away database for every test of the database items.

By default a test's database is an SQLite file in the test's ``tmp_path``, opened with
the ``aiosqlite`` driver. When ``WORKBOOK_DATABASE_URL`` names a PostgreSQL server
(``postgresql+asyncpg://postgres@127.0.0.1:5432/test``), each test gets a brand-new
database on that server instead: created from ``template0`` before the test, dropped
``WITH (FORCE)`` after it, so nothing is left behind. If that server does not answer,
the test is skipped with a one-line reason.

How a suite points the student's module at that database: exercises read their URL
from the environment when they are imported, as deployed apps do::

    DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite+aiosqlite:///./app.db")

The ``database_url`` fixture sets ``DATABASE_URL`` to the test's database, and the
``database_student`` fixture below loads the module after that (and fails with one
sentence if the module did not read the variable). A suite opts in by naming this module
as a plugin, and makes that its ``student`` (so ``client`` uses it too)::

    pytest_plugins = ("autograder.kit.db",)

    @pytest.fixture
    def student(database_student):
        return database_student

A suite that must patch something before the import writes its own ``student`` fixture
with :func:`load_on_database`. To check what the app did, :func:`rows` and :func:`tables`
look into the test's database on their own connection, and :class:`ConnectionWatch`
counts the connections every pool opens, lends out and closes (leaked sessions, a
pool per request, a pool never disposed of).

Databases this module creates are named ``wb_<host>_<pid>_<random>``. A worker killed in
the middle of a test cannot drop its database, so before creating one, the fixture drops
those left by processes of this host that no longer exist.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import secrets
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import Pool

__all__ = ["ENV", "ConnectionWatch", "database_student", "database_url", "load_on_database", "private_database",
           "rows", "server_answers", "tables"]

ENV = "WORKBOOK_DATABASE_URL"  # the server to use instead of SQLite
STUDENT_ENV = "DATABASE_URL"  # what the students' modules read
CONNECT_TIMEOUT = 5.0  # seconds: a guard against a silent server, not a speed limit

_HOST_TAG = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]
_OWN_NAME = re.compile(rf"^wb_{_HOST_TAG}_(\d+)_[0-9a-f]+$")


# --- PostgreSQL administration -----------------------------------------------------


def _postgres_url(url: str) -> URL:
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(f"{ENV} must name a PostgreSQL server (postgresql+asyncpg://...), not {parsed.drivername}")
    return parsed.set(drivername="postgresql+asyncpg")


async def _connect(url: URL, database: str | None = None) -> Any:
    import asyncpg

    return await asyncpg.connect(host=_host(url), port=url.port or 5432, user=url.username,
                                 password=url.password, database=database or url.database,
                                 timeout=CONNECT_TIMEOUT)


def _host(url: URL) -> str:
    """The server's address: ``?host=/var/run/postgresql`` names its Unix socket folder.

    The grader's workers live in a private network namespace (loopback only, and not
    the machine's loopback), so they reach a local server through its Unix socket.
    """
    host = url.query.get("host")
    if isinstance(host, tuple):
        host = host[0] if host else None
    return host or url.host or "127.0.0.1"


def _where(url: URL) -> str:
    return f"{_host(url)}:{url.port or 5432}/{url.database or ''}"


def server_answers(url: str) -> str | None:
    """None when the PostgreSQL server at ``url`` answers a query, else a one-line reason to skip."""
    try:
        parsed = _postgres_url(url)
    except Exception as exc:  # noqa: BLE001 - any unusable URL is a reason to skip
        return f"{ENV} is not a usable PostgreSQL URL: {' '.join(str(exc).split())}"

    async def ping() -> None:
        connection = await _connect(parsed)
        try:
            await connection.fetchval("SELECT 1")
        finally:
            await connection.close()

    try:
        asyncio.run(ping())
    except Exception as exc:  # noqa: BLE001 - refused, timed out, bad password, no database...
        detail = " ".join(str(exc).split()) or type(exc).__name__
        return f"no PostgreSQL server answers at {_where(parsed)} ({detail})"
    return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def _drop(connection: Any, name: str) -> None:
    await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _drop_stale(connection: Any) -> None:
    """Drop the databases that dead processes of this host left behind."""
    names = await connection.fetch("SELECT datname FROM pg_database WHERE datname LIKE $1",
                                   f"wb\\_{_HOST_TAG}\\_%")
    for record in names:
        match = _OWN_NAME.match(record["datname"])
        if match and int(match.group(1)) != os.getpid() and not _pid_alive(int(match.group(1))):
            try:
                await _drop(connection, record["datname"])
            except Exception:  # noqa: BLE001 - another process may be dropping it right now
                pass


@contextmanager
def private_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server at ``server_url``; its URL, dropped on exit."""
    base = _postgres_url(server_url)
    name = f"wb_{_HOST_TAG}_{os.getpid()}_{secrets.token_hex(4)}"

    async def create() -> None:
        connection = await _connect(base)
        try:
            await _drop_stale(connection)
            await connection.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        finally:
            await connection.close()

    async def drop() -> None:
        connection = await _connect(base)
        try:
            await _drop(connection, name)
        finally:
            await connection.close()

    try:
        asyncio.run(create())
    except Exception as exc:  # noqa: BLE001
        detail = " ".join(str(exc).split()) or type(exc).__name__
        pytest.skip(f"could not create a test database at {_where(base)} ({detail})")
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(drop())


def sqlite_url(folder: Path) -> str:
    return f"sqlite+aiosqlite:///{Path(folder).resolve() / 'app.db'}"


# --- fixtures ------------------------------------------------------------------------


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The URL of this test's own empty database, also set as ``DATABASE_URL`` in the environment.

    SQLite (aiosqlite) in ``tmp_path`` by default; a new PostgreSQL database, dropped
    afterwards, when ``WORKBOOK_DATABASE_URL`` is set (skips if that server does not answer).
    """
    server = os.environ.get(ENV)
    if not server:
        url = sqlite_url(tmp_path)
        monkeypatch.setenv(STUDENT_ENV, url)
        yield url
        return
    reason = server_answers(server)
    if reason:
        pytest.skip(reason)
    with private_database(server) as url:
        monkeypatch.setenv(STUDENT_ENV, url)
        yield url


def load_on_database(load_student: Callable[[], ModuleType], database_url: str) -> ModuleType:
    """Load the student's module (``DATABASE_URL`` is already set) and check that it read the variable.

    For suites that must patch something before the import (to count engines, say):
    patch first, then call this from their own ``student`` fixture.
    """
    module = load_student()
    given = getattr(module, "DATABASE_URL", database_url)
    if given != database_url:
        pytest.fail(f"your module's DATABASE_URL is {str(given)[:80]!r}; read it from the environment with "
                    "os.environ.get(\"DATABASE_URL\", <default>) so that the checks can give it a test database",
                    pytrace=False)
    return module


@pytest.fixture
def database_student(load_student: Callable[[], ModuleType], database_url: str) -> ModuleType:
    """A fresh copy of the student's module, imported with ``DATABASE_URL`` naming this test's database."""
    return load_on_database(load_student, database_url)


# --- looking into the test's database ---------------------------------------------


def rows(url: str, sql: str, **params: Any) -> list[tuple]:
    """Run one SQL statement on the database at ``url`` (on a new connection) and return its rows.

    For checking what the student's app stored: ``rows(database_url, "SELECT email FROM users")``.
    Statements that return nothing give ``[]``. (Imported when this module is, so a suite
    that patches ``create_async_engine`` to count the student's engines does not count these.)
    """
    async def query() -> list[tuple]:
        own_engine = create_async_engine(url)
        try:
            async with own_engine.begin() as connection:
                result = await connection.execute(text(sql), params)
                return [tuple(row) for row in result] if result.returns_rows else []
        finally:
            await own_engine.dispose()

    return asyncio.run(query())


def tables(url: str) -> dict[str, set[str]]:
    """The tables of the database at ``url``, each with the names of its columns."""

    def read(connection: Any) -> dict[str, set[str]]:
        inspector = inspect(connection)
        return {name: {column["name"] for column in inspector.get_columns(name)}
                for name in inspector.get_table_names()}

    async def query() -> dict[str, set[str]]:
        own_engine = create_async_engine(url)
        try:
            async with own_engine.connect() as connection:
                return await connection.run_sync(read)
        finally:
            await own_engine.dispose()

    return asyncio.run(query())


# --- what the student's connection pools do ------------------------------------------


class ConnectionWatch:
    """Counts what every SQLAlchemy pool does while the watch is on (use it as ``with``).

    It listens to pool events on the ``Pool`` class, so it sees the pools of every
    engine, made before or after it started, whichever way the student made them:

    * ``opened`` / ``closed``: database connections created and closed. After the app's
      shutdown, ``open_now`` (opened - closed) is 0 when the engine was disposed of.
    * ``checked_out`` / ``peak``: connections lent out right now, and the most at once.
      After a request has been answered, ``checked_out`` is 0 unless a session leaked.
    * ``pools``: the distinct pools that lent a connection (one shared engine: 1).

    Open it outside the student's lifespan, and do not query with :func:`rows` while
    it is on if the counts must be the app's alone.
    """

    EVENTS = ("connect", "close", "close_detached", "checkout", "checkin")

    def __init__(self) -> None:
        self.opened = 0
        self.closed = 0
        self.checked_out = 0
        self.peak = 0
        self.checkouts = 0
        self.pools: set[int] = set()
        self._listeners: list[tuple[str, Callable[..., None]]] = []

    @property
    def open_now(self) -> int:
        return self.opened - self.closed

    def _connect(self, *args: Any) -> None:
        self.opened += 1

    def _close(self, *args: Any) -> None:
        self.closed += 1

    def _checkout(self, dbapi_connection: Any, record: Any, proxy: Any) -> None:
        self.checkouts += 1
        self.checked_out += 1
        self.peak = max(self.peak, self.checked_out)
        self.pools.add(id(getattr(proxy, "_pool", None) or record))

    def _checkin(self, *args: Any) -> None:
        self.checked_out -= 1

    def __enter__(self) -> ConnectionWatch:
        handlers = {"connect": self._connect, "close": self._close, "close_detached": self._close,
                    "checkout": self._checkout, "checkin": self._checkin}
        for name in self.EVENTS:
            event.listen(Pool, name, handlers[name])
            self._listeners.append((name, handlers[name]))
        return self

    def __exit__(self, *exc: object) -> None:
        for name, handler in self._listeners:
            event.remove(Pool, name, handler)
        self._listeners.clear()
