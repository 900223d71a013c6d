"""Hidden suite for capstone_task_api (the task-manager homework), one task per part.

Catches, part by part:

1. registration: a wrong status or shape, input bounds not enforced (3..32, 8..128), a
   taken username not 409 (or the first user overwritten), passwords stored in clear or
   unsalted, a password or hash in any answer, the hash computed on the event loop;
2. login: a wrong pair shape, missing ``type``/``jti`` claims, lifetimes other than 15
   minutes and 7 days, different answers (or less work) for an unknown user than for a
   wrong password, no ``WWW-Authenticate``, ``/me`` opened by a missing, forged, tampered,
   ``alg: none``, malformed, ``sub``-less, expired token or one naming nobody, the
   password checked on the event loop;
3. refresh: no new pair, a refresh token usable twice (no rotation), an access token
   accepted as a refresh token and the other way round, expired, forged or never-issued
   refresh tokens accepted;
4. roles: admin routes open without a token or to users, the role taken from the token's
   claims, a header, the query or the registration body instead of the stored user,
   role changes not taking effect at once, 404/422 missing;
5. persistence: tables made at import or not at all, the engine not disposed of, data
   kept in memory (lost on restart) or outside ``DATABASE_URL``, wrong task answers,
   tasks visible to the wrong users, PATCH/DELETE rules, sessions leaked;
6. notification: no notification on assignment, one sent before the response (by the
   route itself), sent twice, for an unchanged assignee or for a refused request;
7. rate-limited login: a 6th attempt in a minute not 429 (or without ``Retry-After``),
   the right password let through while limited, one budget for all clients or a budget
   keyed by ``X-Forwarded-For``, a window longer or shorter than a minute, a fixed
   window instead of a sliding one, Retry-After not counted from the oldest attempt kept,
   other routes limited;
8. audit: not exactly one record per request (errors and 429 included), wrong fields,
   the query string kept, a forged token credited, request ids not unique or not sent
   back, passwords, tokens or the Authorization header written to the audit log, a
   logger or print.

Every test gets its own empty database from ``autograder.kit.db`` (SQLite by default, a
fresh PostgreSQL database when ``WORKBOOK_DATABASE_URL`` is set). The module's
``hash_password``/``verify_password`` are swapped for a fast salted stand-in (real
hashes, made by the module before the swap, are still checked by the real function),
except in the check that looks at the stored hashes. Users are created through
``add_user`` on the app's own event loop; outside the login and refresh parts, the
checks mint access tokens (``sub``, ``"type": "access"``) with the module's key. The
rate-limit checks control ``time.time`` and ``time.monotonic``; nothing waits.
"""

import hashlib
import hmac
import inspect
import json
import logging
import secrets
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime

import jwt
import pytest
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_json, expect_status, on_event_loop
from autograder.kit.db import ConnectionWatch, load_on_database, rows, tables
from autograder.kit.tokens import bearer, expired, foreign, mint, tampered, unsigned

pytest_plugins = ("autograder.kit.db",)  # database_url, database_student: a database per test

PASSWORD = "correct-horse-battery-42"
OTHER_PASSWORD = "another-long-secret-99"
USER_KEYS = {"id", "username", "role"}
TASK_KEYS = {"id", "title", "description", "done", "owner", "assignee"}
PAIR_KEYS = {"access_token", "refresh_token", "token_type"}
AUDIT_KEYS = {"request_id", "user", "method", "path", "status"}
NOISY_LIBRARIES = ("httpx", "httpcore", "asyncio", "anyio", "multipart", "python_multipart", "sqlalchemy",
                   "aiosqlite", "asyncpg")
BAD_LOGIN = "Incorrect username or password"
NO_TOKEN = "Not authenticated"
BAD_TOKEN = "Could not validate credentials"
BAD_REFRESH = "Invalid refresh token"
NOT_ADMIN = "Admin role required"
LIMITED = "Too many login attempts, try again later"


# --- fast hashing ------------------------------------------------------------------


class FastHashing:
    """A salted SHA-256 stand-in for the module's hash_password/verify_password; counts checks
    and records the calls made on the event loop's thread (``on_loop``): the real functions
    take tens of milliseconds of CPU, which would stall every other request there."""

    PREFIX = "suite-fast$"

    def __init__(self):
        self.verifies = 0
        self.on_loop: list[str] = []

    def install(self, module):
        real_verify = getattr(module, "verify_password", None)
        if not callable(real_verify) or not callable(getattr(module, "hash_password", None)):
            return

        def fast_hash(password):
            if on_event_loop():
                self.on_loop.append("hash_password")
            salt = secrets.token_hex(8)
            return f"{self.PREFIX}{salt}${hashlib.sha256((salt + password).encode()).hexdigest()}"

        def fast_verify(password, hashed):
            self.verifies += 1
            if on_event_loop():
                self.on_loop.append("verify_password")
            if isinstance(hashed, str) and hashed.startswith(self.PREFIX):
                salt, digest = hashed[len(self.PREFIX):].split("$", 1)
                return hmac.compare_digest(hashlib.sha256((salt + password).encode()).hexdigest(), digest)
            return real_verify(password, hashed)  # a real hash the module made before the swap

        module.hash_password = fast_hash
        module.verify_password = fast_verify


@pytest.fixture
def hashing():
    return FastHashing()


@pytest.fixture
def student(load_student, database_url, hashing):
    """The module, loaded on this test's database, with fast hashing."""
    module = load_on_database(load_student, database_url)
    hashing.install(module)
    return module


def open_client(app, **kwargs):
    if app is None:
        pytest.fail("your module defines no `app` (expected `app = FastAPI(lifespan=lifespan)`)", pytrace=False)
    return TestClient(app, raise_server_exceptions=False, **kwargs)


@pytest.fixture
def client(student):
    with open_client(getattr(student, "app", None)) as test_client:
        yield test_client


class Api:
    """What the checks do with the app: users, logins, tokens."""

    def __init__(self, student, client):
        self.student = student
        self.client = client

    def add_user(self, username, password=PASSWORD, **fields):
        add = getattr(self.student, "add_user", None)
        expect(callable(add), "your module must define `async def add_user(username, password, **fields)`")

        async def call():
            result = add(username, password, **fields)
            return await result if inspect.isawaitable(result) else result

        try:
            return self.client.portal.call(call)
        except Exception as exc:  # noqa: BLE001 - the student's code may raise anything
            pytest.fail(f"add_user({username!r}, ..., **{fields!r}) raised {type(exc).__name__}: {exc}",
                        pytrace=False)

    def register(self, username, password=PASSWORD, **extra):
        return self.client.post("/register", json={"username": username, "password": password, **extra})

    def login(self, username, password=PASSWORD, **kwargs):
        return self.client.post("/login", json={"username": username, "password": password}, **kwargs)

    def tokens(self, username, password=PASSWORD):
        response = self.login(username, password)
        expect_status(response, 200, f"{username} logging in with the right password must be answered 200")
        body = expect_json(response)
        expect(isinstance(body, dict) and set(body) >= PAIR_KEYS,
               f"POST /login answered {body!r}; expected {{\"access_token\", \"refresh_token\", \"token_type\"}}")
        return body

    def auth(self, username):
        """An access token for ``username``, minted with the module's key (so the later parts do not
        depend on POST /login: each part earns its own points)."""
        return bearer(self.token({"sub": username, "type": "access"}))

    def token(self, claims):
        return mint(claims, self.student.SECRET_KEY, self.student.ALGORITHM)

    def me(self, token):
        return self.client.get("/me", headers=bearer(token))


