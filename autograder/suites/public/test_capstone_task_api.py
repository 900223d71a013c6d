"""Public checks for capstone_task_api: register and log in, /me, and a first task.

Each check gets its own empty database (``DATABASE_URL`` is set before your module is
imported): an SQLite file in a temporary folder. The hidden suite checks every part of
the contract in the notebook, with many more cases.
"""

import pytest

from autograder.kit import expect, expect_json, expect_status
from autograder.kit.db import database_url, student  # noqa: F401

PASSWORD = "correct-horse-battery-42"


def register_and_login(client, username="alice"):
    response = client.post("/register", json={"username": username, "password": PASSWORD})
    expect_status(response, 201, "registering a new user must answer 201 Created")
    login = client.post("/login", json={"username": username, "password": PASSWORD})
    expect_status(login, 200, "logging in with the right password must answer 200")
    return expect_json(login)


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_register_then_login(student, client):
    """POST /register answers 201 {id, username, role: "user"}; POST /login answers a token pair"""
    response = client.post("/register", json={"username": "alice", "password": PASSWORD})
    expect_status(response, 201)
    user = expect_json(response)
    expect(set(user) == {"id", "username", "role"} and user["username"] == "alice" and user["role"] == "user",
           f"POST /register answered {user!r}; expected {{\"id\": <int>, \"username\": \"alice\", \"role\": \"user\"}}")
    login = client.post("/login", json={"username": "alice", "password": PASSWORD})
    expect_status(login, 200)
    pair = expect_json(login)
    expect(set(pair) == {"access_token", "refresh_token", "token_type"} and pair["token_type"] == "bearer",
           f"POST /login answered {pair!r}; expected access_token, refresh_token and token_type 'bearer'")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_me_needs_the_access_token(student, client):
    """GET /me answers the caller with the access token, and 401 with WWW-Authenticate without it"""
    pair = register_and_login(client)
    me = client.get("/me", headers={"Authorization": f"Bearer {pair['access_token']}"})
    expect_status(me, 200)
    expect(expect_json(me).get("username") == "alice", f"GET /me answered {me.text[:100]}; expected alice")
    anonymous = client.get("/me")
    expect_status(anonymous, 401)
    expect_json(anonymous, {"detail": "Not authenticated"})
    expect(anonymous.headers.get("www-authenticate", "").lower().startswith("bearer"),
           "a 401 must carry the header WWW-Authenticate: Bearer")


@pytest.mark.task(5)
@pytest.mark.points(1)
def test_create_a_task(student, client):
    """POST /tasks with the access token answers 201 with the task, owned by the caller"""
    pair = register_and_login(client)
    response = client.post("/tasks", json={"title": "Read the brief"},
                           headers={"Authorization": f"Bearer {pair['access_token']}"})
    expect_status(response, 201)
    task = expect_json(response)
    expected = {"title": "Read the brief", "description": "", "done": False, "owner": "alice", "assignee": None}
    expect(isinstance(task, dict) and isinstance(task.get("id"), int)
           and {key: task.get(key) for key in expected} == expected and len(task) == 6,
           f"POST /tasks answered {task!r}; expected {{\"id\": <int>, **{expected!r}}}")
