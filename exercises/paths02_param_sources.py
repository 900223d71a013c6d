"""Three sources of input in one request: the path, the query string and the body.

``PUT /items/{item_id}?q=...`` with a JSON body updates an item. FastAPI decides where
each parameter comes from by looking at the function's signature:

- a name that appears in the path template (``{item_id}``) is a **path** parameter;
- a parameter of a simple type (``int``, ``str``...) that is not in the path is a
  **query** parameter;
- a parameter annotated with a Pydantic model is read from the JSON **body**.

Task 1. ``PUT /items/{item_id}`` answers ``{"item_id": <int>, "q": <str or null>, "item": {...}}``:
        ``item_id`` from the path, ``q`` from the query string, ``item`` from the JSON body
        (an ``Item``; the answer shows all its fields, ``description`` included).
        A ``q`` or ``item_id`` written into the body, or an ``item_id`` in the query
        string, changes nothing.
Task 2. ``item_id`` is an ``int``: ``/items/abc`` and ``/items/1.5`` are answered 422.
        ``q`` is optional (``null`` when absent).
Task 3. The body is required and validated: no body, a body without ``name`` or
        ``price``, or a ``price`` that is not a number is answered 422.
"""

from typing import Annotated

from fastapi import Body, FastAPI, Path, Query
from pydantic import BaseModel


class Item(BaseModel):
    name: str
    price: float
    description: str | None = None


app = FastAPI()


@app.put("/items/{item_id}")
async def update_item():
    # TODO (tasks 1-3): declare item_id (path, int), q (query, optional) and item (body, Item).
    raise NotImplementedError("update_item() is not written yet")
