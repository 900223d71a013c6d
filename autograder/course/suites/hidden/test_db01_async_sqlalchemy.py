"""Hidden suite for db01_async_sqlalchemy.

Catches: tables not made at startup (or made at import), the engine not disposed of at
shutdown, users stored somewhere other than ``DATABASE_URL``, a wrong status code or
shape (201, 204, 404, 409, 422), sessions leaked (a connection still lent out after the
answer, which is what a dependency without ``async with``/``close`` does), a duplicate
email accepted or answered 500, a session left broken after a failed commit, the list
not ordered or its ``limit``/``offset`` bounds not enforced, PATCH and DELETE wrong.

Every test gets its own empty database from ``autograder.kit.db``: an SQLite file by
default, a fresh PostgreSQL database when ``WORKBOOK_DATABASE_URL`` is set (the same
suite passes on both). Pool events show what the app does with its connections.
"""

import asyncio

import pytest
import sqlalchemy
from fastapi.testclient import TestClient
from sqlalchemy.ext.asyncio import create_async_engine

from autograder.kit import expect, expect_json, expect_status
from autograder.kit.db import ConnectionWatch, rows, tables

pytest_plugins = ("autograder.kit.db",)  # database_url, database_student: a database per test


@pytest.fixture
def student(database_student):
    """The app, imported with ``DATABASE_URL`` naming this test's database."""
    return database_student


ADA = {"email": "ada@example.com", "name": "Ada Lovelace"}
ALAN = {"email": "alan@example.com", "name": "Alan Turing"}
GRACE = {"email": "grace@example.org", "name": "Grace Hopper"}


def create(client, user):
    response = client.post("/users", json=user)
    expect_status(response, 201, "creating a user must answer 201 Created")
    body = expect_json(response)
    expect(isinstance(body, dict) and isinstance(body.get("id"), int) and body.get("email") == user["email"]
           and body.get("name") == user["name"] and set(body) == {"id", "email", "name"},
           f"POST /users answered {body!r}; expected exactly {{\"id\": <int>, \"email\", \"name\"}}")
    return body


def string_lengths(url):
    """The declared length of each string column of the users table, as the database reports it."""

    def read(connection):
        return {column["name"]: getattr(column["type"], "length", None)
                for column in sqlalchemy.inspect(connection).get_columns("users")}

    async def query():
        own_engine = create_async_engine(url)
        try:
            async with own_engine.connect() as connection:
                return await connection.run_sync(read)
        finally:
            await own_engine.dispose()

    return asyncio.run(query())


@pytest.fixture
def watch():
    with ConnectionWatch() as connection_watch:
        yield connection_watch


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_tables_made_at_startup_and_connections_closed_at_shutdown(student, database_url, watch):
    """importing creates nothing; startup makes the users table; shutdown closes every connection"""
    expect("users" not in tables(database_url), "the users table already existed right after the import; create "
                                                "the tables in the lifespan, not when the module is imported")
    with TestClient(student.app) as client:
        found = tables(database_url)
        expect("users" in found, f"after startup the database holds the tables {sorted(found)}; the lifespan must "
                                 "create the 'users' table (Base.metadata.create_all through conn.run_sync)")
        expect({"id", "email", "name"} <= found["users"],
               f"the users table has the columns {sorted(found['users'])}; expected id, email and name")
        lengths = string_lengths(database_url)
        expect(lengths.get("email") == 255 and lengths.get("name") == 100,
               f"the users table declares the string lengths {lengths}; expected email String(255) and name "
               "String(100)")
        create(client, ADA)
    expect(watch.open_now == 0, f"{watch.open_now} database connection(s) stayed open after shutdown; "
                                "await engine.dispose() after the lifespan's yield")


