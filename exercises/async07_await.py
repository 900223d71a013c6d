"""``await``: the result, not a promise of it; and many fetches, a few at a time.

``fetch_item`` is a coroutine function: calling it returns a *coroutine object*, and only
``await`` runs it and hands back its result. The route ``GET /items/{item_id}`` below
forgot that. Then fetch many items concurrently, but politely: the inventory service
allows at most ``MAX_CONCURRENCY`` requests in flight from one caller.

Task 1. ``GET /items/{item_id}`` answers what ``fetch_item(item_id)`` returned, and 404
        ``{"detail": "Item <id> not found"}`` when ``fetch_item`` raises ``KeyError``.
        (It forgot ``await``: it answers 500 and the ``except`` never fires.)
Task 2. ``async def fetch_all(ids)`` fetches every id with ``fetch_item``, concurrently
        but never more than ``MAX_CONCURRENCY`` (3) at once (use an
        ``asyncio.Semaphore``: a fetch starts as soon as another one finishes), and
        returns a list with one result per id, in the order of ``ids`` (duplicates
        included; ``[]`` for no ids). A ``KeyError`` from ``fetch_item`` propagates.
Task 3. ``GET /items?ids=3&ids=1`` answers ``{"items": [...]}`` from ``fetch_all``, in
        the order asked; 404 ``{"detail": "Item <id> not found"}`` when an id is
        unknown; 422 without ``ids``.
"""

import asyncio
from typing import Annotated

from fastapi import FastAPI, HTTPException, Query

FETCH_DELAY = 0.5  # seconds one inventory call takes; the checks make it much smaller
MAX_CONCURRENCY = 3  # the inventory service's limit of requests in flight per caller

CATALOGUE = {1: "keyboard", 2: "mouse", 3: "monitor", 4: "webcam", 5: "headset", 6: "dock"}


async def fetch_item(item_id: int) -> dict:
    """One call to the inventory service. Raises ``KeyError`` for an unknown id."""
    await asyncio.sleep(FETCH_DELAY)
    name = CATALOGUE.get(item_id)
    if name is None:
        raise KeyError(item_id)
    return {"id": item_id, "name": name}


app = FastAPI()


@app.get("/items/{item_id}")
async def get_item(item_id: int) -> dict:
    try:
        item = fetch_item(item_id)  # TODO (task 1): this answers 500; what is missing?
    except KeyError:
        raise HTTPException(status_code=404, detail=f"Item {item_id} not found") from None
    return item


async def fetch_all(ids: list[int]) -> list[dict]:
    # TODO (task 2): fetch_item for every id, at most MAX_CONCURRENCY at once, results in order.
    raise NotImplementedError("fetch_all() is not written yet")


@app.get("/items")
async def get_items(ids: Annotated[list[int], Query()]) -> dict:
    # TODO (task 3): {"items": await fetch_all(ids)}, and 404 "Item <id> not found" for an unknown id.
    raise NotImplementedError("get_items() is not written yet")
