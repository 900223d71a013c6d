"""Hidden suite for paths05_duplicates.

Catches: a duplicate POST answered 200 with an error body (the source's answer does
this; it must be 409 Conflict with ``{"detail": "Book with this ID already exists"}``),
a duplicate only refused when its body differs, the stored book overwritten (the new
book written before the check, or no check at all), every POST refused once any book
exists, and a creation answered 200 instead of 201 or with the wrong shape.

Every check first creates a book and reads it back: an app that refuses everything
earns nothing for refusing. Everything is judged over HTTP; the suite never reads ``books``.
"""

import pytest

from autograder.kit import expect, expect_json, expect_status

FIRST = {"title": "Dune", "author": "Frank Herbert", "summary": "Spice, sand and politics."}
SECOND = {"title": "Dune Messiah", "author": "Frank Herbert"}
DEFAULT_SUMMARY = "No summary available"


def create(client, book_id, body):
    """POST a book to a free id; any 2xx passes here (the 201 itself is judged by its own check)."""
    response = client.post(f"/books/{book_id}", json=body)
    expect(200 <= response.status_code < 300,
           f"POST /books/{book_id} answered {response.status_code} ({response.text[:120]}); a book posted to a "
           "free id must be created (201)")
    expect_json(client.get(f"/books/{book_id}"), {"summary": DEFAULT_SUMMARY, **body},
                f"GET /books/{book_id} must answer the book just created")
    return response


@pytest.mark.task(2)
@pytest.mark.points(3)
def test_duplicate_is_409(client):
    """a second POST to the same id answers 409 Conflict, not 200 with an error body"""
    create(client, 1, FIRST)
    expect_status(client.post("/books/1", json=SECOND), 409,
                  "the id is taken: refuse with raise HTTPException(status_code=409, ...), "
                  "not with a 200 whose body says error")


@pytest.mark.task(3)
@pytest.mark.points(3)
def test_duplicate_does_not_overwrite(client):
    """after a refused duplicate, GET still answers the first book"""
    create(client, 1, FIRST)
    client.post("/books/1", json=SECOND)
    expect_json(client.get("/books/1"), FIRST,
                "the duplicate POST replaced the stored book; check `book_id in books` before writing")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_duplicate_detail(client):
    """the 409 answer is {"detail": "Book with this ID already exists"}"""
    create(client, 1, FIRST)
    response = client.post("/books/1", json=SECOND)
    expect_status(response, 409, "a duplicate must be 409 Conflict")
    expect_json(response, {"detail": "Book with this ID already exists"},
                "expected {'detail': 'Book with this ID already exists'}")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_identical_duplicate_is_409_too(client):
    """posting the very same book again is refused as well, every time"""
    create(client, 4, FIRST)
    for attempt in ("second", "third"):
        expect_status(client.post("/books/4", json=FIRST), 409,
                      f"the {attempt} POST of the same book to a taken id must be 409 as well: the id is taken, "
                      "whatever the body says")
    expect_json(client.get("/books/4"), FIRST, "the first book must stay stored")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_creation_answers_201(client):
    """POST to a free id answers 201 Created with {"book_id": ..., "book": ...}"""
    response = client.post("/books/2", json=SECOND)
    expect_status(response, 201, "a POST that creates a book answers 201 Created")
    expect_json(response, {"book_id": 2, "book": {**SECOND, "summary": DEFAULT_SUMMARY}},
                "the answer must be {'book_id': 2, 'book': <the stored book>}")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_other_ids_stay_free(client):
    """after a refused duplicate on one id, a free id (404 until then) can still be created"""
    create(client, 1, FIRST)
    client.post("/books/1", json=SECOND)
    missing = client.get("/books/2")
    expect_status(missing, 404, "no book was posted to /books/2 yet: a missing book is 404 Not Found")
    expect_json(missing, {"detail": "Book not found"}, "expected {'detail': 'Book not found'}")
    create(client, 2, SECOND)
    create(client, 3, FIRST)
