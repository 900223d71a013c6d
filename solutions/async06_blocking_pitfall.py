"""Find the blocking calls: an app whose slow routes freeze every other request.

This app answered correctly in every test and froze in production. All of its routes
are ``async def``, so FastAPI runs them on the event loop's thread, and three of them
call *blocking* functions there: while one of those runs, no other request is served,
not even ``GET /ping``. Fix the three routes so that the loop stays free, without
changing a single answer. The given functions stay as they are.

Task 1. ``GET /thumbnails/{image_id}`` calls ``make_thumbnail``, a blocking library call
        with no async version. Run it off the event loop (the simplest way: declare the
        route with plain ``def``, which FastAPI runs in its thread pool). It still
        answers what ``make_thumbnail`` returned.
Task 2. ``GET /prices/{symbol}`` calls the old blocking client ``fetch_price_blocking``.
        Await the async client ``fetch_price`` instead. Same answers:
        ``{"symbol": "ACME", "price": 12.5}`` (the symbol upper-cased), and 404
        ``{"detail": "Unknown symbol: XYZ"}`` for a symbol that has no price.
Task 3. ``POST /orders`` already awaits ``fetch_price``, then calls the blocking
        ``write_audit_line``. The route must stay ``async def`` (it awaits), so run
        that call in the thread pool (``await run_in_threadpool(...)``). Same answers:
        201 with ``{"symbol", "quantity", "total", "audit_entry"}`` (the total rounded to
        cents), 404 for an unknown symbol (and then no audit line), 422 for a quantity
        below 1.
"""

import asyncio
import time
from typing import Annotated

from fastapi import FastAPI, HTTPException
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

WORK_DELAY = 0.5  # seconds each slow call takes; the checks make it much smaller

PRICES = {"ACME": 12.5, "GLOBEX": 99.0, "INITECH": 3.3333}
AUDIT_LOG: list[str] = []


def make_thumbnail(image_id: int) -> dict:
    """An imaging library: synchronous (CPU and disk work), with no async version."""
    time.sleep(WORK_DELAY)
    return {"image_id": image_id, "size": "128x128", "format": "webp"}


def fetch_price_blocking(symbol: str) -> float:
    """The old market-data client: a blocking HTTP call, like ``requests.get``.

    Raises ``KeyError`` for a symbol that has no price.
    """
    time.sleep(WORK_DELAY)
    return PRICES[symbol]


async def fetch_price(symbol: str) -> float:
    """The new market-data client: the same data, awaited instead of blocking."""
    await asyncio.sleep(WORK_DELAY)
    return PRICES[symbol]


def write_audit_line(line: str) -> int:
    """A legacy audit writer: synchronous file I/O. Returns the entry's number."""
    time.sleep(WORK_DELAY)
    AUDIT_LOG.append(line)
    return len(AUDIT_LOG)


class Order(BaseModel):
    symbol: str
    quantity: Annotated[int, Field(ge=1)]


app = FastAPI()


@app.get("/ping")
async def ping() -> dict[str, str]:
    return {"ping": "pong"}


# BEGIN SOLUTION
@app.get("/thumbnails/{image_id}")
def thumbnail(image_id: int) -> dict:
    # Plain `def`: FastAPI runs the whole route in its thread pool, so the blocking
    # library call holds up one worker thread, not the event loop.
    return make_thumbnail(image_id)


@app.get("/prices/{symbol}")
async def price(symbol: str) -> dict:
    symbol = symbol.upper()
    try:
        value = await fetch_price(symbol)  # the async client: the loop serves others meanwhile
    except KeyError:
        raise HTTPException(status_code=404, detail=f"Unknown symbol: {symbol}") from None
    return {"symbol": symbol, "price": value}


@app.post("/orders", status_code=201)
async def place_order(order: Order) -> dict:
    symbol = order.symbol.upper()
    try:
        unit_price = await fetch_price(symbol)
    except KeyError:
        raise HTTPException(status_code=404, detail=f"Unknown symbol: {symbol}") from None
    total = round(unit_price * order.quantity, 2)
    # The route must stay a coroutine (it awaits fetch_price), so the blocking writer
    # goes to the thread pool explicitly.
    entry = await run_in_threadpool(write_audit_line, f"BUY {order.quantity} {symbol} @ {unit_price}")
    return {"symbol": symbol, "quantity": order.quantity, "total": total, "audit_entry": entry}
# END SOLUTION
# STUB: # Each route below gives the right answers but blocks the event loop while it works.
# STUB:
# STUB:
# STUB: @app.get("/thumbnails/{image_id}")
# STUB: async def thumbnail(image_id: int) -> dict:
# STUB:     # TODO (task 1): make_thumbnail blocks, and this coroutine runs on the event loop.
# STUB:     return make_thumbnail(image_id)
# STUB:
# STUB:
# STUB: @app.get("/prices/{symbol}")
# STUB: async def price(symbol: str) -> dict:
# STUB:     symbol = symbol.upper()
# STUB:     try:
# STUB:         value = fetch_price_blocking(symbol)  # TODO (task 2): use the async client
# STUB:     except KeyError:
# STUB:         raise HTTPException(status_code=404, detail=f"Unknown symbol: {symbol}") from None
# STUB:     return {"symbol": symbol, "price": value}
# STUB:
# STUB:
# STUB: @app.post("/orders", status_code=201)
# STUB: async def place_order(order: Order) -> dict:
# STUB:     symbol = order.symbol.upper()
# STUB:     try:
# STUB:         unit_price = await fetch_price(symbol)
# STUB:     except KeyError:
# STUB:         raise HTTPException(status_code=404, detail=f"Unknown symbol: {symbol}") from None
# STUB:     total = round(unit_price * order.quantity, 2)
# STUB:     entry = write_audit_line(f"BUY {order.quantity} {symbol} @ {unit_price}")  # TODO (task 3)
# STUB:     return {"symbol": symbol, "quantity": order.quantity, "total": total, "audit_entry": entry}
