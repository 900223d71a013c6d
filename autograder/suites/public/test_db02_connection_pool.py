"""Public checks for db02_connection_pool: one engine made at startup, and /pool-status.

Each check gets its own empty database (``DATABASE_URL`` is set before your module is
imported): an SQLite file in a temporary folder.
"""

import pytest
import sqlalchemy.ext.asyncio
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_json
from autograder.kit.db import database_url, load_on_database  # noqa: F401

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
def student(engines, load_student, database_url):  # noqa: F811
    module = load_on_database(load_student, database_url)
    module.QUERY_DELAY = 0
    return module


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_one_engine_at_startup(student, engines):
    """no engine at import, one at startup, still one after three requests"""
    expect(not engines, "an engine was created at import; create it in the lifespan")
    with TestClient(student.app) as client:
        for _ in range(3):
            expect_json(client.get("/slow-query"), {"result": 1})
    expect(len(engines) == 1, f"{len(engines)} engines were created; expected exactly one, at startup")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_pool_status(student):
    """GET /pool-status answers {"size": POOL_SIZE, "checked_out": 0} at rest"""
    student.POOL_SIZE = 4
    with TestClient(student.app) as client:
        expect_json(client.get("/pool-status"), {"size": 4, "checked_out": 0})
