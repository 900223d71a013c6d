"""Hidden suite for paths04_books.

Catches: a missing book answered 200 with an error body (the source's answer does
this; it must be 404 with ``{"detail": "Book not found"}``), a POST answered 200 instead
of 201 Created, a wrong answer shape, a stored book not read back (or read back
without its summary), the default summary missing or not ``"No summary available"``,
a body without a title or an author accepted, and a non-integer ``book_id`` accepted.

Every refusal check first makes a valid request: an app that refuses everything earns
nothing for refusing. Everything is judged over HTTP; the suite never reads ``books``.
"""

import pytest

from autograder.kit import expect, expect_json, expect_status

DUNE = {"title": "Dune", "author": "Frank Herbert", "summary": "Spice, sand and politics."}
DEFAULT_SUMMARY = "No summary available"


def created(client, book_id, body):
    """POST a book; any 2xx passes here (the 201 itself is judged by its own check)."""
    response = client.post(f"/books/{book_id}", json=body)
    expect(200 <= response.status_code < 300,
           f"POST /books/{book_id} answered {response.status_code} ({response.text[:120]}); a valid book must be "
           "created (201)")
    return expect_json(response)


def fetched(client, book_id):
    response = client.get(f"/books/{book_id}")
    expect_status(response, 200, f"book {book_id} was created, so GET must answer it")
    return expect_json(response)


def expect_refused(response, location, why):
    expect_status(response, 422, why)
    detail = expect_json(response).get("detail")
    places = [tuple(error.get("loc", ())) for error in detail] if isinstance(detail, list) else []
    expect(location in places, f"{response.request.method} {response.request.url.path} was refused, but the error "
                               f"names {places} instead of {location}; let FastAPI validate it from the signature")


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_post_answers_the_created_book(client):
    """POST /books/1 answers {"book_id": 1, "book": {...}} with every field of the book"""
    body = created(client, 1, DUNE)
    expect(body == {"book_id": 1, "book": DUNE},
           f"POST /books/1 answered {body!r}; expected {{'book_id': 1, 'book': {DUNE!r}}}")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_post_answers_201_created(client):
    """a successful POST answers 201 Created"""
    response = client.post("/books/2", json=DUNE)
    expect_status(response, 201, "a POST that creates a resource answers 201 Created: "
                                 "@app.post(..., status_code=status.HTTP_201_CREATED)")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_get_answers_the_stored_book(client):
    """GET /books/{id} answers the book stored under that id, and only that one"""
    other = {"title": "Emma", "author": "Jane Austen", "summary": "Matchmaking."}
    created(client, 3, DUNE)
    created(client, 4, other)
    expect_json(client.get("/books/3"), DUNE, "GET /books/3 must answer the book POSTed to /books/3")
    expect_json(client.get("/books/4"), other, "GET /books/4 must answer the book POSTed to /books/4")


@pytest.mark.task(3)
@pytest.mark.points(2)
def test_missing_book_is_404(client):
    """GET of an id without a book answers 404, not 200 with an error in the body"""
    created(client, 5, DUNE)
    fetched(client, 5)
    for book_id in (999, 6):
        expect_status(client.get(f"/books/{book_id}"), 404,
                      "a missing book must be 404 Not Found: raise HTTPException(status_code=404, ...) "
                      "instead of returning an error body")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_missing_book_detail(client):
    """the 404 answer is {"detail": "Book not found"}"""
    created(client, 5, DUNE)
    fetched(client, 5)
    response = client.get("/books/999")
    expect_status(response, 404, "a missing book must be 404 Not Found")
    expect_json(response, {"detail": "Book not found"},
                "expected {'detail': 'Book not found'}: HTTPException(status_code=404, detail='Book not found')")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_summary_defaults(client):
    """a book posted without a summary gets "No summary available"; a given summary is kept"""
    plain = {"title": "Ulysses", "author": "James Joyce"}
    body = created(client, 7, plain)
    expected = {**plain, "summary": DEFAULT_SUMMARY}
    expect(isinstance(body, dict) and body.get("book") == expected,
           f"POST /books/7 without a summary answered {body!r}; the book must read {expected!r}")
    expect_json(client.get("/books/7"), expected, f"GET /books/7 must answer {expected!r}")
    created(client, 8, DUNE)
    expect_json(client.get("/books/8"), DUNE, "a summary that was given must be kept")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_title_and_author_are_required(client):
    """a body without a title or without an author is answered 422"""
    created(client, 9, DUNE)
    expect_refused(client.post("/books/10", json={"author": "Frank Herbert"}), ("body", "title"),
                   "title is a required field of Book")
    expect_refused(client.post("/books/10", json={"title": "Dune"}), ("body", "author"),
                   "author is a required field of Book")
    expect_refused(client.post("/books/10"), ("body",), "the book comes in the JSON body, which is required")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_book_id_must_be_an_int(client):
    """GET and POST /books/abc are answered 422, naming the path parameter book_id"""
    created(client, 11, DUNE)
    fetched(client, 11)
    expect_refused(client.post("/books/abc", json=DUNE), ("path", "book_id"),
                   "book_id must be an integer: annotate it as int")
    expect_refused(client.get("/books/abc"), ("path", "book_id"), "book_id must be an integer: annotate it as int")
