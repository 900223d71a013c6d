"""What the lessons say about the libraries holds for the libraries installed.

A lesson that misstates a library teaches the mistake it set out to correct. Each test
pins one statement of a lesson source (``notebooks/src/<id>.md``) and checks the
library's real behaviour, so that both the wording and the fact are guarded.
"""

from __future__ import annotations

import asyncio
import time

import jwt
import pytest

from autograder.paths import LESSON_SOURCES


def lesson(item_id: str) -> str:
    return " ".join((LESSON_SOURCES / f"{item_id}.md").read_text(encoding="utf-8").split())


def test_pyjwt_refuses_an_iat_in_the_future_as_auth02_says():
    """auth02's table of registered claims: PyJWT checks more of ``iat`` than its type."""
    key = "k" * 32
    future = jwt.encode({"iat": int(time.time()) + 3600}, key, algorithm="HS256")
    with pytest.raises(jwt.ImmatureSignatureError):
        jwt.decode(future, key, algorithms=["HS256"])
    row = next(line for line in lesson("auth02_jwt_anatomy").split("| `") if line.startswith("iat`"))
    assert "future" in row and "ImmatureSignatureError" in row, row


def test_fastapi_run_in_threadpool_is_starlettes_as_perf02_says():
    """perf02 calls ``run_in_threadpool`` what it is: Starlette's, re-exported by FastAPI."""
    import fastapi.concurrency
    import starlette.concurrency

    assert fastapi.concurrency.run_in_threadpool is starlette.concurrency.run_in_threadpool
    text = lesson("perf02_sync_to_async")
    assert "FastAPI's wrapper" not in text and "re-exports" in text


def test_an_async_engine_made_at_import_connects_lazily_as_db02_says(tmp_path):
    """db02: SQLAlchemy's AsyncEngine opens nothing when made (db01 and the capstone make
    theirs at import); only asyncpg's pool must be made on the running loop."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    database = tmp_path / "lazy.db"
    engine = create_async_engine(f"sqlite+aiosqlite:///{database}")
    assert not database.exists() and engine.pool.checkedout() == 0  # made, nothing opened

    async def first_query() -> int:
        async with engine.connect() as conn:
            return (await conn.execute(text("select 1"))).scalar_one()

    assert asyncio.run(first_query()) == 1 and database.exists()
    asyncio.run(engine.dispose())
    text_ = lesson("db02_connection_pool")
    assert "a pool made at import time is created before the event loop" not in text_
    assert "connects lazily" in text_ and "asyncpg.create_pool()" in text_
