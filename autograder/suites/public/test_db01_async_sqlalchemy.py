"""Public checks for db01_async_sqlalchemy: create, 404 and 409, on a private test database.

Each check gets its own empty database (``DATABASE_URL`` is set before your module is
imported): an SQLite file in a temporary folder.
"""

import pytest

from autograder.kit import expect, expect_json, expect_status
from autograder.kit.db import database_url, student  # noqa: F401


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_create_and_read_a_user(student, client):
    """POST /users answers 201 with the user; GET /users/{id} answers it again"""
    response = client.post("/users", json={"email": "ada@example.com", "name": "Ada"})
    expect_status(response, 201)
    user = expect_json(response)
    expect(isinstance(user.get("id"), int), f"POST /users answered {user!r}; expected an integer id")
    expect_json(client.get(f"/users/{user['id']}"), user)


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_unknown_user_is_404(student, client):
    """GET /users/999 is 404 {"detail": "User not found"}"""
    response = client.get("/users/999")
    expect_status(response, 404)
    expect_json(response, {"detail": "User not found"})


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_duplicate_email_is_409(student, client):
    """a second user with the same email is 409 {"detail": "Email already registered"}"""
    client.post("/users", json={"email": "ada@example.com", "name": "Ada"})
    response = client.post("/users", json={"email": "ada@example.com", "name": "Other"})
    expect_status(response, 409)
    expect_json(response, {"detail": "Email already registered"})