@pytest.fixture
def api(student, client):
    return Api(student, client)


def claims(student, token):
    try:
        return jwt.decode(token, student.SECRET_KEY, algorithms=[student.ALGORITHM])
    except jwt.InvalidTokenError as exc:
        pytest.fail(f"a token your app issued does not verify with SECRET_KEY and ALGORITHM ({exc})", pytrace=False)


def expect_401(response, detail, why):
    expect_status(response, 401, why)
    expect_json(response, {"detail": detail}, f"the 401 must say {detail!r}")
    challenge = response.headers.get("www-authenticate", "")
    expect(challenge.lower().startswith("bearer"),
           f"{response.request.method} {response.request.url.path} answered 401 with WWW-Authenticate "
           f"{challenge!r}; every 401 must carry WWW-Authenticate: Bearer")


def expect_user(response, username, role, why):
    body = expect_json(response)
    expect(isinstance(body, dict) and set(body) == USER_KEYS and isinstance(body.get("id"), int)
           and body.get("username") == username and body.get("role") == role,
           f"{response.request.method} {response.request.url.path} answered {body!r}; {why}: expected exactly "
           f"{{\"id\": <int>, \"username\": {username!r}, \"role\": {role!r}}}")
    return body


def expect_task(response, expected, why):
    body = expect_json(response)
    expect(isinstance(body, dict) and set(body) == TASK_KEYS and isinstance(body.get("id"), int)
           and all(body.get(k) == v for k, v in expected.items()),
           f"{response.request.method} {response.request.url.path} answered {body!r}; {why}: expected the keys "
           f"{sorted(TASK_KEYS)} with {expected!r}")
    return body


def create_task(api, owner_auth, title="Write the report", **fields):
    response = api.client.post("/tasks", json={"title": title, **fields}, headers=owner_auth)
    expect_status(response, 201, "creating a task must answer 201 Created")
    return expect_task(response, {"title": title, "done": False, "assignee": fields.get("assignee")},
                       "the new task")


# --- task 1: registration ------------------------------------------------------------


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_register_answers_201_with_the_public_user(api):
    """POST /register answers 201 {id, username, role: "user"}; add_user returns the same shape"""
    response = api.register("alice")
    expect_status(response, 201, "registering a new user must answer 201 Created")
    alice = expect_user(response, "alice", "user", "a registered user")
    bob = expect_user(api.register("bobby"), "bobby", "user", "a second registered user")
    expect(alice["id"] != bob["id"], f"two users got the same id {alice['id']}")
    root = api.add_user("root", role="admin")
    expect(isinstance(root, dict) and set(root) == USER_KEYS and root.get("username") == "root"
           and root.get("role") == "admin" and isinstance(root.get("id"), int),
           f"add_user('root', ..., role='admin') returned {root!r}; expected {{\"id\", \"username\", \"role\"}}")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_register_checks_its_input(api):
    """usernames of 3 to 32 characters and passwords of 8 to 128 are accepted; anything else is 422"""
    for username, password in (("abc", PASSWORD), ("u" * 32, PASSWORD), ("eight", "p" * 8), ("longpw", "p" * 128)):
        expect_status(api.register(username, password), 201,
                      f"username of {len(username)} and password of {len(password)} characters are allowed")
    for username, password, why in (("ab", PASSWORD, "a 2-character username"), ("v" * 33, PASSWORD,
                                    "a 33-character username"), ("seven", "p" * 7, "a 7-character password"),
                                    ("toolong", "p" * 129, "a 129-character password")):
        expect_status(api.register(username, password), 422, f"{why} must be refused with 422")
    expect_status(api.client.post("/register", json={"username": "nopass"}), 422,
                  "a registration without a password must be 422")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_taken_username_is_409(api):
    """a second registration of a username is 409 'Username already registered'; the first user is kept"""
    expect_status(api.register("alice", PASSWORD), 201, "the first registration must succeed")
    again = api.register("alice", OTHER_PASSWORD)
    expect_status(again, 409, "a username that is already registered must be 409 Conflict")
    expect_json(again, {"detail": "Username already registered"})
    api.tokens("alice", PASSWORD)
    expect_status(api.login("alice", OTHER_PASSWORD), 401,
                  "the refused second registration must not change alice's password")
    api.add_user("carol")
    taken = api.register("carol", OTHER_PASSWORD)
    expect_status(taken, 409, "a username created with add_user is taken too: 409")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_passwords_are_stored_hashed_and_salted(load_student, database_url):
    """the users table holds salted hashes (never the password); the real hash checks the password"""
    student = load_on_database(load_student, database_url)  # the module's own hashing, not the fast one
    with open_client(getattr(student, "app", None)) as client:
        api = Api(student, client)
        expect_status(api.register("alice", PASSWORD), 201, "registering alice must succeed")
        api.add_user("bob", PASSWORD)
        stored = dict(rows(database_url, "SELECT username, hashed_password FROM users"))
        expect(set(stored) == {"alice", "bob"}, f"the users table holds {sorted(stored)}; expected alice and bob")
        for name, value in stored.items():
            expect(isinstance(value, str) and PASSWORD not in value and len(value) >= 40
                   and value != hashlib.sha256(PASSWORD.encode()).hexdigest(),
                   f"{name}'s hashed_password column holds {str(value)[:60]!r}; store hash_password(password), "
                   "never the password itself")
        expect(stored["alice"] != stored["bob"],
               "alice and bob have the same password and the same stored hash: the hash must be salted "
               "(use hash_password)")
        api.tokens("alice", PASSWORD)
        expect_status(api.login("bob", "wrong-password-123"), 401, "a wrong password must be refused")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_no_answer_reveals_a_password_or_hash(api, database_url):
    """register, login, /me and /users never answer the password or the stored hash"""
    api.add_user("root", role="admin")
    answers = [api.register("alice", PASSWORD), api.login("alice", PASSWORD)]
    alice, root = api.auth("alice"), api.auth("root")
    answers += [api.client.get("/me", headers=alice), api.client.get("/users", headers=root)]
    hashes = [h for (h,) in rows(database_url, "SELECT hashed_password FROM users")]
    for response in answers:
        expect_status(response, 200 if response.request.url.path != "/register" else 201,
                      "this request must succeed")
        text = response.text
        leaked = [h for h in hashes if h and h in text]
        expect(PASSWORD not in text and not leaked and "hashed_password" not in text and '"password"' not in text,
               f"{response.request.method} {response.request.url.path} answered a password or a password hash "
               f"({text[:100]!r}); answer through UserRead")


