"""The service's FastAPI application: its routers, its start and stop, its headers.

``create_app(settings)`` builds one app for one store. On start it creates the tables
that are missing, makes sure an instructor can sign in (printing a one-time sign-up link
when none has), picks the queue (the local engine, or Celery with a broker) and starts
the sweeper, which first queues again whatever an earlier run left ungraded.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from autograder.service import accounts, jobs, live, pages, submitting, teaching
from autograder.service.bodylimit import BodyLimit
from autograder.service.database import Database
from autograder.service.limiter import Limiter
from autograder.service.models import User
from autograder.service.settings import Settings

log = logging.getLogger("workbook.service")

#: Every response carries these: no framing, no sniffing, no referrer leaving the site, and
#: pages that run only their own scripts and styles.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                                "form-action 'self'"),
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def _queue(db: Database, settings: Settings, notify: Callable[[], None]) -> jobs.Queue:
    if settings.broker_url:
        from autograder.service.tasks import CeleryQueue

        return CeleryQueue(settings)
    return jobs.LocalQueue(db, settings, notify)


async def bootstrap(db: Database, settings: Settings, instructor: str = "instructor") -> accounts.Invite | None:
    """An instructor account, with a sign-up link, when none can sign in yet (a new store)."""
    async with db.session() as session:
        ready = (await session.execute(select(User).where(User.role == "instructor",
                                                          User.password_hash.is_not(None)))).first()
        if ready is not None:
            return None
        user = await accounts.security.user_by_name(session, instructor)
        if user is None:
            user = User(username=instructor, name="Instructor", role="instructor")
            session.add(user)
        invite = await accounts.invite(session, settings, user)
        await session.commit()
        return invite


def create_app(settings: Settings, on_invite: Callable[[accounts.Invite], None] | None = None) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = Database(settings.database_url)
        await db.create()
        changes = live.Changes()
        notify = changes.notify
        app.state.db, app.state.changes, app.state.notify = db, changes, notify
        app.state.stream_reads = asyncio.Semaphore(submitting.STREAM_READS)
        app.state.queue = _queue(db, settings, notify)
        sweeper = jobs.Sweeper(db, settings, app.state.queue)
        app.state.sweeper = sweeper
        invite = await bootstrap(db, settings)
        if invite is not None and on_invite is not None:
            on_invite(invite)
        # What a previous run left queued: graded now in this process; with Celery, only
        # what has waited past the bound (a live worker may be grading the rest).
        await sweeper.sweep(older_than=None if settings.broker_url else 0)
        await changes.start(db)
        tasks = [asyncio.create_task(sweeper.run()), asyncio.create_task(changes.watch(db))]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await app.state.queue.close()
            await db.close()

    app = FastAPI(title="FastAPI workbook: grading service", lifespan=lifespan,
                  description="Submit exercises, read feedback, watch the class.")
    app.state.settings = settings
    app.state.limiter = Limiter()
    app.add_middleware(BodyLimit)

    @app.middleware("http")
    async def headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.url.path.startswith("/api"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        """One readable line, not pydantic's list: the first problem, where it is."""
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path"))
        return JSONResponse({"detail": f"{where}: {first['msg']}" if where else first["msg"]}, status_code=422)

    @app.exception_handler(DBAPIError)
    async def store_down(request: Request, exc: DBAPIError) -> JSONResponse:
        """The store stopped answering (a restart, a cut connection): 503 and a wait, one line.
        Nothing half-done is kept: the request's transaction is rolled back with its session."""
        log.warning("the store failed a request to %s: %s", request.url.path, str(exc.orig or exc).splitlines()[0])
        return JSONResponse({"detail": "the grading service's database is not answering; try again in a moment"},
                            status_code=503, headers={"Retry-After": "5"})

    app.include_router(accounts.router)
    app.include_router(submitting.router)
    app.include_router(teaching.router)
    app.include_router(pages.router)
    return app
