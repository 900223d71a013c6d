"""Hidden suite for secure01_register_login.

Catches: passwords stored in plain text, unsalted (the same password stored the same way
twice, or as a bare md5/sha1/sha256 digest), a duplicate username or e-mail not refused
with 409 (or the existing user overwritten), invalid e-mails and out-of-bounds usernames
or passwords accepted (and valid boundary values refused), login answering something
other than a bearer token whose ``sub`` is the user and whose ``exp`` is 30 minutes
away, different answers for an unknown user and a wrong password, ``/me`` accepting
missing, expired, foreign, ``alg: none``, tampered or orphaned tokens (or refusing
without ``WWW-Authenticate: Bearer``), and the password or its hash in any answer.
An unknown user must also cost the same hashing work as a wrong password (counted with
``kit.hashing``, not timed): a login that skips the check, or hashes a new dummy password
each time, answers faster or slower for usernames that do not exist.

Storage is judged without assuming a layout: every string reachable from the module's
globals (dicts, lists, sets, tuples, and objects of classes the module defines) is
collected and searched.
"""

import dataclasses
import hashlib
import re
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from autograder.kit import expect, expect_json, expect_status
from autograder.kit.hashing import HashingCounter
from autograder.kit.tokens import bearer, expired, foreign, mint, tampered, unsigned

PASSWORD = "Correct-horse-battery-42"
OTHER_PASSWORD = "Tr0ub4dor&3-staple"


def challenge(response):
    """The scheme named by WWW-Authenticate (its first word, lower-cased; parameters may follow)."""
    return re.split(r"[\s,]", response.headers.get("www-authenticate", "").strip(), maxsplit=1)[0].lower()


@pytest.fixture
def app_client(student):
    with TestClient(student.app, raise_server_exceptions=False) as client:
        yield client


def stored_strings(module, *extra_roots):
    """Every string reachable from the module's globals (the module's own state)."""
    found, seen = [], set()

    def walk(value, depth):
        if depth > 8 or id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, bytes):
            found.append(value.decode("latin-1"))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key, depth + 1)
                walk(item, depth + 1)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for item in value:
                walk(item, depth + 1)
        elif isinstance(value, BaseModel):
            walk(value.__dict__, depth + 1)
        elif ((dataclasses.is_dataclass(value) and not isinstance(value, type))
              or (type(value).__module__ == module.__name__ and hasattr(value, "__dict__"))):
            walk(vars(value), depth + 1)

    for name, value in vars(module).items():
        if not name.startswith("__"):
            walk(value, 0)
    for value in extra_roots:
        walk(value, 0)
    return found


def register(client, username, password=PASSWORD, email=None):
    return client.post("/register", json={"username": username, "email": email or f"{username}@example.com",
                                          "password": password})


def expect_registered(response, username):
    expect_status(response, 201, f"registering {username} with valid data must answer 201 Created")


def login(client, username, password=PASSWORD):
    return client.post("/login", json={"username": username, "password": password})


