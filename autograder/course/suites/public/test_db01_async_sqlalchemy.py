"""Public checks for db01_async_sqlalchemy: create, 404 and 409, on a private test database.

Each check gets its own empty database (``DATABASE_URL`` is set before your module is
imported): an SQLite file in a temporary folder.
"""

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from autograder.kit import expect, expect_json, expect_status, run
from autograder.kit.db import ConnectionWatch, tables

pytest_plugins = ("autograder.kit.db",)  # database_url, database_student: a database per test


@pytest.fixture
def student(database_student):
    """The app, imported with ``DATABASE_URL`` naming this test's database."""
    return database_student


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_startup_creates_the_users_table(student, database_url):
    """starting the app creates the users table with id, email and name"""
    expect("users" not in tables(database_url), "the users table existed right after the import; create the "
                                                "tables in the lifespan")
    with TestClient(student.app):
        found = tables(database_url)
    expect({"id", "email", "name"} <= found.get("users", set()),
           f"after startup the database holds {found}; the lifespan must create the users table "
           "(id, email, name)")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_session_is_closed_even_when_the_route_fails(student):
    """get_session yields an AsyncSession and gives its connection back, also when the route raises"""

    async def borrow_and_fail():
        sessions = student.get_session()
        with ConnectionWatch() as watch:
            try:
                session = await anext(sessions)
                expect(isinstance(session, AsyncSession), f"get_session yielded {session!r}, not an AsyncSession")
                await session.execute(text("SELECT 1"))
                lent = watch.checked_out
                try:
                    await sessions.athrow(RuntimeError("the route failed"))
                except RuntimeError:
                    pass
                return lent, watch.checked_out
            finally:
                await student.engine.dispose()

    lent, after = run(borrow_and_fail())
    expect(lent == 1, f"the session held {lent} connections while in use; expected 1")
    expect(after == 0, "the connection was still lent out after the route failed; yield the session from "
                       "inside `async with` so it is always closed")


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
