"""Public checks for capstone_task_api: one or two per part of the contract.

Each check gets its own empty database (``DATABASE_URL`` is set before your module is
imported): an SQLite file in a temporary folder. ``hash_password`` and ``verify_password``
are swapped for a fast stand-in. So that a part can pass before the others are done, the
checks put their users straight into your ``users`` table (the columns of part 5:
``username``, ``hashed_password``, ``role``) and mint their own access tokens
(``sub``, ``"type": "access"``) with your ``SECRET_KEY``; only the refresh check logs in.
The hidden suite checks every part of the contract in the notebook, with many more cases.
"""

import hashlib
import secrets

import jwt
import pytest
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_json, expect_status
from autograder.kit.db import load_on_database, rows
from autograder.kit.tokens import bearer, mint

pytest_plugins = ("autograder.kit.db",)  # database_url, database_student: a database per test

PASSWORD = "correct-horse-battery-42"


def fast_hash(password):
    salt = secrets.token_hex(8)
    return f"fast${salt}${hashlib.sha256((salt + password).encode()).hexdigest()}"


def fast_verify(password, hashed):
    if not isinstance(hashed, str) or not hashed.startswith("fast$"):
        return False  # DUMMY_HASH, for an unknown user
    _, salt, digest = hashed.split("$", 2)
    return secrets.compare_digest(hashlib.sha256((salt + password).encode()).hexdigest(), digest)


@pytest.fixture
def student(load_student, database_url):
    module = load_on_database(load_student, database_url)
    module.hash_password, module.verify_password = fast_hash, fast_verify
    return module


@pytest.fixture
def client(student):
    with TestClient(student.app, raise_server_exceptions=False) as test_client:
        yield test_client


def seed(database_url, username, role="user"):
    """A user put straight into the users table (part 5's columns), without add_user or /register."""
    try:
        rows(database_url, "INSERT INTO users (username, hashed_password, role) VALUES (:u, :h, :r)",
             u=username, h=fast_hash(PASSWORD), r=role)
    except Exception as error:  # noqa: BLE001 - any database error means the table is not there yet
        pytest.fail(f"could not add {username!r} to the users table ({type(error).__name__}): declare the User "
                    "model (table users: id, username, hashed_password, role) and make the tables in lifespan "
                    "(part 5)", pytrace=False)


def auth(student, username):
    """An access token minted with your key, so that the later parts do not need POST /login."""
    return bearer(mint({"sub": username, "type": "access"}, student.SECRET_KEY, student.ALGORITHM))


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_register(client):
    """POST /register answers 201 {id, username, role: "user"}; the same name again is 409"""
    response = client.post("/register", json={"username": "alice", "password": PASSWORD})
    expect_status(response, 201, "registering a new user must answer 201 Created")
    user = expect_json(response)
    expect(isinstance(user, dict) and set(user) == {"id", "username", "role"} and user["username"] == "alice"
           and user["role"] == "user",
           f"POST /register answered {user!r}; expected {{\"id\": <int>, \"username\": \"alice\", \"role\": \"user\"}}")
    again = client.post("/register", json={"username": "alice", "password": "another-password-1"})
    expect_status(again, 409, "a username already registered must answer 409 Conflict")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_login_and_me(student, client, database_url):
    """POST /login answers a pair whose access token opens GET /me; no token is 401 with WWW-Authenticate"""
    seed(database_url, "alice")
    login = client.post("/login", json={"username": "alice", "password": PASSWORD})
    expect_status(login, 200, "logging in with the right password must answer 200")
    pair = expect_json(login)
    expect(isinstance(pair, dict) and set(pair) == {"access_token", "refresh_token", "token_type"}
           and pair["token_type"] == "bearer",
           f"POST /login answered {pair!r}; expected access_token, refresh_token and token_type 'bearer'")
    access = jwt.decode(pair["access_token"], student.SECRET_KEY, algorithms=[student.ALGORITHM])
    expect(access.get("sub") == "alice" and access.get("type") == "access",
           f"the access token holds {access!r}; expected sub 'alice' and type 'access'")
    me = client.get("/me", headers=bearer(pair["access_token"]))
    expect_status(me, 200, "GET /me with the access token must answer 200")
    expect(expect_json(me).get("username") == "alice", f"GET /me answered {me.text[:100]}; expected alice")
    anonymous = client.get("/me")
    expect_status(anonymous, 401, "GET /me without a token must answer 401")
    expect(anonymous.headers.get("www-authenticate", "").lower().startswith("bearer"),
           "a 401 must carry the header WWW-Authenticate: Bearer")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_refresh_token_works_once(client, database_url):
    """the login's refresh token gives a new pair once; used again, or an access token sent instead, is 401"""
    seed(database_url, "alice")
    pair = expect_json(client.post("/login", json={"username": "alice", "password": PASSWORD}))
    expect(isinstance(pair, dict) and "refresh_token" in pair,
           "log in first (part 2): POST /login gave no refresh_token")
    first = client.post("/refresh-token", json={"refresh_token": pair["refresh_token"]})
    expect_status(first, 200, "an unused refresh token must give a new pair")
    expect(set(expect_json(first)) >= {"access_token", "refresh_token"},
           f"POST /refresh-token answered {first.text[:100]}")
    expect_status(client.post("/refresh-token", json={"refresh_token": pair["refresh_token"]}), 401,
                  "a refresh token used a second time must answer 401")
    expect_status(client.post("/refresh-token", json={"refresh_token": pair["access_token"]}), 401,
                  "an access token is not a refresh token: 401")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_users_list_is_for_admins(student, client, database_url):
    """GET /users answers every user to an admin, and 403 'Admin role required' to a user"""
    seed(database_url, "ann", role="admin")
    seed(database_url, "bob")
    listed = client.get("/users", headers=auth(student, "ann"))
    expect_status(listed, 200, "an admin must be answered GET /users")
    names = [user.get("username") for user in expect_json(listed) if isinstance(user, dict)]
    expect(names == ["ann", "bob"], f"GET /users listed {names!r}; expected ['ann', 'bob'] (by id)")
    refused = client.get("/users", headers=auth(student, "bob"))
    expect_status(refused, 403, "a user who is not an admin must get 403 from GET /users")
    expect_json(refused, {"detail": "Admin role required"})