def expect_401_bearer(response, why, detail=None):
    expect_status(response, 401, why)
    expect(challenge(response) == "bearer",
           f"{why}: the 401 must carry the header WWW-Authenticate: Bearer (it had "
           f"{response.headers.get('www-authenticate')!r})")
    if detail is not None:
        expect_json(response, {"detail": detail}, f"expected the detail {detail!r}")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_register_answers_201_with_public_fields(app_client):
    """POST /register answers 201 with exactly the username and the e-mail"""
    response = register(app_client, "alice")
    expect_registered(response, "alice")
    expect_json(response, {"username": "alice", "email": "alice@example.com"},
                "expected exactly {'username': 'alice', 'email': 'alice@example.com'}")
    expect_registered(register(app_client, "bob"), "bob")


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_passwords_are_stored_salted_and_hashed(student, app_client):
    """the stored record holds a salted hash: never the password, never a bare digest"""
    expect_registered(register(app_client, "alice"), "alice")
    after_alice = set(stored_strings(student))
    expect_registered(register(app_client, "bob"), "bob")
    after_bob = set(stored_strings(student))
    record = student.add_user("carol", PASSWORD, email="carol@example.com")
    everything = stored_strings(student, record)
    expect(not [text for text in everything if PASSWORD in text],
           "the password itself is stored (found in your module's data); store only a hash of it")
    digests = {hashlib.new(name, PASSWORD.encode()).hexdigest() for name in ("md5", "sha1", "sha256", "sha512")}
    expect(not [text for text in everything if any(digest in text for digest in digests)],
           "the password is stored as a bare md5/sha digest, which is fast to brute-force and unsalted; use a "
           "password hash (Argon2 via pwdlib, or bcrypt)")
    bobs = after_bob - after_alice
    shared = [text for text in bobs if len(text) >= 20 and text in after_alice]
    expect(not shared, "alice and bob have the same password and their records share the string "
                       f"{shared[0][:30] if shared else ''!r}...: the hash is not salted")
    expect(any(len(text) >= 20 for text in bobs), "registering bob stored no hash of his password")
    expect_status(login(app_client, "carol"), 200, "carol, created with add_user(), must be able to log in")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_duplicates_are_409_and_change_nothing(app_client):
    """a taken username or e-mail answers 409 and leaves the first user as it was"""
    expect_registered(register(app_client, "alice"), "alice")
    same_name = register(app_client, "alice", password=OTHER_PASSWORD, email="other@example.com")
    expect_status(same_name, 409, "registering a username that is already taken must answer 409 Conflict")
    expect_json(same_name, {"detail": "Username already registered"},
                "expected the detail 'Username already registered'")
    same_email = register(app_client, "alicia", password=OTHER_PASSWORD, email="alice@example.com")
    expect_status(same_email, 409, "registering an e-mail that is already used must answer 409 Conflict")
    expect_json(same_email, {"detail": "Email already registered"}, "expected the detail 'Email already registered'")
    expect_status(login(app_client, "alice"), 200, "after a refused duplicate, alice's own password must still work")
    expect_401_bearer(login(app_client, "alice", OTHER_PASSWORD),
                      "the refused duplicate's password must not work for alice (the user was overwritten)")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_invalid_input_is_422(app_client):
    """invalid e-mail, username outside 3..32 and password under 8 characters answer 422"""
    cases = [
        ({"username": "dave", "email": "not-an-email", "password": PASSWORD}, "an invalid e-mail address"),
        ({"username": "dave", "email": "dave@", "password": PASSWORD}, "the e-mail 'dave@'"),
        ({"username": "da", "email": "dave@example.com", "password": PASSWORD}, "a 2-character username"),
        ({"username": "d" * 33, "email": "dave@example.com", "password": PASSWORD}, "a 33-character username"),
        ({"username": "dave", "email": "dave@example.com", "password": "7chars!"}, "a 7-character password"),
        ({"username": "dave", "email": "dave@example.com"}, "a missing password"),
    ]
    for body, what in cases:
        expect_status(app_client.post("/register", json=body), 422, f"registering with {what} must answer 422")
    expect_registered(app_client.post("/register", json={"username": "eve", "email": "eve@example.com",
                                                         "password": "8chars!!"}), "eve (8-character password)")
    expect_registered(app_client.post("/register", json={"username": "d" * 32, "email": "d32@example.com",
                                                         "password": PASSWORD}), "a 32-character username")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_login_answers_a_bearer_token(student, app_client):
    """POST /login answers a bearer JWT naming the user, valid for 30 minutes"""
    expect_registered(register(app_client, "alice"), "alice")
    response = login(app_client, "alice")
    expect_status(response, 200, "alice logging in with the right password must answer 200")
    body = expect_json(response)
    expect(isinstance(body, dict) and body.get("token_type") == "bearer" and isinstance(body.get("access_token"), str),
           f"POST /login answered {body!r}; expected {{'access_token': <JWT>, 'token_type': 'bearer'}}")
    try:
        claims = jwt.decode(body["access_token"], student.SECRET_KEY, algorithms=[student.ALGORITHM])
    except jwt.InvalidTokenError as exc:
        pytest.fail(f"the access token does not verify with SECRET_KEY and ALGORITHM: {exc}", pytrace=False)
    expect(claims.get("sub") == "alice", f"the token's sub is {claims.get('sub')!r}; expected 'alice'")
    left = datetime.fromtimestamp(claims.get("exp", 0), UTC) - datetime.now(UTC)
    expect(timedelta(minutes=29) < left <= timedelta(minutes=30, seconds=5),
           f"the token expires in {left}; expected 30 minutes")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_bad_credentials_are_401_alike(app_client, monkeypatch):
    """a wrong password and an unknown user get the same 401 with WWW-Authenticate: Bearer, for the same work"""
    expect_registered(register(app_client, "alice"), "alice")
    expect_401_bearer(login(app_client, "nobody", PASSWORD), "an unknown user", "Incorrect username or password")
    counter = HashingCounter(monkeypatch, new_hashes=True)  # counted after a first refusal (a dummy made once)
    wrong = login(app_client, "alice", OTHER_PASSWORD)
    expect_401_bearer(wrong, "a wrong password", "Incorrect username or password")
    for_wrong_password = counter.take()
    unknown = login(app_client, "nobody", PASSWORD)
    expect_401_bearer(unknown, "an unknown user", "Incorrect username or password")
    for_unknown_user = counter.take()
    if for_wrong_password:  # else the hashing library is not one the counter observes
        expect(for_unknown_user == for_wrong_password,
               f"refusing a wrong password cost {for_wrong_password} hashing call(s) but refusing an unknown user "
               f"{for_unknown_user}: the difference in time tells which usernames exist; verify the password "
               "against a dummy hash made once")
    expect_status(app_client.post("/login", json={"username": "alice"}), 422, "a login without password must be 422")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_me_answers_the_current_user(student, app_client):
    """GET /me answers the logged-in user's username and e-mail"""
    expect_registered(register(app_client, "alice"), "alice")
    student.add_user("carol", OTHER_PASSWORD, email="carol@example.com")
    response = app_client.get("/me", headers=bearer(mint({"sub": "alice"}, student.SECRET_KEY, student.ALGORITHM)))
    expect_status(response, 200, "GET /me with alice's token must answer 200")
    expect_json(response, {"username": "alice", "email": "alice@example.com"},
                "expected alice's username and e-mail, nothing else")
    minted = mint({"sub": "carol"}, student.SECRET_KEY, student.ALGORITHM)
    expect_json(app_client.get("/me", headers=bearer(minted)), {"username": "carol", "email": "carol@example.com"},
                "a valid token for carol must answer carol's username and e-mail")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_me_refuses_bad_tokens(student, app_client):
    """GET /me refuses missing, expired, forged and orphaned tokens with 401 and WWW-Authenticate"""
    student.add_user("alice", PASSWORD, email="alice@example.com")
    key, algorithm = student.SECRET_KEY, student.ALGORITHM
    good = mint({"sub": "alice"}, key, algorithm)
    expect_status(app_client.get("/me", headers=bearer(good)), 200, "a valid token for alice must answer 200")
    expect_401_bearer(app_client.get("/me"), "GET /me without a token", "Not authenticated")
    for token, what in [
        (expired({"sub": "alice"}, key, algorithm), "an expired token"),
        (foreign({"sub": "alice"}, algorithm), "a token signed with another key"),
        (unsigned({"sub": "alice"}), "an 'alg: none' token"),
        (tampered(good, sub="bob"), "a tampered token"),
        ("not-a-jwt", "a malformed token"),
        (mint({"sub": "ghost"}, key, algorithm), "a valid token for a user that does not exist"),
        (mint({"name": "alice"}, key, algorithm), "a valid token without sub"),
    ]:
        expect_401_bearer(app_client.get("/me", headers=bearer(token)), f"GET /me with {what}",
                          "Could not validate credentials")


@pytest.mark.task(5)
@pytest.mark.points(1)
def test_no_answer_reveals_the_password(student, app_client):
    """neither the password nor its hash appears in any answer"""
    answers = [register(app_client, "alice")]
    expect_registered(answers[0], "alice")
    student.add_user("carol", PASSWORD, email="carol@example.com", full_name="Carol C")
    answers.append(login(app_client, "alice"))
    expect_status(answers[-1], 200, "alice logging in with the right password must answer 200")
    answers.append(app_client.get("/me", headers=bearer(answers[-1].json().get("access_token", ""))))
    answers.append(app_client.get("/me", headers=bearer(mint({"sub": "carol"}, student.SECRET_KEY,
                                                             student.ALGORITHM))))
    secrets_stored = [text for text in stored_strings(student) if len(text) >= 20 and text.startswith("$")]
    for response in answers:
        text = response.text
        where = f"{response.request.method} {response.request.url.path}"
        expect(PASSWORD not in text, f"{where} answered the password in clear: {text[:80]}")
        expect(not [stored for stored in secrets_stored if stored in text], f"{where} answered the stored hash")
        expect("password" not in text.lower() and "hash" not in text.lower(),
               f"{where} answered a password field: {text[:120]}; answer the public fields only")
