# expected: 6/10
# why: a missing book is answered 200 with {"error": ...} instead of 404 (-3: status and detail), and creation answers 200 instead of 201 Created (-1)
"""The source's answer to question 4, rewritten: right model, right shapes, wrong status codes."""

from typing import Optional

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Book(BaseModel):
    title: str
    author: str
    summary: Optional[str] = "No summary available"


library: dict[int, Book] = {}


@app.get("/books/{book_id}")
async def read_book(book_id: int):
    found = library.get(book_id)
    if found:
        return found
    return {"error": "Book not found"}  # the source's mistake: this is a 200


@app.post("/books/{book_id}")  # no status_code: a creation answered 200
async def add_book(book_id: int, book: Book):
    library[book_id] = book
    return {"book_id": book_id, "book": book}
