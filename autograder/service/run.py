"""Starting the service (``workbook server``) and a Celery worker (``workbook worker``).

The server prints its address and, on a new store, the instructor's one-time sign-up
link; uvicorn serves the app on one process (the local engine's workers are processes of
their own, started by the sandbox). A worker needs the same course installed and the same
database URL as the server; it reads each job's file from that database.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import uvicorn

from autograder.service import tasks
from autograder.service.app import create_app
from autograder.service.database import Database, DatabaseError, safe_url
from autograder.service.settings import DEFAULT_DATA, Settings, secret_for, sqlite_url


def settings_for(data: Path = DEFAULT_DATA, database: str | None = None, broker: str | None = None,
                 workers: int | None = None, public_url: str | None = None) -> Settings:
    extra = {"workers": workers} if workers else {}
    if public_url:
        extra["public_url"] = public_url.rstrip("/")
    return Settings(database_url=database or sqlite_url(data), secret=secret_for(data), broker_url=broker, **extra)


def check_store(settings: Settings) -> None:
    """Reach the store and create its tables before serving: a wrong URL, a server that
    does not answer or a missing driver is one line (DatabaseError) instead of a failed start."""

    async def create() -> None:
        db = Database(settings.database_url)
        try:
            await db.create()
        finally:
            await db.close()

    asyncio.run(create())


def serve(settings: Settings, host: str, port: int, say: Callable[[str], None]) -> None:
    check_store(settings)

    def invited(invite) -> None:
        say(f"instructor sign-up (once): {invite.link}  (user name {invite.username})")

    app = create_app(settings, on_invite=invited)
    say(f"grading service at http://{host}:{port}  (store: {_store(settings)}; grading: "
        f"{'Celery at ' + settings.broker_url if settings.broker_url else 'this process'})")
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)


def _store(settings: Settings) -> str:
    return safe_url(settings.database_url)


__all__ = ["DatabaseError", "check_store", "serve", "settings_for", "worker"]


def worker(broker: str, database: str, concurrency: int, name: str | None = None) -> None:
    try:
        tasks.visibility_timeout()
    except ValueError as exc:
        raise SystemExit(f"workbook worker: {exc}") from None
    tasks.work(broker, database, concurrency, name)
