"""Converting a synchronous app to async, without changing a single answer.

The shop below was written for a blocking database driver: every data-access function
calls ``time.sleep(DB_DELAY)`` to stand for a round trip, and every route is a plain
``def`` (FastAPI runs those in its thread pool). The team has moved to an async driver.
Convert the app so that the database waits no longer occupy a thread, and so that
clients cannot tell the difference: same status codes, same bodies, same validation.

``legacy_tax_rate`` comes from a third-party library that has no async version: it
blocks, and it must stay as it is.

Task 1. ``fetch_product``, ``fetch_stock`` and ``save_order`` become coroutine functions
        (``async def``); each awaits ``asyncio.sleep(DB_DELAY)`` where the sync version
        called ``time.sleep(DB_DELAY)``, and returns what it returned before.
Task 2. Every route becomes ``async def`` and answers exactly as before: the products,
        the prices, orders (201), 404 and 409 with their details, 422 for bad input.
        Keep each stock check next to its update (no ``await`` in between), so that two
        orders arriving together can never sell the same units twice.
Task 3. No blocking call runs on the event loop: call ``legacy_tax_rate`` through the
        thread pool (``run_in_threadpool`` or ``asyncio.to_thread``), unchanged.
Task 4. ``GET /products/{product_id}`` reads the product and its stock concurrently
        (they do not depend on each other).
"""

import asyncio
import time

from fastapi import FastAPI, HTTPException, status
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

DB_DELAY = 0.05  # seconds per database round trip; the checks make it smaller
LEGACY_DELAY = 0.2  # seconds the legacy tax library blocks

PRODUCTS = {
    1: {"id": 1, "name": "Keyboard", "price": 49.9},
    2: {"id": 2, "name": "Mouse", "price": 19.5},
    3: {"id": 3, "name": "Monitor", "price": 189.0},
}
STOCK = {1: 5, 2: 0, 3: 2}
ORDERS: list[dict] = []
TAX_RATES = {"FR": 0.20, "DE": 0.19, "PT": 0.23}


def legacy_tax_rate(country: str) -> float | None:
    """The third-party call: blocking, no async version. Leave it as it is."""
    time.sleep(LEGACY_DELAY)
    return TAX_RATES.get(country.upper())


class OrderIn(BaseModel):
    product_id: int
    quantity: int = Field(gt=0, le=10)


app = FastAPI()


# BEGIN SOLUTION
async def fetch_product(product_id: int) -> dict | None:
    await asyncio.sleep(DB_DELAY)  # the async driver's round trip
    return PRODUCTS.get(product_id)


async def fetch_stock(product_id: int) -> int:
    await asyncio.sleep(DB_DELAY)
    return STOCK.get(product_id, 0)


async def save_order(order: dict) -> dict:
    await asyncio.sleep(DB_DELAY)
    saved = {"id": len(ORDERS) + 1, **order}
    ORDERS.append(saved)
    return saved


@app.get("/products/{product_id}")
async def get_product(product_id: int) -> dict:
    # The two reads are independent: wait for both at once.
    product, stock = await asyncio.gather(fetch_product(product_id), fetch_stock(product_id))
    if product is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Product not found")
    return {**product, "stock": stock}


@app.get("/products/{product_id}/price")
async def get_price(product_id: int, country: str = "FR") -> dict:
    product = await fetch_product(product_id)
    if product is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Product not found")
    # Blocking and not ours to rewrite: run it on a worker thread, not on the loop.
    rate = await run_in_threadpool(legacy_tax_rate, country)
    if rate is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"No tax rate for {country.upper()}")
    return {"product_id": product_id, "country": country.upper(), "net": product["price"],
            "gross": round(product["price"] * (1 + rate), 2)}


@app.post("/orders", status_code=status.HTTP_201_CREATED)
async def create_order(order: OrderIn) -> dict:
    product = await fetch_product(order.product_id)
    if product is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Product not found")
    available = await fetch_stock(order.product_id)
    # From here to the update there is no await: no other request can run in between.
    if order.quantity > available:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=f"Only {available} left")
    STOCK[order.product_id] = available - order.quantity
    total = round(product["price"] * order.quantity, 2)
    return await save_order({"product_id": order.product_id, "quantity": order.quantity, "total": total})
# END SOLUTION
# STUB: # TODO (tasks 1-4): convert everything below to async; the answers must not change.
# STUB: def fetch_product(product_id: int) -> dict | None:
# STUB:     time.sleep(DB_DELAY)  # the blocking driver's round trip
# STUB:     return PRODUCTS.get(product_id)
# STUB:
# STUB:
# STUB: def fetch_stock(product_id: int) -> int:
# STUB:     time.sleep(DB_DELAY)
# STUB:     return STOCK.get(product_id, 0)
# STUB:
# STUB:
# STUB: def save_order(order: dict) -> dict:
# STUB:     time.sleep(DB_DELAY)
# STUB:     saved = {"id": len(ORDERS) + 1, **order}
# STUB:     ORDERS.append(saved)
# STUB:     return saved
# STUB:
# STUB:
# STUB: @app.get("/products/{product_id}")
# STUB: def get_product(product_id: int) -> dict:
# STUB:     product = fetch_product(product_id)
# STUB:     if product is None:
# STUB:         raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Product not found")
# STUB:     return {**product, "stock": fetch_stock(product_id)}
# STUB:
# STUB:
# STUB: @app.get("/products/{product_id}/price")
# STUB: def get_price(product_id: int, country: str = "FR") -> dict:
# STUB:     product = fetch_product(product_id)
# STUB:     if product is None:
# STUB:         raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Product not found")
# STUB:     rate = legacy_tax_rate(country)
# STUB:     if rate is None:
# STUB:         raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"No tax rate for {country.upper()}")
# STUB:     return {"product_id": product_id, "country": country.upper(), "net": product["price"],
# STUB:             "gross": round(product["price"] * (1 + rate), 2)}
# STUB:
# STUB:
# STUB: @app.post("/orders", status_code=status.HTTP_201_CREATED)
# STUB: def create_order(order: OrderIn) -> dict:
# STUB:     product = fetch_product(order.product_id)
# STUB:     if product is None:
# STUB:         raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Product not found")
# STUB:     available = fetch_stock(order.product_id)
# STUB:     if order.quantity > available:
# STUB:         raise HTTPException(status.HTTP_409_CONFLICT, detail=f"Only {available} left")
# STUB:     STOCK[order.product_id] = available - order.quantity
# STUB:     return save_order({"product_id": order.product_id, "quantity": order.quantity,
# STUB:                        "total": round(product["price"] * order.quantity, 2)})