@pytest.mark.task(5)
@pytest.mark.points(1)
def test_create_a_task(student, client, database_url):
    """POST /tasks with an access token answers 201 with the task, owned by the caller"""
    seed(database_url, "alice")
    response = client.post("/tasks", json={"title": "Read the brief"}, headers=auth(student, "alice"))
    expect_status(response, 201, "creating a task must answer 201 Created")
    task = expect_json(response)
    expected = {"title": "Read the brief", "description": "", "done": False, "owner": "alice", "assignee": None}
    expect(isinstance(task, dict) and isinstance(task.get("id"), int)
           and {key: task.get(key) for key in expected} == expected and len(task) == 6,
           f"POST /tasks answered {task!r}; expected {{\"id\": <int>, **{expected!r}}}")


@pytest.mark.task(6)
@pytest.mark.points(1)
def test_assignment_notifies_the_assignee(student, client, database_url):
    """a task created with an assignee sends that user exactly one notification"""
    seed(database_url, "alice")
    seed(database_url, "bob")
    response = client.post("/tasks", json={"title": "Review", "assignee": "bob"}, headers=auth(student, "alice"))
    expect_status(response, 201, "creating a task for bob must answer 201 Created (part 5)")
    task_id = expect_json(response).get("id")
    expect([{"to": "bob", "task_id": task_id, "title": "Review"}] == student.OUTBOX,
           f"OUTBOX holds {student.OUTBOX!r}; expected one notification to bob for task {task_id}: schedule "
           "send_notification with BackgroundTasks")


@pytest.mark.task(7)
@pytest.mark.points(1)
def test_sixth_login_attempt_is_429(client):
    """five login attempts in a minute are let through, the sixth is 429 with Retry-After"""
    for n in range(1, 6):
        response = client.post("/login", json={"username": "alice", "password": "wrong-password-1"})
        expect(response.status_code != 429, f"login attempt {n} of 5 was refused with 429; allow 5 per minute")
    limited = client.post("/login", json={"username": "alice", "password": "wrong-password-1"})
    expect_status(limited, 429, "the 6th login attempt within a minute must answer 429")
    retry = limited.headers.get("retry-after", "")
    expect(retry.isdigit() and 1 <= int(retry) <= 60, f"the 429 carried Retry-After {retry!r}; send the whole "
           "seconds left in the window (1 to 60)")


@pytest.mark.task(8)
@pytest.mark.points(1)
def test_one_audit_record_per_request(student, client):
    """a request (here a 404) leaves one record, whose request_id is the answer's X-Request-ID"""
    response = client.get("/no-such-page", params={"q": "secret"})
    log = student.AUDIT_LOG
    expect(len(log) == 1, f"one request left {len(log)} records in AUDIT_LOG; expected exactly 1")
    record = log[0]
    expected = {"user": None, "method": "GET", "path": "/no-such-page", "status": 404}
    expect(isinstance(record, dict) and {key: record.get(key) for key in expected} == expected,
           f"the record is {record!r}; expected {expected!r} and a request_id (the path without its query)")
    expect(record.get("request_id") and response.headers.get("x-request-id") == record["request_id"],
           f"X-Request-ID was {response.headers.get('x-request-id')!r}; it must be the record's request_id")
