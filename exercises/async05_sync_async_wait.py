"""Two ways to wait: a blocking sleep in a ``def`` route, an awaited one in ``async def``.

Both routes make the client wait ``WAIT`` seconds (2 s, as the task states) before
answering. The first one uses a *blocking* sleep, so it must be a plain ``def`` route:
FastAPI runs those in its thread pool, where a blocked thread holds up nobody else. The
second one is a coroutine and waits with ``await asyncio.sleep``, which hands the event
loop back to the other requests while it waits.

Task 1. ``GET /sync-wait`` is a plain ``def`` route that calls ``time.sleep(WAIT)`` once
        and answers ``{"message": "Completed sync wait"}``.
Task 2. ``GET /async-wait`` is an ``async def`` route that awaits ``asyncio.sleep(WAIT)``
        once and answers ``{"message": "Completed async wait"}``.
Task 3. Neither route holds up the event loop: while ``/sync-wait`` sleeps in a worker
        thread, or ``/async-wait`` awaits its sleep, other requests are answered (never
        call ``time.sleep`` inside ``async def``).
"""

import asyncio
import time

from fastapi import FastAPI

WAIT = 2.0  # seconds each route waits; the checks make it much smaller

app = FastAPI()


# TODO (tasks 1 and 3): GET /sync-wait waits WAIT seconds with time.sleep, then answers
#       {"message": "Completed sync wait"}. Pick the kind of function (def or async def)
#       that keeps a blocking sleep away from the event loop.
# TODO (tasks 2 and 3): GET /async-wait waits WAIT seconds with asyncio.sleep, then answers
#       {"message": "Completed async wait"}. Pick the kind of function that can await.
