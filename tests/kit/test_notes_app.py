"""The notes API students write tests for: what it does once its awkward parts are replaced,
and that those parts are awkward in the way the lesson says (each copy made as the grader makes it)."""

from __future__ import annotations

import asyncio
import sqlite3

import httpx
import pytest
from fastapi.testclient import TestClient

from autograder.kit import notes_app
from autograder.kit.testgrader import fresh_notes_app

BEARER = {"Authorization": "Bearer any-token"}


@pytest.fixture
def app_module():
    return fresh_notes_app()


@pytest.fixture
def as_user(app_module, tmp_path):
    """Overrides the identity service and the database, as the students' tests must;
    answers a function that switches who is signed in."""
    current = {"name": "alice"}
    database = tmp_path / "notes.db"

    async def test_db():
        async with app_module.open_database(str(database)) as db:
            yield db

    app_module.app.dependency_overrides[app_module.get_current_user] = lambda: app_module.User(current["name"])
    app_module.app.dependency_overrides[app_module.get_db] = test_db

    def sign_in(name: str) -> None:
        current["name"] = name

    return sign_in


@pytest.fixture
def client(app_module, as_user):
    with TestClient(app_module.app) as test_client:
        yield test_client


def test_a_note_is_created_and_listed_for_its_owner(client):
    created = client.post("/notes", json={"title": "groceries", "body": "milk"}, headers=BEARER)
    assert created.status_code == 201
    assert created.json() == {"id": 1, "owner": "alice", "title": "groceries", "body": "milk"}
    assert client.get("/notes").json() == [created.json()]
    assert client.get("/notes/1").json() == created.json()


def test_a_note_of_another_user_is_as_missing_as_a_note_that_does_not_exist(client, as_user):
    client.post("/notes", json={"title": "alice's"})
    as_user("bob")
    assert client.get("/notes").json() == []
    for path in ("/notes/1", "/notes/99"):
        answer = client.get(path)
        assert (answer.status_code, answer.json()) == (404, {"detail": "Note not found"})
    assert client.delete("/notes/1").status_code == 404
    as_user("alice")
    assert client.get("/notes/1").status_code == 200  # bob's delete changed nothing


def test_the_settings_limit_the_notes_per_user(client, as_user):
    for n in range(3):
        assert client.post("/notes", json={"title": f"note {n}"}).status_code == 201
    refused = client.post("/notes", json={"title": "one too many"})
    assert (refused.status_code, refused.json()) == (409, {"detail": "At most 3 notes per user"})
    as_user("bob")
    assert client.post("/notes", json={"title": "bob's first"}).status_code == 201  # per user


def test_a_deleted_note_is_gone(client):
    client.post("/notes", json={"title": "temporary"})
    deleted = client.delete("/notes/1")
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert client.get("/notes/1").status_code == 404


@pytest.mark.parametrize(("title", "status"), [("", 422), ("x" * 100, 201), ("x" * 101, 422)])
def test_a_title_is_one_to_a_hundred_characters(client, title, status):
    assert client.post("/notes", json={"title": title}).status_code == status


def test_without_a_bearer_token_the_answer_is_401(app_module):
    with TestClient(app_module.app) as client:
        for headers in ({}, {"Authorization": "Basic abc"}):
            answer = client.get("/notes", headers=headers)
            assert answer.status_code == 401 and answer.json() == {"detail": "Not authenticated"}
            assert answer.headers["www-authenticate"] == "Bearer"


def test_the_identity_service_cannot_be_reached_from_a_test(app_module):
    with TestClient(app_module.app) as client, pytest.raises(RuntimeError) as raised:
        client.get("/notes", headers=BEARER)
    assert str(raised.value) == (f"the identity service ({notes_app.IDENTITY_SERVICE}) cannot be reached from tests: "
                                 "override get_current_user with app.dependency_overrides")


def test_the_settings_exist_only_while_the_lifespan_runs(app_module, as_user):
    with TestClient(app_module.app):
        assert app_module.app.state.settings == app_module.Settings(max_notes_per_user=3)
    assert not hasattr(app_module.app.state, "settings")


def test_without_the_lifespan_creating_a_note_fails(app_module, as_user):
    """An httpx.AsyncClient on the app does not run the lifespan: the settings are missing."""
    async def create():
        transport = httpx.ASGITransport(app=app_module.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            await client.post("/notes", json={"title": "x"})

    with pytest.raises(AttributeError, match="settings"):
        asyncio.run(create())


def test_the_production_database_is_named_by_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("NOTES_DATABASE", raising=False)
    assert fresh_notes_app().DATABASE == "notes.db"
    monkeypatch.setenv("NOTES_DATABASE", str(tmp_path / "production.db"))
    module = fresh_notes_app()
    assert str(tmp_path / "production.db") == module.DATABASE
    module.app.dependency_overrides[module.get_current_user] = lambda: module.User("carol")
    with TestClient(module.app) as client:  # get_db not overridden: the "production" file
        client.post("/notes", json={"title": "kept"})
    with sqlite3.connect(tmp_path / "production.db") as db:
        assert db.execute("SELECT owner, title, body FROM notes").fetchall() == [("carol", "kept", "")]

