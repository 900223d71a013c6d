"""Async or def: pick the kind of route that suits the work.

Two routes do two kinds of work. ``GET /lookup`` waits on I/O: it asks a directory
service for a user, through an asynchronous client (``directory``, mocked here with
``asyncio.sleep``). ``GET /report`` computes: it counts primes with the given
``count_primes``, pure CPU work that never waits on anything.

FastAPI runs an ``async def`` route on its event loop and a plain ``def`` route in a
worker thread of its thread pool. Waiting with ``await`` frees the loop for other
requests; computing inside ``async def`` holds it, and every other request waits.
``GET /ping`` (given) is the canary: it must answer at any time.

Task 1. ``GET /lookup?user_id=N`` (``user_id`` an int, required) awaits
        ``directory.get_user(user_id)`` and answers ``{"user": <the record>}``. When the
        directory returns ``None`` it answers 404 with
        ``{"detail": "User N not found"}``.
Task 2. ``/lookup`` is an ``async def`` route that awaits the client on the event loop:
        many lookups can wait at the same time without holding a thread each.
Task 3. ``GET /report?n=N`` answers ``{"n": N, "prime_count": count_primes(N)}``. ``n``
        defaults to 10000 and must be between 2 and 100000 inclusive (422 otherwise).
Task 4. ``/report`` keeps the event loop free while it computes: declare it with plain
        ``def`` (FastAPI then runs it in its thread pool), so that ``/ping`` answers
        while a report is being computed.
"""

import asyncio
import math
from typing import Annotated

from fastapi import FastAPI, HTTPException, Query

LOOKUP_DELAY = 0.5  # seconds the mock directory takes to answer; the checks make it smaller

USERS = {
    1: {"id": 1, "name": "Ada Lovelace", "team": "analytics"},
    2: {"id": 2, "name": "Grace Hopper", "team": "compilers"},
    3: {"id": 3, "name": "Alan Turing", "team": "research"},
}


class UserDirectory:
    """A mock asynchronous client (think ``httpx.AsyncClient`` or an async database driver)."""

    async def get_user(self, user_id: int) -> dict | None:
        await asyncio.sleep(LOOKUP_DELAY)  # the network round trip
        record = USERS.get(user_id)
        return dict(record) if record is not None else None


directory = UserDirectory()


def count_primes(n: int) -> int:
    """How many primes are <= n, by trial division: CPU work with no waiting at all."""
    count = 0
    for candidate in range(2, n + 1):
        if all(candidate % divisor for divisor in range(2, math.isqrt(candidate) + 1)):
            count += 1
    return count


app = FastAPI()


@app.get("/ping")
async def ping() -> dict:
    """Answers at once, provided the event loop is free to run it."""
    return {"status": "ok"}


# TODO (tasks 1-2): GET /lookup?user_id=N awaits directory.get_user(user_id);
#   answer {"user": ...}, or 404 {"detail": "User N not found"} when it returns None.
# TODO (tasks 3-4): GET /report?n=N (default 10000, 2 <= n <= 100000) answers
#   {"n": n, "prime_count": count_primes(n)}.
# Choose `async def` or plain `def` for each route: that choice is the point of the exercise.