# --- task 2: login and the current user --------------------------------------------------


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_login_answers_a_token_pair(api, student):
    """login answers access and refresh tokens: type claims, sub, jti, 15 minutes and 7 days"""
    api.add_user("alice")
    before = datetime.now(UTC).timestamp()
    pair = api.tokens("alice")
    expect(set(pair) == PAIR_KEYS and pair["token_type"] == "bearer",
           f"POST /login answered {pair!r}; expected exactly access_token, refresh_token and token_type 'bearer'")
    access, refresh = claims(student, pair["access_token"]), claims(student, pair["refresh_token"])
    expect(access.get("sub") == "alice" and access.get("type") == "access",
           f"the access token's claims are {access!r}; expected sub 'alice' and type 'access'")
    expect(refresh.get("sub") == "alice" and refresh.get("type") == "refresh" and isinstance(refresh.get("jti"), str)
           and refresh["jti"], f"the refresh token's claims are {refresh!r}; expected sub 'alice', type 'refresh' "
                               "and a jti")
    expect(abs(access.get("exp", 0) - before - 15 * 60) < 30,
           f"the access token expires {access.get('exp', 0) - before:.0f} s after login; expected 15 minutes")
    expect(abs(refresh.get("exp", 0) - before - 7 * 86400) < 30,
           f"the refresh token expires {refresh.get('exp', 0) - before:.0f} s after login; expected 7 days")
    second = api.tokens("alice")
    expect(claims(student, second["refresh_token"]).get("jti") != refresh["jti"],
           "two logins gave refresh tokens with the same jti; make each jti unique (uuid4)")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_registration_hashes_off_the_event_loop(api, hashing):
    """POST /register and add_user call hash_password in a worker thread, never on the event loop"""
    expect_status(api.register("alice"), 201, "registering a new user must answer 201")
    api.add_user("bob")
    expect(hashing.on_loop == [],
           f"{' and '.join(sorted(set(hashing.on_loop)))} ran on the event loop ({len(hashing.on_loop)} call(s)): a "
           "real hash takes tens of milliseconds of CPU, during which the loop serves no other request; call it "
           "with `await run_in_threadpool(hash_password, password)` (or from a `def` route)")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_login_verifies_off_the_event_loop(api, hashing):
    """POST /login calls verify_password in a worker thread, for a known user and an unknown one"""
    api.add_user("alice")
    hashing.on_loop.clear()
    api.tokens("alice")
    expect_401(api.login("alice", OTHER_PASSWORD), BAD_LOGIN, "a wrong password must be 401")
    expect_401(api.login("nobody", PASSWORD), BAD_LOGIN, "an unknown username must be 401")
    expect(hashing.on_loop == [],
           f"verify_password ran on the event loop ({len(hashing.on_loop)} of the 3 logins): a real check takes "
           "tens of milliseconds of CPU, during which the loop serves no other request; call it with "
           "`await run_in_threadpool(verify_password, password, hashed)` (or make the route `def`)")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_bad_credentials_are_refused_alike(api, hashing):
    """a wrong password and an unknown user both answer 401 'Incorrect username or password' and check a hash"""
    api.add_user("alice")
    expect_401(api.login("alice", OTHER_PASSWORD), BAD_LOGIN, "a wrong password must be 401")
    before = hashing.verifies
    expect_401(api.login("nobody", PASSWORD), BAD_LOGIN, "an unknown username must be 401, as a wrong password")
    expect(hashing.verifies == before + 1,
           f"a login for an unknown user called verify_password {hashing.verifies - before} times; call it once "
           "(against DUMMY_HASH) so that the refusal takes as long as a wrong password's")
    expect_status(api.client.post("/login", json={"username": "alice"}), 422, "a login without password is 422")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_me_answers_the_stored_caller(api):
    """GET /me with an access token answers that user's {id, username, role}"""
    alice = api.add_user("alice")
    api.add_user("root", role="admin")
    response = api.client.get("/me", headers=bearer(api.tokens("alice")["access_token"]))
    expect_status(response, 200, "GET /me with the access token of alice's login must be 200")
    expect_json(response, alice, "GET /me must answer the caller's id, username and role")
    expect_user(api.client.get("/me", headers=api.auth("root")), "root", "admin", "GET /me for the admin")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_me_refuses_missing_and_forged_tokens(api, student):
    """no token is 401 'Not authenticated'; forged, alg none, tampered, malformed, sub-less, unknown-user: 401"""
    api.add_user("alice")
    api.add_user("root", role="admin")
    genuine = api.tokens("alice")["access_token"]
    expect_status(api.me(genuine), 200, "GET /me with alice's genuine token must be 200")
    expect_401(api.client.get("/me"), NO_TOKEN, "GET /me without a token must be 401")
    attacks = {
        "a token signed with another key": foreign({"sub": "alice", "type": "access"}, student.ALGORITHM),
        "an unsigned (alg none) token": unsigned({"sub": "root", "type": "access"}),
        "alice's token with sub changed to root": tampered(genuine, sub="root"),
        "the string 'not-a-jwt'": "not-a-jwt",
        "a token without sub": api.token({"type": "access"}),
        "a token without exp": mint({"sub": "alice", "type": "access"}, student.SECRET_KEY, student.ALGORITHM,
                                    minutes=None),
        "a token for a user who does not exist": api.token({"sub": "ghost", "type": "access"}),
    }
    for what, token in attacks.items():
        expect_401(api.me(token), BAD_TOKEN, f"GET /me with {what} must be refused")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_expired_access_token_is_refused(api, student):
    """an access token past its exp is 401 'Could not validate credentials'"""
    api.add_user("alice")
    expect_401(api.me(expired({"sub": "alice", "type": "access"}, student.SECRET_KEY, student.ALGORITHM)),
               BAD_TOKEN, "an expired access token must be refused")
    student.ACCESS_TOKEN_MINUTES = -1  # the app now issues access tokens that expired a minute ago
    stale = api.tokens("alice")["access_token"]
    expect_401(api.me(stale), BAD_TOKEN,
               "with ACCESS_TOKEN_MINUTES = -1 the issued access token is already expired and must be refused "
               "(read ACCESS_TOKEN_MINUTES when the token is made)")


# --- task 3: token refresh ---------------------------------------------------------------


def refresh(api, token):
    return api.client.post("/refresh-token", json={"refresh_token": token})


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_refresh_answers_a_new_working_pair(api, student):
    """POST /refresh-token answers a new pair for the same user; the new access token opens /me"""
    api.add_user("alice")
    old = api.tokens("alice")
    response = refresh(api, old["refresh_token"])
    expect_status(response, 200, "a fresh, unused refresh token must be answered 200")
    pair = expect_json(response)
    expect(isinstance(pair, dict) and set(pair) == PAIR_KEYS and pair.get("token_type") == "bearer",
           f"POST /refresh-token answered {pair!r}; expected the same shape as POST /login")
    new_refresh = claims(student, pair["refresh_token"])
    expect(new_refresh.get("type") == "refresh" and new_refresh.get("sub") == "alice"
           and new_refresh.get("jti") != claims(student, old["refresh_token"]).get("jti"),
           f"the new refresh token's claims are {new_refresh!r}; expected type 'refresh', sub 'alice', a new jti")
    expect_user(api.me(pair["access_token"]), "alice", "user", "GET /me with the refreshed access token")


