# expected: 0/10
# why: the handler is registered for fastapi.HTTPException, so the router's own 404 and 405 keep FastAPI's shape (-2); JSONResponse is never imported, so every HTTPException it does catch ends in NameError (-3); no validation handler (-3) and no handler for the custom exception (-2)
"""The source's answer (intermediate-fastapi.md, Authentication & Authorization, Q9), as a submission.

The routes, the item store and the ``OutOfStockError`` class are the exercise's given
code (the source's own route reads an ``items`` it never defines). Of the rest, the
source writes only its HTTPException handler, kept as written: registered for FastAPI's
``HTTPException`` and returning a ``JSONResponse`` it never imports. It describes a
``RequestValidationError`` handler and a custom exception in words, with no code.
"""

from typing import Annotated

from fastapi import FastAPI, Header, HTTPException, Query, status
from pydantic import BaseModel, Field

app = FastAPI()

ITEMS: dict[str, dict] = {
    "foo": {"name": "The Foo Wrestlers", "price": 9.5},
    "bar": {"name": "The Bar Fighters", "price": 12.0},
}
STOCK: dict[str, int] = {"foo": 3, "bar": 0}


class NewItem(BaseModel):
    id: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1)
    price: float = Field(gt=0)


class OutOfStockError(Exception):
    def __init__(self, item_id: str) -> None:
        super().__init__(f"{item_id} is out of stock")
        self.item_id = item_id


@app.exception_handler(HTTPException)
async def http_exception_handler(request, exc):
    return JSONResponse(  # noqa: F821 - never imported
        status_code=exc.status_code,
        content={"message": f"Oops! {exc.detail}"},
    )


@app.get("/items/{item_id}")
async def read_item(item_id: str) -> dict:
    if item_id not in ITEMS:
        raise HTTPException(status_code=404, detail="Item not found")
    return {"item_id": item_id, **ITEMS[item_id]}


@app.post("/items/", status_code=status.HTTP_201_CREATED)
async def create_item(item: NewItem) -> dict:
    if item.id in ITEMS:
        raise HTTPException(status_code=409, detail="Item already exists")
    ITEMS[item.id] = {"name": item.name, "price": item.price}
    STOCK[item.id] = 0
    return {"item_id": item.id, **ITEMS[item.id]}


@app.post("/items/{item_id}/buy")
async def buy_item(item_id: str, quantity: Annotated[int, Query(ge=1, le=10)] = 1) -> dict:
    if item_id not in ITEMS:
        raise HTTPException(status_code=404, detail="Item not found")
    if STOCK[item_id] < quantity:
        raise OutOfStockError(item_id)
    STOCK[item_id] -= quantity
    return {"item_id": item_id, "bought": quantity, "left": STOCK[item_id]}


@app.get("/private")
async def private(authorization: Annotated[str | None, Header()] = None) -> dict:
    if authorization != "Bearer let-me-in":
        raise HTTPException(status_code=401, detail="Not authenticated", headers={"WWW-Authenticate": "Bearer"})
    return {"secret": 42}
