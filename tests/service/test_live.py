"""Waking the live pages: no wake-up lost to a stream that was reading, and the watcher
wakes them for a change another process wrote."""

from __future__ import annotations

import asyncio

from autograder.service.database import Database
from autograder.service.live import Changes
from autograder.service.models import Change, Submission, User


def test_a_change_made_while_a_stream_reads_wakes_it_at_once():
    async def scenario() -> tuple[bool, bool]:
        changes = Changes()
        taken = changes.signal()  # a stream takes its signal, then reads...
        changes.notify()  # ...while something changes
        woken = taken.is_set()
        fresh = changes.signal()  # the next reader waits for the next change
        return woken, fresh.is_set()

    assert asyncio.run(scenario()) == (True, False)


def test_the_watcher_wakes_the_streams_for_a_change_another_process_wrote(tmp_path):
    async def scenario() -> tuple[bool, int]:
        db = Database(f"sqlite+aiosqlite:///{tmp_path / 'service.db'}")
        await db.create()
        changes = Changes()
        await changes.start(db)
        watcher = asyncio.create_task(changes.watch(db, every=0.01))
        try:
            waiting = changes.signal()
            other = Database(db.url)  # a worker's own connection
            async with other.session() as session:
                session.add(User(username="ada", name="Ada", role="student"))
                await session.flush()
                session.add(Submission(user_id=1, item="i", attempt=1, sha256="0" * 64, content=b"x"))
                await session.flush()
                session.add(Change(submission_id=1, user_id=1, kind="graded"))
                await session.commit()
            await other.close()
            await asyncio.wait_for(waiting.wait(), 30)
            return waiting.is_set(), changes.seen
        finally:
            watcher.cancel()
            await db.close()

    assert asyncio.run(scenario()) == (True, 1)