@pytest.mark.task(3)
@pytest.mark.points(2)
def test_refresh_token_is_single_use(api):
    """each refresh token works once: a second use is 401 'Invalid refresh token' (rotation)"""
    api.add_user("alice")
    first = api.tokens("alice")["refresh_token"]
    response = refresh(api, first)
    expect_status(response, 200, "the first use of a refresh token must be 200")
    second = expect_json(response)["refresh_token"]
    expect_401(refresh(api, first), BAD_REFRESH, "a refresh token used a second time must be refused (rotation)")
    response = refresh(api, second)
    expect_status(response, 200, "the refresh token handed out by the refresh must work once")
    expect_401(refresh(api, second), BAD_REFRESH, "that one too must be refused when used again")
    expect_401(refresh(api, first), BAD_REFRESH, "the first refresh token must stay retired")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_access_and_refresh_tokens_are_not_interchangeable(api):
    """an access token cannot refresh, a refresh token cannot open /me"""
    api.add_user("alice")
    pair = api.tokens("alice")
    expect_401(refresh(api, pair["access_token"]), BAD_REFRESH,
               "an access token sent to /refresh-token must be refused (check the type claim)")
    expect_401(api.me(pair["refresh_token"]), BAD_TOKEN,
               "a refresh token sent to GET /me must be refused (only type 'access' opens the API)")
    expect_status(refresh(api, pair["refresh_token"]), 200, "the genuine refresh token must still work")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_expired_forged_and_unknown_refresh_tokens_are_refused(api, student):
    """expired, foreign-key, alg none, tampered, malformed and never-issued refresh tokens are 401"""
    api.add_user("alice")
    api.add_user("root", role="admin")
    genuine = api.tokens("alice")["refresh_token"]
    jti = claims(student, genuine)["jti"]
    attacks = {
        "a refresh token signed with another key": foreign({"sub": "alice", "type": "refresh", "jti": jti}),
        "an unsigned (alg none) refresh token": unsigned({"sub": "alice", "type": "refresh", "jti": jti}),
        "alice's refresh token with sub changed to root": tampered(genuine, sub="root"),
        "the string 'not-a-jwt'": "not-a-jwt",
        "an expired refresh token": expired({"sub": "alice", "type": "refresh", "jti": jti}, student.SECRET_KEY,
                                            student.ALGORITHM),
        "a well-signed refresh token the app never issued": api.token(
            {"sub": "root", "type": "refresh", "jti": uuid.uuid4().hex}),
        "a well-signed refresh token without jti": api.token({"sub": "alice", "type": "refresh"}),
    }
    for what, token in attacks.items():
        expect_401(refresh(api, token), BAD_REFRESH, f"{what} must be refused")
    student.REFRESH_TOKEN_DAYS = -1  # the app now issues refresh tokens that expired a day ago
    stale = api.tokens("alice")["refresh_token"]
    expect_401(refresh(api, stale), BAD_REFRESH,
               "with REFRESH_TOKEN_DAYS = -1 the issued refresh token is already expired and must be refused")
    expect_status(refresh(api, genuine), 200, "alice's genuine refresh token must still work")


# --- task 4: roles -----------------------------------------------------------------------


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_admin_routes_need_a_token(api):
    """GET /users and PATCH /users/{id}/role without a token are 401 with WWW-Authenticate"""
    bob = api.add_user("bob")
    expect_401(api.client.get("/users"), NO_TOKEN, "GET /users without a token must be 401")
    expect_401(api.client.patch(f"/users/{bob['id']}/role", json={"role": "admin"}), NO_TOKEN,
               "PATCH /users/{id}/role without a token must be 401")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_users_are_forbidden_from_admin_routes(api, database_url):
    """a user's token on GET /users and PATCH /users/{id}/role is 403 'Admin role required'; nothing changes"""
    bob = api.add_user("bob")
    auth = api.auth("bob")
    listed = api.client.get("/users", headers=auth)
    expect_status(listed, 403, "a user (not an admin) must get 403 Forbidden from GET /users")
    expect_json(listed, {"detail": NOT_ADMIN})
    promoted = api.client.patch(f"/users/{bob['id']}/role", json={"role": "admin"}, headers=auth)
    expect_status(promoted, 403, "a user promoting themselves must get 403 Forbidden")
    expect_json(promoted, {"detail": NOT_ADMIN})
    stored = rows(database_url, "SELECT role FROM users WHERE username = 'bob'")
    expect(stored == [("user",)], f"after the refused PATCH, bob's stored role is {stored}; it must stay 'user'")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_admin_lists_every_user_by_id(api):
    """an admin's GET /users answers every user's {id, username, role}, ordered by id"""
    root = api.add_user("root", role="admin")
    alice = expect_json(api.register("alice"))
    bob = api.add_user("bob")
    response = api.client.get("/users", headers=api.auth("root"))
    expect_status(response, 200, "an admin's GET /users must be 200")
    expect_json(response, [root, alice, bob], "GET /users must list every user (id, username, role) by id")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_admin_changes_roles_with_immediate_effect(api):
    """PATCH /users/{id}/role changes the stored role; the user's existing token follows it; 404 and 422"""
    api.add_user("root", role="admin")
    bob = api.add_user("bob")
    root_auth, bob_auth = api.auth("root"), api.auth("bob")
    expect_status(api.client.get("/users", headers=bob_auth), 403, "bob is a user: GET /users is 403")
    response = api.client.patch(f"/users/{bob['id']}/role", json={"role": "admin"}, headers=root_auth)
    expect_status(response, 200, "an admin promoting bob must be 200")
    expect_json(response, {**bob, "role": "admin"}, "the PATCH must answer bob with his new role")
    expect_status(api.client.get("/users", headers=bob_auth), 200,
                  "bob was promoted: his token from before must now reach GET /users (read the stored role)")
    api.client.patch(f"/users/{bob['id']}/role", json={"role": "user"}, headers=root_auth)
    expect_status(api.client.get("/users", headers=bob_auth), 403, "bob was demoted again: GET /users is 403")
    missing = api.client.patch("/users/99999/role", json={"role": "admin"}, headers=root_auth)
    expect_status(missing, 404, "changing the role of an unknown user must be 404")
    expect_json(missing, {"detail": "User not found"})
    expect_status(api.client.patch(f"/users/{bob['id']}/role", json={"role": "superuser"}, headers=root_auth), 422,
                  "a role other than 'admin' or 'user' must be 422")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_role_comes_from_the_stored_user(api, database_url):
    """a role claim, an X-Role header, ?role= and a role in the registration body give no power"""
    api.add_user("bob")
    api.add_user("root", role="admin")
    claimed = api.client.get("/users", headers=bearer(api.token({"sub": "bob", "type": "access", "role": "admin"})))
    expect_status(claimed, 403, "a genuine token for bob that claims role 'admin' must still be 403: "
                                "read the role from the stored user")
    bob_auth = api.auth("bob")
    expect_status(api.client.get("/users", params={"role": "admin"}, headers={**bob_auth, "X-Role": "admin"}), 403,
                  "a user sending ?role=admin and X-Role: admin must still be 403")
    sneaky = api.register("mallory", role="admin")
    expect_user(sneaky, "mallory", "user", "a role sent to /register must be ignored")
    expect_status(api.client.get("/users", headers=api.auth("mallory")), 403,
                  "mallory registered with role 'admin' in the body; she is a user and must get 403")
    root_auth = api.auth("root")
    rows(database_url, "UPDATE users SET role = 'user' WHERE username = 'root'")
    expect_status(api.client.get("/users", headers=root_auth), 403,
                  "root's role was changed to 'user' in the database; his earlier token must now get 403")


