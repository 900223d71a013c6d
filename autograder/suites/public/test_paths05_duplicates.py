"""Public checks for paths05_duplicates: 201 for a new id, 409 for a taken one."""

import pytest

from autograder.kit import expect_json, expect_status

DUNE = {"title": "Dune", "author": "Frank Herbert"}


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_creation_answers_201(client):
    """POST /books/1 to a free id answers 201 Created"""
    expect_status(client.post("/books/1", json=DUNE), 201, "a POST that creates a book answers 201 Created")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_taken_id_refused_and_first_book_kept(client):
    """a second POST /books/1 answers 409 and GET still answers the first book"""
    expect_status(client.post("/books/1", json=DUNE), 201, "a POST that creates a book answers 201 Created")
    expect_status(client.post("/books/1", json={"title": "Other", "author": "Someone"}), 409,
                  "the id is taken: answer 409 Conflict, not 200 with an error body")
    expect_json(client.get("/books/1"), {**DUNE, "summary": "No summary available"},
                "the refused POST must not replace the stored book")
