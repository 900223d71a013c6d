"""One connection pool for the whole app: made at startup, shared, closed at shutdown.

Opening a database connection costs a network round trip or three, authentication and
a server process; a pool keeps a few connections open and lends them to requests. It
only helps if there is exactly one pool per app (not one per request), if every request
gives its connection back, and if its size bounds what the database sees.

A SQLAlchemy ``AsyncEngine`` *is* such a pool. The database is named by the environment
variable ``DATABASE_URL``; ``slow_query`` (given) stands for a query that keeps its
connection busy for ``QUERY_DELAY`` seconds.

Task 1. The app's ``lifespan`` creates the engine once, at startup, so that the app
        owns its pool from start to end (not per request; and, in this exercise, not
        at import): ``create_async_engine(DATABASE_URL, pool_size=POOL_SIZE,
        max_overflow=0, pool_timeout=POOL_TIMEOUT)``, and keeps it in
        ``app.state.engine``. With ``max_overflow=0`` the app never holds more than
        ``POOL_SIZE`` connections: further requests wait for one to come back.
Task 2. At shutdown the lifespan disposes of the engine, which closes every pooled
        connection.
Task 3. The dependency ``get_connection`` borrows one connection per request from
        ``request.app.state.engine`` and always gives it back, also when the route
        fails. ``GET /slow-query`` answers ``{"result": await slow_query(conn)}``.
Task 4. ``GET /pool-status`` answers ``{"size": <the pool's size>, "checked_out":
        <connections lent out right now>}`` (``engine.pool.size()`` and
        ``engine.pool.checkedout()``), without borrowing a connection itself.
"""

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Request
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

# Read at import, from the environment: the checks point it at a test database.
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite+aiosqlite:///./app.db")
POOL_SIZE = 5  # connections the pool keeps; the checks make it smaller
POOL_TIMEOUT = 30.0  # seconds a request may wait for a free connection
QUERY_DELAY = 0.5  # seconds slow_query keeps its connection busy


async def slow_query(conn: AsyncConnection) -> int:
    """Given: a query that keeps ``conn`` busy for a while, then answers 1."""
    result = await conn.execute(text("SELECT 1"))
    await asyncio.sleep(QUERY_DELAY)
    return result.scalar_one()


# BEGIN SOLUTION
@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.engine = create_async_engine(DATABASE_URL, pool_size=POOL_SIZE, max_overflow=0,
                                           pool_timeout=POOL_TIMEOUT)
    yield
    await app.state.engine.dispose()


async def get_connection(request: Request) -> AsyncIterator[AsyncConnection]:
    async with request.app.state.engine.connect() as conn:  # back to the pool when the request ends
        yield conn
# END SOLUTION
# STUB: @asynccontextmanager
# STUB: async def lifespan(app: FastAPI) -> AsyncIterator[None]:
# STUB:     # TODO (tasks 1-2): create the engine (the pool) here, keep it in app.state.engine,
# STUB:     # dispose of it after yield.
# STUB:     yield
# STUB:
# STUB:
# STUB: async def get_connection(request: Request) -> AsyncIterator[AsyncConnection]:
# STUB:     # TODO (task 3): borrow a connection from request.app.state.engine and give it back afterwards.
# STUB:     raise NotImplementedError("get_connection() is not written yet")
# STUB:     yield


ConnectionDep = Annotated[AsyncConnection, Depends(get_connection)]

app = FastAPI(lifespan=lifespan)


# BEGIN SOLUTION
@app.get("/slow-query")
async def run_slow_query(conn: ConnectionDep) -> dict:
    return {"result": await slow_query(conn)}


@app.get("/pool-status")
async def pool_status(request: Request) -> dict:
    pool = request.app.state.engine.pool
    return {"size": pool.size(), "checked_out": pool.checkedout()}
# END SOLUTION
# STUB: @app.get("/slow-query")
# STUB: async def run_slow_query(conn: ConnectionDep) -> dict:
# STUB:     # TODO (task 3): answer {"result": await slow_query(conn)}.
# STUB:     raise NotImplementedError("run_slow_query() is not written yet")
# STUB:
# STUB:
# STUB: @app.get("/pool-status")
# STUB: async def pool_status(request: Request) -> dict:
# STUB:     # TODO (task 4): the pool's size and how many connections are lent out, without borrowing one.
# STUB:     raise NotImplementedError("pool_status() is not written yet")
