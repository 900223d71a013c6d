"""Public checks for db02_connection_pool: one engine made at startup, and /pool-status.

Each check gets its own empty database (``DATABASE_URL`` is set before your module is
imported): an SQLite file in a temporary folder.
"""

from types import SimpleNamespace

import pytest
import sqlalchemy.ext.asyncio
from fastapi.testclient import TestClient
from sqlalchemy import text

from autograder.kit import expect, expect_json, run
from autograder.kit.db import ConnectionWatch, load_on_database

pytest_plugins = ("autograder.kit.db",)  # database_url, database_student: a database per test

_real_create_async_engine = sqlalchemy.ext.asyncio.create_async_engine


@pytest.fixture
def engines(monkeypatch):
    made = []

    def create_async_engine(*args, **kwargs):
        made.append(_real_create_async_engine(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(sqlalchemy.ext.asyncio, "create_async_engine", create_async_engine)
    return made


@pytest.fixture
def student(engines, load_student, database_url):
    module = load_on_database(load_student, database_url)
    module.QUERY_DELAY = 0
    return module


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_one_engine_at_startup(student, engines):
    """no engine at import; at startup one engine, in app.state.engine, with POOL_SIZE connections"""
    expect(not engines, "an engine was created at import; create it in the lifespan")
    student.POOL_SIZE = 3
    with TestClient(student.app):
        kept = getattr(student.app.state, "engine", None)
        expect(len(engines) == 1 and kept is engines[0],
               f"{len(engines)} engines were created at startup and app.state.engine is {kept!r}; expected one "
               "engine, kept in app.state.engine")
        expect(kept.pool.size() == 3, f"with POOL_SIZE = 3 the pool's size is {kept.pool.size()}; pass "
                                      "pool_size=POOL_SIZE")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_shutdown_closes_the_pool(student):
    """after shutdown no pooled connection is left open"""
    with ConnectionWatch() as watch, TestClient(student.app) as client:
        engine = getattr(student.app.state, "engine", None)
        expect(engine is not None, "app.state.engine is not set while the app runs (task 1)")

        async def use_it():
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))

        client.portal.call(use_it)
        expect(watch.open_now >= 1, "the pool opened no connection")
    expect(watch.open_now == 0, f"{watch.open_now} connection(s) stayed open after shutdown; dispose of the "
                                "engine after the lifespan's yield")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_connection_given_back_even_when_the_route_fails(student):
    """get_connection lends one connection and gives it back, also when the route raises"""

    async def borrow_and_fail():
        lender = _real_create_async_engine(student.DATABASE_URL)  # the check's own engine
        request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(engine=lender)))
        with ConnectionWatch() as watch:
            try:
                borrowed = student.get_connection(request)
                conn = await anext(borrowed)
                await conn.execute(text("SELECT 1"))
                lent = watch.checked_out
                try:
                    await borrowed.athrow(RuntimeError("the route failed"))
                except RuntimeError:
                    pass
                return lent, watch.checked_out
            finally:
                await lender.dispose()

    lent, after = run(borrow_and_fail())
    expect(lent == 1, f"get_connection held {lent} connections while in use; expected 1, from "
                      "request.app.state.engine")
    expect(after == 0, "the connection was still lent out after the route failed; yield it from inside "
                       "`async with engine.connect()`")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_pool_status(student):
    """GET /pool-status answers {"size": POOL_SIZE, "checked_out": 0} at rest"""
    student.POOL_SIZE = 4
    with TestClient(student.app) as client:
        expect_json(client.get("/pool-status"), {"size": 4, "checked_out": 0})
