"""Why async: one dashboard, three slow sources, one wait.

A dashboard needs a user's profile, their orders and some recommendations. Each comes
from a slow I/O source (mocked here: each awaits ``asyncio.sleep(LATENCY)``). Awaited
one after the other, the waits add up (3 x LATENCY); started together, the request
takes about as long as the slowest one.

Task 1. ``GET /dashboard?user_id=N`` answers
        ``{"profile": ..., "orders": ..., "recommendations": ...}``, each value being
        what the matching ``fetch_*`` function returned for that user (default user 1).
Task 2. The three sources run concurrently (``asyncio.gather`` or a ``TaskGroup``).
Task 3. Each source is called exactly once per request.
"""

import asyncio

from fastapi import FastAPI

LATENCY = 1.0  # seconds each mock source takes; the checks make it much smaller


async def fetch_profile(user_id: int) -> dict:
    await asyncio.sleep(LATENCY)
    return {"id": user_id, "name": f"user-{user_id}"}


async def fetch_orders(user_id: int) -> list[dict]:
    await asyncio.sleep(LATENCY)
    return [{"order_id": 100 + user_id, "total": 42.0}]


async def fetch_recommendations(user_id: int) -> list[str]:
    await asyncio.sleep(LATENCY)
    return ["Fluent Python", "Architecture Patterns with Python"]


app = FastAPI()


@app.get("/dashboard")
async def dashboard(user_id: int = 1) -> dict:
    # TODO (tasks 1-3): start the three fetch_* calls together and await them all.
    raise NotImplementedError("dashboard() is not written yet")
