"""Public checks for paths05_duplicates: 201 for a new id, 409 for a taken one, nothing overwritten."""

import pytest

from autograder.kit import expect_json, expect_status

DUNE = {"title": "Dune", "author": "Frank Herbert"}
OTHER = {"title": "Other", "author": "Someone"}


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_creation_answers_201(client):
    """POST /books/1 to a free id answers 201 Created, and GET /books/1 answers the book"""
    expect_status(client.post("/books/1", json=DUNE), 201, "a POST that creates a book answers 201 Created")
    expect_json(client.get("/books/1"), {**DUNE, "summary": "No summary available"})


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_taken_id_is_409(client):
    """a second POST /books/1 answers 409 {"detail": "Book with this ID already exists"}"""
    expect_status(client.post("/books/1", json=DUNE), 201, "a POST that creates a book answers 201 Created")
    response = client.post("/books/1", json=OTHER)
    expect_status(response, 409, "the id is taken: answer 409 Conflict, not 200 with an error body")
    expect_json(response, {"detail": "Book with this ID already exists"})


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_refused_post_keeps_the_first_book(client):
    """after a refused second POST /books/1, GET /books/1 still answers the first book"""
    expect_status(client.post("/books/1", json=DUNE), 201, "a POST that creates a book answers 201 Created")
    client.post("/books/1", json=OTHER)
    expect_json(client.get("/books/1"), {**DUNE, "summary": "No summary available"},
                "the refused POST must not replace the stored book: check the id before storing")
