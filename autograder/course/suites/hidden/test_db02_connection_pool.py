"""Hidden suite for db02_connection_pool.

Catches: an engine made at import, per request, or more than once; an engine on another
URL than ``DATABASE_URL``; more connections at once than ``POOL_SIZE`` (``max_overflow``
left at its default, or the size ignored) or a single connection shared by everyone;
connections not closed at shutdown (no ``dispose()``); a connection not given back
after a request (also when the route fails); ``/slow-query`` not using the borrowed
connection; ``/pool-status`` wrong, or borrowing a connection itself (it then waits
behind the busy ones).

Evidence: ``create_async_engine`` is replaced, before the module is imported, by a
wrapper that records every engine made; pool events (``ConnectionWatch``) count
connections opened, closed and lent out. Concurrency is checked on one event loop,
with the app's lifespan run by hand and a stand-in ``slow_query`` that holds its
connection until the test lets it go. Every test has its own database (SQLite by
default, PostgreSQL when ``WORKBOOK_DATABASE_URL`` is set).
"""

import asyncio

import pytest
import sqlalchemy.ext.asyncio
import sqlalchemy.ext.asyncio.engine
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from autograder.kit import asgi_client, expect, expect_json, expect_status, run
from autograder.kit.db import ConnectionWatch, load_on_database

pytest_plugins = ("autograder.kit.db",)  # database_url, database_student: a database per test

SIZE = 3  # the pool size the checks use
REQUESTS = 8  # concurrent requests in the pool check
GRACE = 0.3  # seconds given to a wrong pool to open more connections (a correct one never does)
GUARD = 2.0  # seconds: a guard against a request that never answers, not a speed limit
REACH = 4.0  # seconds: a guard for the first POOL_SIZE queries to start (a correct app needs milliseconds)
WAIT = 3.0  # POOL_TIMEOUT in the checks: a leaking app fails after this instead of 30 s

_real_create_async_engine = sqlalchemy.ext.asyncio.create_async_engine


@pytest.fixture
def engines(monkeypatch):
    """Every engine the student's module makes, recorded by a wrapped create_async_engine."""
    made = []

    def create_async_engine(*args, **kwargs):
        engine = _real_create_async_engine(*args, **kwargs)
        made.append(engine)
        return engine

    monkeypatch.setattr(sqlalchemy.ext.asyncio, "create_async_engine", create_async_engine)
    monkeypatch.setattr(sqlalchemy.ext.asyncio.engine, "create_async_engine", create_async_engine)
    return made


@pytest.fixture
def student(engines, load_student, database_url):
    module = load_on_database(load_student, database_url)
    module.POOL_SIZE = SIZE
    module.POOL_TIMEOUT = WAIT
    module.QUERY_DELAY = 0
    return module


@pytest.fixture
def watch():
    with ConnectionWatch() as connection_watch:
        yield connection_watch


def url_of(engine):
    return engine.url.render_as_string(hide_password=False)


class HeldQuery:
    """A stand-in for slow_query: runs SELECT 1 on the connection it gets, then waits for the gate."""

    def __init__(self):
        self.gate = asyncio.Event()
        self.holding = 0
        self.connections = []

    async def __call__(self, conn):
        self.connections.append(conn)
        value = (await conn.execute(text("SELECT 1"))).scalar_one()
        self.holding += 1
        try:
            await self.gate.wait()
        finally:
            self.holding -= 1
        return value


