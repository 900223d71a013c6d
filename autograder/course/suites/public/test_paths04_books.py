"""Public checks for paths04_books: the model's defaults, 201 on creation, a 404."""

import pytest

from autograder.kit import expect, expect_json, expect_status

DUNE = {"title": "Dune", "author": "Frank Herbert"}


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_book_model_requires_title_and_author(student):
    """Book needs a title and an author, and its summary defaults to "No summary available" """
    book_model = getattr(student, "Book", None)
    expect(book_model is not None and hasattr(book_model, "model_validate"),
           "your module defines no Book model (a pydantic BaseModel) yet")
    book = book_model.model_validate(DUNE)
    expect(getattr(book, "summary", None) == "No summary available",
           f"a Book made without a summary has summary={getattr(book, 'summary', None)!r}; "
           "expected the default \"No summary available\"")
    for missing in ("title", "author"):
        try:
            book_model.model_validate({key: value for key, value in DUNE.items() if key != missing})
        except ValueError:
            continue
        expect(False, f"a Book without its {missing} was accepted; a field without a default is required")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_create_answers_201_with_the_book(client):
    """POST /books/1 answers 201 {"book_id": 1, "book": {...}} with the summary filled in"""
    response = client.post("/books/1", json=DUNE)
    expect_status(response, 201, "a created book answers 201 Created")
    expect_json(response, {"book_id": 1, "book": {**DUNE, "summary": "No summary available"}})
    expect_status(client.post("/books/abc", json=DUNE), 422, "a book id that is not an int must be 422")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_missing_book_is_404(client):
    """GET /books/999 answers 404 {"detail": "Book not found"} when no book has that id"""
    response = client.get("/books/999")
    expect_status(response, 404, "a missing book must be 404 Not Found, not 200 with an error body")
    expect_json(response, {"detail": "Book not found"})