# --- task 5: persistence and tasks ----------------------------------------------------


@pytest.mark.task(5)
@pytest.mark.points(1)
def test_tables_made_at_startup_and_engine_disposed(student, database_url):
    """importing creates nothing; startup makes users and tasks; shutdown closes every connection"""
    before = tables(database_url)
    expect("users" not in before and "tasks" not in before,
           "the tables already existed right after the import; create them in the lifespan")
    with ConnectionWatch() as watch:
        with open_client(student.app) as client:
            found = tables(database_url)
            expect({"users", "tasks"} <= set(found),
                   f"after startup the database holds {sorted(found)}; the lifespan must create 'users' and 'tasks'")
            expect({"id", "username", "hashed_password", "role"} <= found["users"],
                   f"the users table has the columns {sorted(found['users'])}; expected id, username, "
                   "hashed_password, role")
            expect({"id", "title", "description", "done", "owner", "assignee"} <= found["tasks"],
                   f"the tasks table has the columns {sorted(found['tasks'])}; expected id, title, description, "
                   "done, owner, assignee")
            expect_status(Api(student, client).register("alice"), 201, "registering alice must succeed")
        expect(watch.open_now == 0, f"{watch.open_now} database connection(s) stayed open after shutdown; "
                                    "await engine.dispose() after the lifespan's yield")


@pytest.mark.task(5)
@pytest.mark.points(1)
def test_data_survives_a_restart(load_student, database_url):
    """users and tasks are in the database: a fresh copy of the module logs alice in and lists her task"""
    first = load_on_database(load_student, database_url)
    FastHashing().install(first)
    with open_client(getattr(first, "app", None)) as client:
        api = Api(first, client)
        expect_status(api.register("alice"), 201, "registering alice must succeed")
        task = create_task(api, api.auth("alice"), "Survive a restart")
    second = load_on_database(load_student, database_url)
    FastHashing().install(second)
    with open_client(second.app) as client:
        api = Api(second, client)
        response = api.login("alice")
        expect_status(response, 200, "after a restart alice must still be able to log in; store users in the "
                                     "database of DATABASE_URL, not in memory")
        listed = api.client.get("/tasks", headers=bearer(expect_json(response)["access_token"]))
        expect_json(listed, [task], "after a restart GET /tasks must still list alice's task")


@pytest.mark.task(5)
@pytest.mark.points(1)
def test_create_task_answers_201_and_stores_it(api, database_url):
    """POST /tasks answers 201 with the task (owner = caller) and the row is in the tasks table"""
    api.add_user("alice")
    api.add_user("bob")
    response = api.client.post("/tasks", json={"title": "Plan", "description": "Q3 plan", "assignee": "bob"},
                               headers=api.auth("alice"))
    expect_status(response, 201, "creating a task must answer 201 Created")
    task = expect_task(response, {"title": "Plan", "description": "Q3 plan", "done": False, "owner": "alice",
                                  "assignee": "bob"}, "the created task")
    plain = create_task(api, api.auth("bob"), "Alone")
    expect(plain["description"] == "" and plain["owner"] == "bob" and plain["id"] != task["id"],
           f"a task without description or assignee came back as {plain!r}; expected description '' and owner bob")
    stored = sorted(rows(database_url, "SELECT id, title, owner, assignee FROM tasks"))
    expected = sorted([(task["id"], "Plan", "alice", "bob"), (plain["id"], "Alone", "bob", None)])
    expect(stored == expected, f"the tasks table holds {stored}; expected {expected}")


@pytest.mark.task(5)
@pytest.mark.points(1)
def test_task_input_is_checked(api, database_url):
    """title 1..200, description up to 2000, a known assignee (404 'Assignee not found') and a token"""
    api.add_user("alice")
    auth = api.auth("alice")
    expect_status(api.client.post("/tasks", json={"title": "t" * 200, "description": "d" * 2000}, headers=auth),
                  201, "a 200-character title and a 2000-character description are allowed")
    for body, why in (({"title": ""}, "an empty title"), ({"title": "t" * 201}, "a 201-character title"),
                      ({"title": "ok", "description": "d" * 2001}, "a 2001-character description"),
                      ({}, "a missing title")):
        expect_status(api.client.post("/tasks", json=body, headers=auth), 422, f"{why} must be 422")
    unknown = api.client.post("/tasks", json={"title": "For a ghost", "assignee": "ghost"}, headers=auth)
    expect_status(unknown, 404, "assigning a task to an unknown user must be 404")
    expect_json(unknown, {"detail": "Assignee not found"})
    count = rows(database_url, "SELECT COUNT(*) FROM tasks")[0][0]
    expect(count == 1, f"the tasks table holds {count} rows; the refused task must not be stored")
    expect_401(api.client.post("/tasks", json={"title": "anonymous"}), NO_TOKEN, "POST /tasks needs a token")


def three_tasks(api):
    for name in ("alice", "bob", "carol"):
        api.add_user(name)
    api.add_user("root", role="admin")
    auth = {name: api.auth(name) for name in ("alice", "bob", "carol", "root")}
    mine = create_task(api, auth["alice"], "Alice's own")
    shared = create_task(api, auth["alice"], "For bob", assignee="bob")
    bobs = create_task(api, auth["bob"], "Bob's own")
    return auth, mine, shared, bobs


@pytest.mark.task(5)
@pytest.mark.points(1)
def test_tasks_are_visible_to_owner_assignee_and_admin(api):
    """GET /tasks lists owned and assigned tasks by id (an admin: all); another user's task is 404"""
    auth, mine, shared, bobs = three_tasks(api)
    for name, expected in (("alice", [mine, shared]), ("bob", [shared, bobs]), ("carol", []),
                           ("root", [mine, shared, bobs])):
        expect_json(api.client.get("/tasks", headers=auth[name]), expected,
                    f"GET /tasks for {name} must list, by id, the tasks {name} owns or is assigned"
                    + (" (an admin: every task)" if name == "root" else ""))
    expect_json(api.client.get(f"/tasks/{shared['id']}", headers=auth["bob"]), shared,
                "the assignee must be able to read the task")
    hidden = api.client.get(f"/tasks/{mine['id']}", headers=auth["carol"])
    expect_status(hidden, 404, "carol reading alice's task must be 404, as if it did not exist")
    expect_json(hidden, {"detail": "Task not found"})
    expect_json(api.client.get(f"/tasks/{bobs['id']}", headers=auth["root"]), bobs, "an admin reads every task")
    expect_status(api.client.get("/tasks/99999", headers=auth["root"]), 404, "an unknown task must be 404")
    expect_401(api.client.get("/tasks"), NO_TOKEN, "GET /tasks needs a token")


