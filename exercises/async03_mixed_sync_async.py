"""Mixing a blocking call and an awaited one in the same ``async def`` route.

The warehouse's stock still comes from an old synchronous library: ``legacy_lookup(sku)``
blocks its thread for ``LEGACY_DELAY`` seconds (think ``requests`` or a synchronous
database driver). Prices come from a newer asynchronous service: ``fetch_price(sku)`` is
a coroutine function. Both are given; do not change them.

The route must await the price, so it is an ``async def`` route, and inside it the
blocking call would hold the event loop: every other request would wait for it. Hand
it to FastAPI's thread pool instead (``fastapi.concurrency.run_in_threadpool``).

Task 1. ``GET /mixed-endpoint?sku=...`` (``sku`` defaults to ``"A-100"``) answers
        ``{"message": "This is a mixed route", "record": <what legacy_lookup(sku)
        returned>, "price": <what fetch_price(sku) returned>}``.
Task 2. ``legacy_lookup`` runs in a worker thread of the pool, never on the event loop's
        thread: ``GET /ping`` answers while a legacy lookup is in progress.
Task 3. ``fetch_price`` is awaited directly on the event loop (it is a coroutine
        function: a thread would only create the coroutine, never run it), and each of
        the two functions is called exactly once per request, with the requested sku.
"""

import asyncio
import time

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

LEGACY_DELAY = 2.0  # seconds the legacy library blocks; the checks make it much smaller
PRICE_DELAY = 0.5  # seconds the pricing service takes

STOCK = {"A-100": 12, "B-200": 3, "C-300": 250}
PRICES = {"A-100": 19.99, "B-200": 5.5, "C-300": 0.75}


def legacy_lookup(sku: str) -> dict:
    """Stock level from the legacy warehouse library: synchronous and blocking (given)."""
    time.sleep(LEGACY_DELAY)
    return {"sku": sku, "stock": STOCK.get(sku, 0)}


async def fetch_price(sku: str) -> float:
    """Price from the pricing service: a coroutine function (given)."""
    await asyncio.sleep(PRICE_DELAY)
    return PRICES.get(sku, 0.0)


app = FastAPI()


@app.get("/ping")
async def ping() -> dict:
    """Answers at once, provided the event loop is free to run it."""
    return {"status": "ok"}


@app.get("/mixed-endpoint")
async def mixed_route(sku: str = "A-100") -> dict:
    # TODO (task 2): call legacy_lookup(sku) without blocking the event loop.
    # TODO (task 3): await fetch_price(sku).
    # TODO (task 1): answer the message, the record and the price.
    raise NotImplementedError("mixed_route() is not written yet")
