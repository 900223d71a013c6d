"""Waking the live pages: one watcher per server process, not one poll per open page.

Every change to a submission is a row of ``changes`` (:mod:`autograder.service.models`),
written by whichever process made it: this server, or a Celery worker elsewhere. An open
page's stream sends the rows after the last one it sent, and then waits for more. It used
to look for them itself four times a second: with a class's pages open that is a query
per page every 250 ms, taken from the grading's CPU. Now the streams wait on :class:`Changes`,
which this process wakes at once for what it did itself (a submission stored, an item
graded by the local engine, a regrade) and its one :meth:`Changes.watch` task wakes when the
change log's newest id moves (what a worker wrote), reading one number every ``POLL_SECONDS``.

No wake-up is lost: a stream takes the current :meth:`Changes.signal` *before* it reads, and
:meth:`Changes.notify` sets that signal and makes a new one, so a change made while a stream
was reading finds its signal already set, and the stream reads again at once.
"""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import func, select

from autograder.service.database import Database
from autograder.service.models import Change

log = logging.getLogger("workbook.service")

#: How often the watcher reads the change log's newest id (what other processes wrote).
POLL_SECONDS = 0.25


class Changes:
    def __init__(self) -> None:
        self._signal = asyncio.Event()
        self.seen = 0  # the newest change id the watcher has read

    def signal(self) -> asyncio.Event:
        """Set at the next change: take it before reading, wait on it after."""
        return self._signal

    def notify(self) -> None:
        """Something changed: wake every stream waiting, and arm a new signal for the next."""
        self._signal.set()
        self._signal = asyncio.Event()

    async def newest(self, db: Database) -> int:
        async with db.session() as session:
            return (await session.execute(select(func.max(Change.id)))).scalar() or 0

    async def start(self, db: Database) -> None:
        """Take the change log's newest id as seen: what is older is no news."""
        self.seen = await self.newest(db)

    async def watch(self, db: Database, every: float = POLL_SECONDS) -> None:
        """Wake the streams whenever the change log grows past what was seen (one task per
        process, after :meth:`start`)."""
        while True:
            await asyncio.sleep(every)
            try:
                newest = await self.newest(db)
            except Exception:  # noqa: BLE001 - a store that hiccups: the next look tries again
                log.warning("the change watcher could not read the store; trying again")
                continue
            if newest > self.seen:
                self.seen = newest
                self.notify()