@pytest.mark.task(5)
@pytest.mark.points(1)
def test_task_patch_rules(api, database_url):
    """PATCH changes the fields given and answers the task; owner and assignee may; others get 404"""
    auth, mine, shared, _ = three_tasks(api)
    done = api.client.patch(f"/tasks/{mine['id']}", json={"done": True, "description": None}, headers=auth["alice"])
    expect_status(done, 200, "the owner marking her task done must be 200")
    expect_json(done, {**mine, "done": True}, "PATCH {done: true, description: null} must change done only "
                                              "(null changes nothing but the assignee)")
    renamed = api.client.patch(f"/tasks/{shared['id']}", json={"title": "Renamed by bob"}, headers=auth["bob"])
    expect_json(renamed, {**shared, "title": "Renamed by bob"}, "the assignee may change the title")
    expect_status(api.client.patch(f"/tasks/{mine['id']}", json={"done": False}, headers=auth["carol"]), 404,
                  "carol changing alice's task must be 404")
    expect_status(api.client.patch("/tasks/99999", json={"done": True}, headers=auth["alice"]), 404,
                  "changing an unknown task must be 404")
    expect_status(api.client.patch(f"/tasks/{mine['id']}", json={"title": ""}, headers=auth["alice"]), 422,
                  "an empty title must be 422 in a PATCH too")
    stored = sorted(rows(database_url, "SELECT title, done FROM tasks"))
    expected = sorted([("Alice's own", True), ("Renamed by bob", False), ("Bob's own", False)])
    expect([(t, bool(d)) for t, d in stored] == expected, f"the tasks table holds {stored}; expected {expected}")


@pytest.mark.task(5)
@pytest.mark.points(1)
def test_task_delete_rules(api, database_url):
    """DELETE is 204 for the owner or an admin, 403 for the assignee, 404 for others and unknown tasks"""
    auth, mine, shared, bobs = three_tasks(api)
    refused = api.client.delete(f"/tasks/{shared['id']}", headers=auth["bob"])
    expect_status(refused, 403, "the assignee (not the owner) deleting a task must be 403")
    expect_json(refused, {"detail": "Only the owner or an admin may delete a task"})
    expect_status(api.client.delete(f"/tasks/{mine['id']}", headers=auth["carol"]), 404,
                  "carol deleting a task she cannot see must be 404")
    deleted = api.client.delete(f"/tasks/{mine['id']}", headers=auth["alice"])
    expect_status(deleted, 204, "the owner deleting her task must be 204 No Content")
    expect(deleted.content == b"", f"DELETE answered a body ({deleted.content[:60]!r}); 204 has none")
    expect_status(api.client.get(f"/tasks/{mine['id']}", headers=auth["alice"]), 404, "a deleted task is gone")
    expect_status(api.client.delete(f"/tasks/{bobs['id']}", headers=auth["root"]), 204,
                  "an admin may delete any task")
    expect_status(api.client.delete(f"/tasks/{mine['id']}", headers=auth["alice"]), 404,
                  "deleting a task twice must be 404")
    left = [tid for (tid,) in rows(database_url, "SELECT id FROM tasks")]
    expect(left == [shared["id"]], f"the tasks table holds the ids {left}; expected only {[shared['id']]}")


@pytest.mark.task(5)
@pytest.mark.points(1)
def test_no_session_outlives_its_request(api):
    """after every answer (200, 201, 204, 401, 403, 404, 409) no connection is still lent out"""
    api.add_user("alice")
    api.add_user("bob")
    with ConnectionWatch() as watch:
        auth, bob = api.auth("alice"), api.auth("bob")
        task = create_task(api, auth, "Leak check")
        calls = [("POST", "/register", {"username": "alice", "password": PASSWORD}, {}),
                 ("POST", "/login", {"username": "alice", "password": OTHER_PASSWORD}, {}),
                 ("GET", "/me", None, auth), ("GET", "/me", None, bearer("not-a-jwt")),
                 ("GET", "/users", None, auth), ("GET", "/tasks", None, auth),
                 ("GET", f"/tasks/{task['id']}", None, bob), ("PATCH", f"/tasks/{task['id']}", {"done": True}, auth),
                 ("DELETE", f"/tasks/{task['id']}", None, auth)]
        for method, path, body, headers in calls:
            response = api.client.request(method, path, json=body, headers=headers)
            expect(watch.checked_out == 0,
                   f"after {method} {path} answered {response.status_code}, {watch.checked_out} database "
                   "connection(s) were still lent out: yield the session from `async with SessionLocal() as "
                   "session:`")
        expect(watch.checkouts >= len(calls), "the routes did not use the database")


# --- task 6: background notification -------------------------------------------------


class Timeline:
    """An ASGI wrapper that notes when the app starts each response."""

    def __init__(self, app, events):
        self.app = app
        self.events = events

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def watched(message):
            if message["type"] == "http.response.start":
                self.events.append(("response", message["status"]))
            await send(message)

        await self.app(scope, receive, watched)


@pytest.fixture
def events():
    return []


@pytest.fixture
def notices(student, events):
    """Replaces send_notification: records each call in the shared timeline."""
    sent = []

    def send_notification(username, task_id, title):
        events.append(("notify", username))
        sent.append((username, task_id, title))
        student.OUTBOX.append({"to": username, "task_id": task_id, "title": title})

    student.send_notification = send_notification
    return sent


@pytest.fixture
def watched_api(student, events, notices):
    with open_client(Timeline(student.app, events)) as test_client:
        yield Api(student, test_client)


@pytest.mark.task(6)
@pytest.mark.points(1)
def test_assignment_notifies_the_assignee(watched_api, notices):
    """creating a task assigned to bob calls send_notification('bob', task_id, title) once"""
    api = watched_api
    api.add_user("alice")
    api.add_user("bob")
    task = create_task(api, api.auth("alice"), "Review the budget", assignee="bob")
    expect(notices == [("bob", task["id"], "Review the budget")],
           f"creating task {task['id']} assigned to bob sent the notifications {notices}; expected one call "
           f"send_notification('bob', {task['id']}, 'Review the budget')")


@pytest.mark.task(6)
@pytest.mark.points(1)
def test_notification_leaves_after_the_response(watched_api, events, notices):
    """the notification is sent after the response started (BackgroundTasks), not by the route itself"""
    api = watched_api
    api.add_user("alice")
    api.add_user("bob")
    auth = api.auth("alice")
    events.clear()
    create_task(api, auth, "Ship it", assignee="bob")
    expect(events == [("response", 201), ("notify", "bob")],
           f"the events of POST /tasks were {events}; the response must start first and the notification "
           "follow (schedule send_notification with background_tasks.add_task)")