@pytest.mark.task(3)
@pytest.mark.points(2)
def test_created_user_is_201_and_stored(student, client, database_url):
    """POST /users answers 201 with id, email and name, and the row is in the database of DATABASE_URL"""
    ada = create(client, ADA)
    alan = create(client, ALAN)
    expect(ada["id"] != alan["id"], f"two users got the same id {ada['id']}")
    stored = sorted(rows(database_url, "SELECT id, email, name FROM users"))
    expected = sorted([(ada["id"], ADA["email"], ADA["name"]), (alan["id"], ALAN["email"], ALAN["name"])])
    expect(stored == expected, f"the users table of the DATABASE_URL database holds {stored}; expected {expected}")
    response = client.post("/users", json={"email": "not-an-address", "name": "X"})
    expect_status(response, 422, "an invalid email must be refused with 422")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_read_one_user_or_404(student, client):
    """GET /users/{id} answers the user; an unknown id is 404 'User not found'; a non-integer id is 422"""
    ada = create(client, ADA)
    expect_json(client.get(f"/users/{ada['id']}"), ada, f"GET /users/{ada['id']} must answer the stored user")
    missing = client.get(f"/users/{ada['id'] + 1000}")
    expect_status(missing, 404, "an unknown user must be 404 Not Found")
    expect_json(missing, {"detail": "User not found"})
    expect_status(client.get("/users/abc"), 422, "a non-integer id must be refused with 422")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_list_is_ordered_and_paginated(student, client, database_url):
    """GET /users lists by id; limit (1..100, default 50) and offset (>= 0) work and are checked"""
    users = [create(client, user) for user in (ADA, ALAN, GRACE)]
    expect_json(client.get("/users"), users, "GET /users must list every user, ordered by id")
    expect_json(client.get("/users", params={"limit": 2}), users[:2], "limit=2 must give the first two users")
    expect_json(client.get("/users", params={"offset": 1, "limit": 100}), users[1:],
                "offset=1 must skip the first user (and limit=100 is allowed)")
    expect_json(client.get("/users", params={"limit": 1, "offset": 0}), users[:1],
                "limit=1 and offset=0 are the smallest values allowed and must give the first user")
    for params in ({"limit": 0}, {"limit": 101}, {"offset": -1}):
        expect_status(client.get("/users", params=params), 422, f"{params} is out of bounds and must be 422")
    values = ", ".join(f"('user{n}@example.com', 'User {n}')" for n in range(48))
    rows(database_url, f"INSERT INTO users (email, name) VALUES {values}")
    listed = expect_json(client.get("/users"))
    expect(len(listed) == 50, f"with 51 users, GET /users without limit answered {len(listed)}; the default "
                              "limit is 50")


@pytest.mark.task(4)
@pytest.mark.points(2)
def test_duplicate_email_is_409_and_the_app_goes_on(student, client, database_url):
    """a second user with the same email is 409 'Email already registered'; nothing changes; the app still works"""
    ada = create(client, ADA)
    response = client.post("/users", json={"email": ADA["email"], "name": "Someone Else"})
    expect_status(response, 409, "an email that is already registered must be 409 Conflict")
    expect_json(response, {"detail": "Email already registered"})
    expect_json(client.get(f"/users/{ada['id']}"), ada, "the first user must be unchanged by the refused duplicate")
    create(client, ALAN)
    count = rows(database_url, "SELECT COUNT(*) FROM users")[0][0]
    expect(count == 2, f"the users table holds {count} rows after two users and one refused duplicate; expected 2")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_update_and_delete(student, client):
    """PATCH changes the given fields (404 unknown, 409 taken email); DELETE is 204, then the user is 404"""
    ada, alan = create(client, ADA), create(client, ALAN)
    renamed = client.patch(f"/users/{ada['id']}", json={"name": "Countess Lovelace"})
    expect_json(renamed, {**ada, "name": "Countess Lovelace"}, "PATCH with a new name must answer the changed user")
    taken = client.patch(f"/users/{ada['id']}", json={"email": ALAN["email"]})
    expect_status(taken, 409, "changing an email to one another user has must be 409 Conflict")
    expect_json(taken, {"detail": "Email already registered"})
    expect_status(client.patch("/users/99999", json={"name": "Nobody"}), 404, "PATCH of an unknown user must be 404")
    deleted = client.delete(f"/users/{alan['id']}")
    expect_status(deleted, 204, "DELETE must answer 204 No Content")
    expect(deleted.content == b"", f"DELETE answered a body ({deleted.content[:60]!r}); 204 has none")
    expect_status(client.get(f"/users/{alan['id']}"), 404, "a deleted user must be gone")
    expect_status(client.delete(f"/users/{alan['id']}"), 404, "deleting an unknown user must be 404")
    expect_json(client.get(f"/users/{ada['id']}"), {**ada, "name": "Countess Lovelace"},
                "the other user must keep its new name and its own email")


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_no_session_outlives_its_request(student, client, watch):
    """after every answer (200, 201, 404, 409, 204) no database connection is still lent out"""
    ada = create(client, ADA)
    requests = [("GET", f"/users/{ada['id']}", None), ("GET", "/users", None), ("GET", "/users/99999", None),
                ("POST", "/users", ADA), ("PATCH", f"/users/{ada['id']}", {"name": "Ada"}),
                ("DELETE", f"/users/{ada['id']}", None)]
    for method, path, body in requests:
        response = client.request(method, path, json=body)
        expect(watch.checked_out == 0,
               f"after {method} {path} answered {response.status_code}, {watch.checked_out} database connection(s) "
               "were still lent out: the session was not closed; yield it from `async with SessionLocal() as "
               "session:`")
    expect(watch.checkouts >= len(requests), "the routes did not use the database")
