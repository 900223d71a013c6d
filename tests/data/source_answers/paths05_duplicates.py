# expected: 3/10
# why: a duplicate is answered 200 with {"error": ...} instead of 409 Conflict (-5: status, detail, repeated duplicates), creation answers 200 instead of 201 (-1), and the question-4 GET it builds on answers a missing book 200 (-1); it never overwrites, which earns its 3 points
"""The source's answer to question 5 (its POST on top of its question-4 program), rewritten.

It keeps the first book, but reports the refusal, like the missing book, with a 200.
"""

from typing import Optional

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Book(BaseModel):
    title: str
    author: str
    summary: Optional[str] = "No summary available"


shelf: dict[int, Book] = {}


@app.get("/books/{book_id}")
async def read_book(book_id: int):
    found = shelf.get(book_id)
    if found:
        return found
    return {"error": "Book not found"}  # question 4's mistake: a 200


@app.post("/books/{book_id}")  # no status_code: a creation answered 200
async def add_book(book_id: int, book: Book):
    if book_id in shelf:
        return {"error": "Book with this ID already exists"}  # the source's mistake: a 200
    shelf[book_id] = book
    return {"book_id": book_id, "book": book}