@pytest.mark.task(6)
@pytest.mark.points(1)
def test_no_notification_without_a_new_assignee(watched_api, notices):
    """no notification for an unassigned task, other changes, the same assignee again, or a refused request"""
    api = watched_api
    api.add_user("alice")
    api.add_user("bob")
    auth = api.auth("alice")
    loose = create_task(api, auth, "Nobody's")
    expect(notices == [], f"a task created without assignee sent {notices}; nobody is to be notified")
    expect_status(api.client.patch(f"/tasks/{loose['id']}", json={"done": True}, headers=auth), 200,
                  "marking a task done must be 200")
    refused = api.client.post("/tasks", json={"title": "Ghost's", "assignee": "ghost"}, headers=auth)
    expect_status(refused, 404, "an unknown assignee must be 404")
    refused = api.client.patch(f"/tasks/{loose['id']}", json={"assignee": "ghost"}, headers=auth)
    expect_status(refused, 404, "re-assigning to an unknown user must be 404 'Assignee not found'")
    expect_json(refused, {"detail": "Assignee not found"})
    expect(notices == [], f"no one was newly assigned, yet send_notification was called with {notices}")
    bobs = create_task(api, auth, "Bob's", assignee="bob")
    expect_status(api.client.patch(f"/tasks/{bobs['id']}", json={"assignee": "bob", "done": True}, headers=auth),
                  200, "a PATCH repeating the assignee must be 200")
    expect(notices == [("bob", bobs["id"], "Bob's")],
           f"bob was assigned once, yet the notifications were {notices}; notify only when the assignee changes")


@pytest.mark.task(6)
@pytest.mark.points(1)
def test_reassignment_notifies_the_new_assignee(watched_api, notices):
    """a PATCH that gives the task to carol notifies carol (once); unassigning notifies nobody"""
    api = watched_api
    for name in ("alice", "bob", "carol"):
        api.add_user(name)
    auth = api.auth("alice")
    task = create_task(api, auth, "Hand over", assignee="bob")
    notices.clear()
    response = api.client.patch(f"/tasks/{task['id']}", json={"assignee": "carol"}, headers=auth)
    expect_status(response, 200, "re-assigning the task to carol must be 200")
    expect_task(response, {"assignee": "carol"}, "the re-assigned task")
    expect(notices == [("carol", task["id"], "Hand over")],
           f"re-assigning task {task['id']} to carol sent {notices}; expected send_notification('carol', "
           f"{task['id']}, 'Hand over') once")
    unassigned = api.client.patch(f"/tasks/{task['id']}", json={"assignee": None}, headers=auth)
    expect_task(unassigned, {"assignee": None}, "assignee null unassigns the task")
    expect(len(notices) == 1, f"unassigning the task sent {notices[1:]}; nobody is to be notified")


# --- task 7: rate-limited login -------------------------------------------------------


class Clock:
    """``time.time`` frozen at the test's start, ``time.monotonic`` real; ``advance`` moves both."""

    def __init__(self, monkeypatch):
        self.offset = 0.0
        frozen = time.time()
        real_monotonic = time.monotonic
        monkeypatch.setattr(time, "time", lambda: frozen + self.offset)
        monkeypatch.setattr(time, "monotonic", lambda: real_monotonic() + self.offset)

    def advance(self, seconds):
        self.offset += seconds


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def limited(clock, load_student, database_url):
    """The module loaded after the clock is installed (so `from time import time` sees it)."""
    module = load_on_database(load_student, database_url)
    FastHashing().install(module)
    return module


@contextmanager
def api_at(student, host):
    with open_client(getattr(student, "app", None), client=(host, 50000)) as test_client:
        yield Api(student, test_client)


def spend(api, attempts, **kwargs):
    """Make the given (password, expected status) attempts, which must all be answered as expected."""
    for n, (password, expected) in enumerate(attempts, start=1):
        expect_status(api.login("alice", password, **kwargs), expected,
                      f"login attempt {n} of the first 5 within a minute must be answered {expected}")


FIVE = [(OTHER_PASSWORD, 401), (OTHER_PASSWORD, 401), (PASSWORD, 200), (OTHER_PASSWORD, 401), (PASSWORD, 200)]


def expect_429(response, why):
    expect_status(response, 429, why)
    expect_json(response, {"detail": LIMITED}, f"a refused login must say {LIMITED!r}")
    retry = response.headers.get("retry-after", "")
    expect(retry.isdigit() and 1 <= int(retry) <= 60,
           f"the 429 carried Retry-After {retry!r}; send the whole seconds left in the window (1 to 60)")


@pytest.mark.task(7)
@pytest.mark.points(1)
def test_sixth_login_attempt_in_a_minute_is_429(limited):
    """5 attempts (right or wrong) are answered; the 6th within a minute is 429 with Retry-After"""
    with api_at(limited, "10.0.0.1") as api:
        api.add_user("alice")
        spend(api, FIVE)
        expect_429(api.login("alice", OTHER_PASSWORD),
                   "the 6th login attempt from one client within a minute must be 429 Too Many Requests")


@pytest.mark.task(7)
@pytest.mark.points(1)
def test_right_password_is_refused_while_limited(limited):
    """once the budget is spent even the right password gets 429; other routes still answer"""
    with api_at(limited, "10.0.0.2") as api:
        api.add_user("alice")
        spend(api, [(OTHER_PASSWORD, 401)] * 5)
        expect_429(api.login("alice", PASSWORD), "after 5 wrong attempts the right password must be 429 too: "
                                                 "check the budget before the password")
        expect_status(api.register("newcomer"), 201, "POST /register must not be limited by the login budget")


@pytest.mark.task(7)
@pytest.mark.points(1)
def test_each_client_address_has_its_own_budget(limited):
    """another address still logs in; a new X-Forwarded-For value does not reset a budget"""
    with api_at(limited, "10.0.0.3") as api:
        api.add_user("alice")
        for n in range(1, 6):
            expect_status(api.login("alice", PASSWORD, headers={"X-Forwarded-For": f"203.0.113.{n}"}), 200,
                          f"login attempt {n} of 5 must be 200")
        expect_429(api.login("alice", PASSWORD, headers={"X-Forwarded-For": "203.0.113.99"}),
                   "the same connection (10.0.0.3) made its 6th attempt with a new X-Forwarded-For; that header "
                   "is written by the client, so key the budget on request.client.host")
    with api_at(limited, "10.0.0.4") as other:
        expect_status(other.login("alice", PASSWORD), 200,
                      "this is the first attempt from another address (10.0.0.4): each client has its own budget")


