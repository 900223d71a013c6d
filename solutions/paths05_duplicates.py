"""Refuse a duplicate: 409 Conflict, and the stored book stays as it was.

The library of the previous item again (start from your own answer to it): a ``Book``
model (``title`` and ``author`` required, ``summary`` defaulting to
``"No summary available"``), the in-memory dict ``books``, ``GET /books/{book_id}``
(404 ``{"detail": "Book not found"}`` for an unknown id) and ``POST /books/{book_id}``.
The ``POST`` must now create a book only when the id is free. A refusal is an error, so
it is said with an error status (409 Conflict: the request clashes with the current
state of the resource), never with a 200 whose body happens to contain the word "error".

Task 1. ``POST /books/{book_id}`` to a free id stores the book and answers 201 Created
        with ``{"book_id": <id>, "book": {...}}``; ``GET`` then answers it, and an id
        without a book is still 404.
Task 2. ``POST`` to an id that already holds a book is answered 409 with
        ``{"detail": "Book with this ID already exists"}``, whatever the new body says.
Task 3. A refused ``POST`` changes nothing: ``GET`` still answers the first book.
"""

from typing import Annotated

from fastapi import FastAPI, HTTPException, Path, status
from pydantic import BaseModel

app = FastAPI()


# BEGIN SOLUTION
class Book(BaseModel):
    title: str
    author: str
    summary: str = "No summary available"


books: dict[int, Book] = {}


@app.get("/books/{book_id}", response_model=Book)
async def get_book(book_id: Annotated[int, Path()]) -> Book:
    book = books.get(book_id)
    if book is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Book not found")
    return book


@app.post("/books/{book_id}", status_code=status.HTTP_201_CREATED)
async def create_book(book_id: Annotated[int, Path()], book: Book) -> dict:
    if book_id in books:
        # Check before writing: the existing book must survive the refused request.
        raise HTTPException(status_code=status.HTTP_409_CONFLICT, detail="Book with this ID already exists")
    books[book_id] = book
    return {"book_id": book_id, "book": book}
# END SOLUTION
# STUB: # TODO (task 1): bring over Book, books and GET /books/{book_id} from your previous answer.
# STUB: books: dict = {}
# STUB:
# STUB:
# STUB: @app.post("/books/{book_id}")
# STUB: async def create_book(book_id: int):
# STUB:     # TODO (task 1): take the body as a Book, store it, answer 201 Created with {"book_id": ..., "book": ...}.
# STUB:     # TODO (tasks 2-3): if the id is taken, raise HTTPException 409 before touching `books`.
# STUB:     raise NotImplementedError("create_book() is not written yet")
