"""Custom error responses: one shape for every error the API can give.

The routes below are given. They raise ``HTTPException`` (a missing item, a missing
login), FastAPI raises ``RequestValidationError`` for bad input, and the buy route
raises a custom exception when the stock runs short. Write the exception class and the
three handlers, so that every error answers JSON with a ``"message"``.

Task 1. A handler for HTTP errors answers ``{"message": "Oops! <detail>"}`` with the
        exception's status code **and headers** (a 401 keeps its ``WWW-Authenticate``).
        Register it for ``starlette.exceptions.HTTPException``, the base class, so that
        it also reshapes the router's own 404 (unknown path: ``"Oops! Not Found"``) and
        405 (wrong method: ``"Oops! Method Not Allowed"``, with its ``Allow`` header).
Task 2. A handler for ``RequestValidationError`` answers 422 with
        ``{"message": "Oops! Invalid request", "errors": [...]}``, one entry per error:
        ``{"field": <the error's loc after its first element, joined with ".">,
        "source": <its first element: "path", "query" or "body">, "error": <its msg>}``.
        The submitted values are never echoed back (they may be passwords).
Task 3. ``OutOfStockError(item_id)`` is an ``Exception`` subclass that keeps the id in
        ``self.item_id``. Its handler answers 409 with
        ``{"message": "Oops! <item_id> is out of stock", "item_id": <item_id>}``.
"""

from typing import Annotated

from fastapi import FastAPI, Header, HTTPException, Query, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

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


# BEGIN SOLUTION
class OutOfStockError(Exception):
    """Raised when an order asks for more than the stock holds."""

    def __init__(self, item_id: str):
        super().__init__(f"{item_id} is out of stock")
        self.item_id = item_id  # what the handler reports


# Starlette's class, not FastAPI's subclass: the router raises Starlette's own
# HTTPException for an unknown path (404) or a wrong method (405).
@app.exception_handler(StarletteHTTPException)
async def http_exception_handler(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    return JSONResponse(
        status_code=exc.status_code,
        content={"message": f"Oops! {exc.detail}"},
        headers=exc.headers,  # WWW-Authenticate on a 401, Allow on a 405...
    )


@app.exception_handler(RequestValidationError)
async def validation_exception_handler(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [
        {"field": ".".join(str(part) for part in error["loc"][1:]), "source": error["loc"][0], "error": error["msg"]}
        for error in exc.errors()  # each error also has "input": deliberately left out
    ]
    return JSONResponse(
        status_code=422,  # Starlette named this constant _ENTITY before 0.48, _CONTENT since: the number is stable
        content={"message": "Oops! Invalid request", "errors": errors},
    )


@app.exception_handler(OutOfStockError)
async def out_of_stock_handler(request: Request, exc: OutOfStockError) -> JSONResponse:
    return JSONResponse(
        status_code=status.HTTP_409_CONFLICT,
        content={"message": f"Oops! {exc.item_id} is out of stock", "item_id": exc.item_id},
    )
# END SOLUTION
# STUB: class OutOfStockError(Exception):
# STUB:     """Raised when an order asks for more than the stock holds."""
# STUB:
# STUB:     # TODO (task 3): take the item id and keep it in self.item_id.
# STUB:
# STUB:
# STUB: # TODO (task 1): a handler for starlette.exceptions.HTTPException -> {"message": "Oops! <detail>"},
# STUB: #                keeping exc.status_code and exc.headers.
# STUB: # TODO (task 2): a handler for RequestValidationError -> 422 {"message": "Oops! Invalid request",
# STUB: #                "errors": [{"field": ..., "source": ..., "error": ...}, ...]}.
# STUB: # TODO (task 3): a handler for OutOfStockError -> 409 {"message": "Oops! <id> is out of stock",
# STUB: #                "item_id": <id>}.


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