async def until(condition, seconds):
    """Let the loop run until ``condition()`` holds or ``seconds`` have passed; whether it holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition() and loop.time() < deadline:
        await asyncio.sleep(0.005)
    return condition()


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_one_engine_made_at_startup(student, engines, database_url, watch):
    """no engine at import; exactly one at startup, on DATABASE_URL, shared by every request"""
    expect(not engines, "an engine was created when the module was imported; create it in the lifespan, at startup")
    with TestClient(student.app) as client:
        expect(len(engines) == 1, f"startup created {len(engines)} engines; create exactly one in the lifespan")
        expect(url_of(engines[0]) == database_url,
               f"the engine was created for {url_of(engines[0])[:80]!r}; use DATABASE_URL")
        waits = engines[0].pool.timeout() if hasattr(engines[0].pool, "timeout") else None
        expect(waits == WAIT, f"the pool waits {waits} s for a free connection; with POOL_TIMEOUT {WAIT} it must "
                              "wait that long (create_async_engine(..., pool_timeout=POOL_TIMEOUT))")
        for _ in range(4):
            expect_json(client.get("/slow-query"), {"result": 1}, 'GET /slow-query must answer {"result": 1}')
        expect(len(engines) == 1, f"after 4 requests {len(engines)} engines had been created; requests must share "
                                  "the one made at startup (request.app.state.engine), never make their own")
    expect(len(watch.pools) == 1, f"the requests borrowed connections from {len(watch.pools)} different pools; "
                                  "there must be one pool, shared by all requests")


@pytest.mark.task(1)
@pytest.mark.points(3)
def test_never_more_connections_than_the_pool_size(student, watch):
    """8 concurrent slow queries with POOL_SIZE 3: exactly 3 run at once, the others wait, all answer"""
    held = HeldQuery()
    student.slow_query = held

    async def scenario():
        async with student.app.router.lifespan_context(student.app), asgi_client(student.app) as ac:
            requests = [asyncio.ensure_future(ac.get("/slow-query")) for _ in range(REQUESTS)]
            try:
                reached = await until(lambda: held.holding >= SIZE or any(r.done() for r in requests), REACH)
                await until(lambda: held.holding > SIZE, GRACE)  # a correct pool never gets there
                at_most, status = held.holding, None
                if reached:
                    status_request = asyncio.ensure_future(ac.get("/pool-status"))
                    await until(status_request.done, GUARD)
                    status = status_request.result() if status_request.done() else "waiting"
                    status_request.cancel()
            finally:
                held.gate.set()
            answers = await asyncio.gather(*requests, return_exceptions=True)
            after = (await ac.get("/pool-status")).json()
        return reached, at_most, status, answers, after

    reached, at_most, status, answers, after = run(scenario())
    broken = [a if isinstance(a, BaseException) else f"{a.status_code} {a.text[:60]}" for a in answers
              if isinstance(a, BaseException) or a.status_code != 200 or a.json() != {"result": 1}]
    if broken:
        pytest.fail(f"{len(broken)} of {REQUESTS} concurrent GET /slow-query failed (first: {broken[0]!s:.100}); "
                    "each must wait for a free connection and answer {\"result\": 1}", pytrace=False)
    expect(watch.peak <= SIZE, f"with POOL_SIZE {SIZE}, {watch.peak} connections were lent out at once; pass "
                               "pool_size=POOL_SIZE and max_overflow=0 so that extra requests wait")
    expect(reached and at_most == SIZE,
           f"with POOL_SIZE {SIZE} and {REQUESTS} requests at once, only {at_most} queries ran at the same time; "
           f"{SIZE} connections should be in use (one pool of POOL_SIZE, not one shared connection)")
    expect(status != "waiting", "GET /pool-status waited while the pool was busy: it must not borrow a connection "
                                "(read request.app.state.engine.pool instead of depending on get_connection)")
    expect(status is not None and status.status_code == 200
           and status.json() == {"size": SIZE, "checked_out": SIZE},
           f"while {SIZE} queries held connections, GET /pool-status answered "
           f"{getattr(status, 'text', status)!s:.80}; expected {{\"size\": {SIZE}, \"checked_out\": {SIZE}}}")
    expect(after == {"size": SIZE, "checked_out": 0},
           f"after every request had answered, GET /pool-status answered {after!r}; expected "
           f"{{\"size\": {SIZE}, \"checked_out\": 0}}")


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_connections_closed_at_shutdown(student, watch):
    """when the app stops, every connection its pool opened is closed (engine.dispose())"""
    with TestClient(student.app) as client:
        for _ in range(3):
            client.get("/slow-query")
        expect(watch.opened >= 1, "the app never opened a database connection")
    expect(watch.open_now == 0, f"{watch.open_now} database connection(s) stayed open after shutdown; "
                                "await app.state.engine.dispose() after the lifespan's yield")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_connection_given_back_after_each_request(student, watch):
    """after every answer, also a 500 from a failing query, no connection is still lent out"""
    with TestClient(student.app, raise_server_exceptions=False) as client:
        for _ in range(2):
            expect_json(client.get("/slow-query"), {"result": 1}, 'GET /slow-query must answer {"result": 1}')
            expect(watch.checked_out == 0, f"after GET /slow-query answered, {watch.checked_out} connection(s) were "
                                           "still lent out; borrow it with `async with engine.connect() as conn: "
                                           "yield conn`")

        async def failing_query(conn):
            await conn.execute(text("SELECT 1"))
            raise RuntimeError("the query failed")

        student.slow_query = failing_query
        expect_status(client.get("/slow-query"), 500, "a failing query must end in 500")
        expect(watch.checked_out == 0, f"after a failing query, {watch.checked_out} connection(s) were still lent "
                                       "out; `async with` gives the connection back even when the route raises")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_slow_query_gets_a_connection_of_the_pool(student, engines):
    """GET /slow-query passes slow_query a connection borrowed from the app's engine"""
    held = HeldQuery()
    held.gate.set()
    student.slow_query = held
    with TestClient(student.app) as client:
        expect_json(client.get("/slow-query"), {"result": 1}, 'GET /slow-query must answer {"result": 1}')
    expect(len(held.connections) == 1, f"one request called slow_query {len(held.connections)} times; expected once")
    conn = held.connections[0]
    expect(isinstance(conn, AsyncConnection) and engines and conn.engine is engines[-1],
           f"slow_query received {type(conn).__name__}; expected an AsyncConnection from the engine made at startup")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_pool_status_at_rest(student):
    """GET /pool-status answers the pool's size and 0 lent out when nothing runs"""
    with TestClient(student.app) as client:
        client.get("/slow-query")
        expect_json(client.get("/pool-status"), {"size": SIZE, "checked_out": 0},
                    f"expected {{\"size\": {SIZE}, \"checked_out\": 0}} (POOL_SIZE is {SIZE} in this check)")
