"""Public checks for paths04_books: create and read back, the default summary, a 404."""

import pytest

from autograder.kit import expect_json, expect_status


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_create_then_read_with_default_summary(client):
    """POST /books/1 without a summary, then GET /books/1 shows "No summary available" """
    expect_status(client.post("/books/1", json={"title": "Dune", "author": "Frank Herbert"}), 201,
                  "a created book answers 201 Created")
    expect_json(client.get("/books/1"),
                {"title": "Dune", "author": "Frank Herbert", "summary": "No summary available"})


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_missing_book_is_404(client):
    """GET /books/999 answers 404 when no book has that id"""
    expect_status(client.post("/books/1", json={"title": "Dune", "author": "Frank Herbert"}), 201,
                  "a created book answers 201 Created")
    expect_status(client.get("/books/999"), 404, "a missing book must be 404 Not Found, not 200 with an error body")