@pytest.mark.task(7)
@pytest.mark.points(1)
def test_login_window_is_one_minute(limited, clock):
    """the window slides: each attempt leaves it 60 s after it was made, and Retry-After counts down to that"""
    with api_at(limited, "10.0.0.5") as api:
        api.add_user("alice")
        for n, (password, expected) in enumerate(FIVE, start=1):  # at 0, 10, 20, 30 and 40 seconds
            expect_status(api.login("alice", password), expected,
                          f"login attempt {n} of 5, made {10 * (n - 1)} s after the first, must be {expected}")
            clock.advance(10 if n < 5 else 5)
        response = api.login("alice", PASSWORD)
        expect_429(response, "45 seconds after the first of 5 attempts the minute is not over: the 6th must be 429")
        retry = int(response.headers["retry-after"])
        expect(14 <= retry <= 15, f"45 s after the first attempt the 429 said Retry-After {retry}; the oldest attempt "
                                  "leaves the window in 15 s, so send the seconds actually left")
        clock.advance(15.5)
        expect_status(api.login("alice", PASSWORD), 200,
                      "60.5 s after the first attempt it has left the window (4 remain): the login must be 200")
        response = api.login("alice", PASSWORD)
        expect_429(response, "the attempts made 10 to 40 s after the first are still in the window, with the one "
                             "just made: the next must be 429")
        retry = int(response.headers["retry-after"])
        expect(9 <= retry <= 10, f"the oldest attempt still in the window (made at 10 s) leaves it 9.5 s from now, "
                                 f"but the 429 said Retry-After {retry}; count from the oldest attempt kept")


# --- task 8: audit records -----------------------------------------------------------


def audit_log(student):
    log = getattr(student, "AUDIT_LOG", None)
    expect(isinstance(log, list), "your module must keep the audit records in a list named AUDIT_LOG")
    return log


def one_record(student, call, what):
    before = len(audit_log(student))
    response = call()
    added = audit_log(student)[before:]
    expect(len(added) == 1, f"{what} added {len(added)} audit records to AUDIT_LOG; every request adds exactly one")
    expect(isinstance(added[0], dict), f"{what} added {added[0]!r}; each record must be a dict")
    return response, added[0]


@pytest.mark.task(8)
@pytest.mark.points(1)
def test_one_structured_record_per_request(api, student):
    """each request adds one JSON record {request_id, user, method, path, status}; the path has no query"""
    api.add_user("alice")
    auth = api.auth("alice")
    response, record = one_record(student, lambda: api.client.get("/tasks", params={"page": "2"}, headers=auth),
                                  "GET /tasks?page=2")
    expect_status(response, 200, "alice's GET /tasks must be 200")
    missing = AUDIT_KEYS - set(record)
    expect(not missing, f"the audit record {record!r} lacks {sorted(missing)}")
    try:
        json.dumps(record)
    except (TypeError, ValueError):
        pytest.fail(f"the audit record {record!r} is not JSON-serialisable", pytrace=False)
    expected = {"user": "alice", "method": "GET", "path": "/tasks", "status": 200}
    got = {key: record.get(key) for key in expected}
    expect(got == expected, f"the record of alice's GET /tasks?page=2 has {got}; expected {expected} "
                            "(the path without its query string, the status as an int)")
    _, record = one_record(student, lambda: api.register("bobby"), "POST /register")
    got = {key: record.get(key) for key in expected}
    expected = {"user": None, "method": "POST", "path": "/register", "status": 201}
    expect(got == expected, f"the record of an anonymous POST /register has {got}; expected {expected}")


@pytest.fixture
def crash_client(student):
    """The app with one more route, which raises (to see that a crash is recorded too)."""

    async def suite_crash():
        raise RuntimeError("a bug in a route")

    app = getattr(student, "app", None)
    if app is not None:
        app.add_api_route("/suite-crash", suite_crash)
    with open_client(app) as test_client:
        yield test_client


@pytest.mark.task(8)
@pytest.mark.points(1)
def test_refused_requests_are_recorded(student, crash_client):
    """401, 404, 422, 429 and 500 answers each leave exactly one record with their status"""
    api = Api(student, crash_client)
    api.add_user("alice")
    auth = api.auth("alice")
    cases = [("GET /me without a token", lambda: api.client.get("/me"), 401),
             ("GET /suite-crash (a route that raises)", lambda: api.client.get("/suite-crash"), 500),
             ("GET /tasks/999", lambda: api.client.get("/tasks/999", headers=auth), 404),
             ("GET /no/such/route", lambda: api.client.get("/no/such/route"), 404),
             ("POST /tasks with an empty body", lambda: api.client.post("/tasks", json={}, headers=auth), 422)]
    for n in range(1, 6):
        cases.append((f"login attempt {n}", lambda: api.login("alice", OTHER_PASSWORD), 401))
    cases.append(("the 6th login attempt", lambda: api.login("alice", OTHER_PASSWORD), 429))
    for what, call, code in cases:
        response, record = one_record(student, call, what)
        expect_status(response, code, f"{what} must answer {code}")
        expect(record.get("status") == code,
               f"{what} answered {code} but its audit record says status {record.get('status')!r}")


@pytest.mark.task(8)
@pytest.mark.points(1)
def test_only_verified_users_are_credited_and_ids_are_returned(api, student):
    """a forged token is recorded with user None; every request has a new request_id, echoed in X-Request-ID"""
    api.add_user("root", role="admin")
    forged = bearer(foreign({"sub": "root", "type": "access"}))
    response, record = one_record(student, lambda: api.client.get("/users", headers=forged), "GET /users, forged")
    expect_status(response, 401, "a token signed with another key must be refused")
    expect(record.get("user") is None, f"a refused token claiming 'root' was recorded with user "
                                       f"{record.get('user')!r}; only a verified user may appear (None here)")
    ids = []
    for _ in range(3):
        response, record = one_record(student, lambda: api.client.get("/me"), "GET /me")
        header = response.headers.get("x-request-id")
        expect(header is not None and header == record.get("request_id") and isinstance(header, str),
               f"GET /me answered X-Request-ID {header!r} but its record has request_id "
               f"{record.get('request_id')!r}; send the record's id back in the header")
        ids.append(header)
    expect(len(set(ids)) == 3, f"three requests got the request ids {ids}; each request needs a new one")


@pytest.mark.task(8)
@pytest.mark.points(1)
def test_no_secret_reaches_the_audit_or_logs(api, student, caplog, capsys):
    """passwords, access and refresh tokens and the Authorization header reach no record, log line or print"""
    caplog.set_level(logging.DEBUG)
    expect_status(api.register("alice", PASSWORD), 201, "registering alice must succeed")
    pair = api.tokens("alice", PASSWORD)
    expect_status(api.client.get("/me", headers=bearer(pair["access_token"])), 200, "GET /me must be 200")
    response = api.client.post("/refresh-token", json={"refresh_token": pair["refresh_token"]})
    expect_status(response, 200, "the refresh must be 200")
    lines = [r.getMessage() for r in caplog.records if not r.name.startswith(NOISY_LIBRARIES)]
    captured = capsys.readouterr()
    logged = "\n".join([repr(audit_log(student)), json.dumps(audit_log(student), default=str), *lines,
                        captured.out, captured.err])
    for secret, what in ((PASSWORD, "the password"), (pair["access_token"].rsplit(".", 1)[1], "the access token"),
                         (pair["refresh_token"].rsplit(".", 1)[1], "the refresh token"),
                         ("Bearer ", "the Authorization header")):
        expect(secret not in logged, f"{what} was written to the audit log (or a log line or print); never log "
                                     "bodies, headers or tokens")
