"""Public checks for secure01_register_login: register, refuse bad input, log in, read /me, hide the hash."""

import jwt
import pytest
from fastapi.testclient import TestClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from autograder.kit import expect, expect_json, expect_status
from autograder.kit.tokens import bearer, mint

PASSWORD = "Correct-horse-battery-42"


@pytest.fixture
def app_client(student):
    if isinstance(getattr(student, "password_hash", None), PasswordHash):  # cheap Argon2: quick checks
        student.password_hash = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    with TestClient(student.app, raise_server_exceptions=False) as client:
        yield client


def register(client, username, email=None, password=PASSWORD):
    return client.post("/register", json={"username": username, "email": email or f"{username}@example.com",
                                          "password": password})


def seed_alice(student):
    """alice, stored the way add_user stores a user, so that a check does not need task 1."""
    hashed = student.password_hash.hash(PASSWORD)
    student.USERS["alice"] = {"username": "alice", "email": "alice@example.com", "hashed_password": hashed}
    return hashed


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_register(app_client):
    """POST /register answers 201 with the username and e-mail"""
    response = register(app_client, "alice")
    expect_status(response, 201)
    body = expect_json(response)
    expect(isinstance(body, dict) and body.get("username") == "alice" and body.get("email") == "alice@example.com",
           f"POST /register answered {body!r}; expected the username 'alice' and the email 'alice@example.com'")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_bad_input_and_duplicates_are_refused(student, app_client):
    """an invalid e-mail or a short password is 422; a taken username or e-mail is 409"""
    expect_status(register(app_client, "bob", email="not-an-email"), 422, "an invalid e-mail address must be 422")
    expect_status(register(app_client, "bob", password="short"), 422, "a password under 8 characters must be 422")
    seed_alice(student)
    expect_status(register(app_client, "alice", email="other@example.com"), 409,
                  "a username already taken must answer 409 Conflict")
    expect_status(register(app_client, "carol", email="alice@example.com"), 409,
                  "an e-mail already used must answer 409 Conflict")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_login(student, app_client):
    """POST /login answers a bearer token for alice, and 401 with WWW-Authenticate for a wrong password"""
    seed_alice(student)
    response = app_client.post("/login", json={"username": "alice", "password": PASSWORD})
    expect_status(response, 200, "the right password must log in")
    token = expect_json(response).get("access_token")
    expect(isinstance(token, str), f"POST /login answered {response.json()!r}; expected an access_token")
    sub = jwt.decode(token, student.SECRET_KEY, algorithms=[student.ALGORITHM]).get("sub")
    expect(sub == "alice", f"the token's sub is {sub!r}; expected 'alice'")
    refused = app_client.post("/login", json={"username": "alice", "password": "Wrong-password-42"})
    expect_status(refused, 401, "a wrong password must answer 401")
    expect(refused.headers.get("www-authenticate") == "Bearer", "the 401 must carry WWW-Authenticate: Bearer")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_me(student, app_client):
    """GET /me answers the token's user, and 401 without a token"""
    seed_alice(student)
    token = mint({"sub": "alice"}, student.SECRET_KEY, student.ALGORITHM)
    body = expect_json(app_client.get("/me", headers=bearer(token)))
    expect(isinstance(body, dict) and body.get("username") == "alice" and body.get("email") == "alice@example.com",
           f"GET /me answered {body!r}; expected alice's username and e-mail")
    expect_status(app_client.get("/me"), 401, "GET /me without a token must answer 401")


@pytest.mark.task(5)
@pytest.mark.points(1)
def test_no_answer_shows_the_password_or_its_hash(student, app_client):
    """the answers of /register and /me hold neither the password nor its hash"""
    response = register(app_client, "dave")
    expect(response.status_code == 201, f"POST /register answered {response.status_code}; make it work first (task 1)")
    stored = student.USERS.get("dave", {})
    secrets = [PASSWORD] + [value for value in stored.values() if isinstance(value, str) and value.startswith("$")]
    expect(not any(secret in response.text for secret in secrets),
           f"POST /register answered {response.text[:80]!r}...: never send the password or its hash back")
    expect("hashed_password" not in response.text and "password" not in response.json(),
           "POST /register's answer has a password field: answer only the username and the e-mail")
    hashed = seed_alice(student)
    me = app_client.get("/me", headers=bearer(mint({"sub": "alice"}, student.SECRET_KEY, student.ALGORITHM)))
    if me.status_code == 200:
        expect(hashed not in me.text and "hashed_password" not in me.text,
               "GET /me sends the password's hash back: answer only the username and the e-mail")
