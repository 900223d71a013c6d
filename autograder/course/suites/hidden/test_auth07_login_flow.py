"""Hidden suite for auth07_login_flow.

Catches: the password kept in the user store; a login that fails (the source's missing
``pwd_context`` and ``datetime`` imports end in NameError), a token without ``sub`` or
``exp``, or with the wrong lifetime or key; user enumeration (an unknown username
answered differently from a wrong password, in status, body or headers, or skipping the
password verification, which makes it measurably faster); a password checked against
another user's hash; ``GET /protected`` refusing valid tokens, or accepting a token
signed with another key, unsigned (``alg: none``), tampered with, expired, without
``sub`` or ``exp``, or naming a user who does not exist; 401s without
``WWW-Authenticate: Bearer``; and ``except jwt.JWTError`` (python-jose's name: with
PyJWT it raises AttributeError, a 500, as soon as a bad token reaches it).

Timing is judged without a clock: the suite counts calls to the hashing libraries'
verification primitives (bcrypt, argon2-cffi, hashlib's PBKDF2 and scrypt) during each
login. When a submission uses none of them, that check cannot judge and passes.
"""

import time

import jwt
import pytest

from autograder.kit import expect, expect_json, expect_status
from autograder.kit.hashing import HashingCounter
from autograder.kit.tokens import bearer, expired, foreign, mint, tampered, unsigned

PASSWORD = "correct horse battery staple"
REFUSED = {"detail": "Incorrect username or password"}

def add(student, username="alice", password=PASSWORD, **fields):
    try:
        student.add_user(username, password, **fields)
    except NotImplementedError:
        pytest.fail("add_user() is not written yet", pytrace=False)


def login(client, username, password):
    return client.post("/token", data={"username": username, "password": password})


def token_for(client, username="alice", password=PASSWORD):
    response = login(client, username, password)
    expect_status(response, 200, f"the right password for {username!r} must log in (200)")
    body = expect_json(response)
    expect(isinstance(body, dict) and isinstance(body.get("access_token"), str),
           f"POST /token answered {body!r}; expected {{'access_token': <JWT>, 'token_type': 'bearer'}}")
    return body["access_token"]


def claims_of(student, token):
    try:
        return jwt.decode(token, student.SECRET_KEY, algorithms=[student.ALGORITHM], options={"verify_exp": False})
    except jwt.InvalidTokenError as exc:
        pytest.fail(f"the access token does not verify with SECRET_KEY and ALGORITHM ({exc}); sign it with them",
                    pytrace=False)


def holds(value, secret, depth=0, seen=None) -> bool:
    """Whether ``secret`` appears anywhere inside ``value`` (containers, objects, models)."""
    seen = seen if seen is not None else set()
    if depth > 6 or id(value) in seen:
        return False
    seen.add(id(value))
    if isinstance(value, str):
        return secret in value
    if isinstance(value, bytes | bytearray):
        return secret.encode() in value
    if isinstance(value, dict):
        return any(holds(k, secret, depth + 1, seen) or holds(v, secret, depth + 1, seen) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(holds(item, secret, depth + 1, seen) for item in value)
    attributes = getattr(value, "__dict__", None)
    if isinstance(attributes, dict) and type(value).__module__ not in ("builtins",):
        return holds(attributes, secret, depth + 1, seen)
    return False


def store_of(student):
    """The module's data: globals that are neither modules, functions, classes nor the app."""
    for name, value in vars(student).items():
        if name.startswith("__") or name == "app" or callable(value) or type(value).__name__ == "module":
            continue
        yield name, value


def expect_refused_token(client, token, detail, what):
    response = client.get("/protected", headers=bearer(token))
    expect_status(response, 401, f"{what} must be refused with 401")
    expect(response.headers.get("www-authenticate", "").lower().startswith("bearer"),
           f"GET /protected with {what} answered 401 without 'WWW-Authenticate: Bearer'; add that header")
    body = expect_json(response)
    expect(body == {"detail": detail}, f"GET /protected with {what} answered {body!r}; expected "
                                       f"{{'detail': {detail!r}}}")


def valid_token_is_accepted(student, client):
    """Precondition of the refusal checks: a server that refuses everyone earns nothing for refusing."""
    add(student, "alice")
    response = client.get("/protected", headers=bearer(mint({"sub": "alice"}, student.SECRET_KEY, student.ALGORITHM)))
    expect_status(response, 200, "a valid token for the existing user 'alice' must be accepted")
    expect_json(response, {"user": "alice"}, "a valid token for alice must give {'user': 'alice'}")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_store_keeps_a_hash_not_the_password(student):
    """after add_user, the user is stored but the password appears nowhere in the module's data"""
    add(student, "alice", PASSWORD, full_name="Alice Liddell")
    data = dict(store_of(student))
    expect(any(holds(value, "alice") for value in data.values()),
           "after add_user('alice', ...) no module-level store mentions 'alice'; keep the record in users_db")
    for name, value in data.items():
        expect(not holds(value, PASSWORD), f"after add_user('alice', {PASSWORD!r}) the password itself is stored "
                                           f"in `{name}`; store only password_hash.hash(password)")


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_login_returns_a_signed_token_for_the_user(student, client):
    """the right password answers a bearer token signed with SECRET_KEY whose sub is the username"""
    add(student, "alice")
    add(student, "bob", "another password entirely")
    response = login(client, "bob", "another password entirely")
    expect_status(response, 200, "the right password must log in (200)")
    body = expect_json(response)
    expect(isinstance(body, dict) and set(body) == {"access_token", "token_type"} and body["token_type"] == "bearer",
           f"POST /token answered {body!r}; expected exactly {{'access_token': <JWT>, 'token_type': 'bearer'}}")
    claims = claims_of(student, body["access_token"])
    expect(claims.get("sub") == "bob", f"bob's token carries the claims {claims!r}; 'sub' must be 'bob'")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_token_expires_in_thirty_minutes(student, client):
    """the token's exp is 30 minutes after the login"""
    add(student, "alice")
    before = time.time()
    claims = claims_of(student, token_for(client))
    after = time.time()
    exp = claims.get("exp")
    expect(isinstance(exp, int | float), f"the access token has no numeric 'exp' claim ({claims!r}); without it, "
                                         "a stolen token works forever")
    expect(before + 30 * 60 - 5 <= exp <= after + 30 * 60 + 5,
           f"the token expires {round((exp - before) / 60, 1)} minutes after login; expected 30 (use "
           "datetime.now(UTC) + timedelta(minutes=ACCESS_TOKEN_EXPIRE_MINUTES))")


@pytest.mark.task(3)
@pytest.mark.points(2)
def test_wrong_password_and_unknown_user_get_the_same_answer(student, client):
    """a wrong password, another user's password and an unknown user all get the same 401"""
    add(student, "alice")
    add(student, "bob", "bob's own password")
    token_for(client)
    answers = {}
    for username, password, what in (("alice", "not the password", "a wrong password"),
                                     ("mallory", PASSWORD, "an unknown username"),
                                     ("bob", PASSWORD, "bob's username with alice's password")):
        response = login(client, username, password)
        expect_status(response, 401, f"{what} must be refused with 401 Unauthorized")
        expect_json(response, REFUSED, f"{what} must answer {REFUSED!r}, whatever went wrong")
        expect(response.headers.get("www-authenticate") == "Bearer",
               f"the 401 for {what} came with WWW-Authenticate {response.headers.get('www-authenticate')!r}; "
               "expected 'Bearer'")
        answers[what] = response
    wrong, unknown, _ = answers.values()
    expect(wrong.content == unknown.content,
           f"a wrong password got the body {wrong.text!r} but an unknown username {unknown.text!r}; any difference "
           "tells an attacker which usernames exist")
    expect(sorted(wrong.headers.items()) == sorted(unknown.headers.items()),
           f"a wrong password got the headers {dict(wrong.headers)} but an unknown username {dict(unknown.headers)}; "
           "answer both the same way")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_unknown_user_costs_a_password_verification(student, client, monkeypatch):
    """an unknown username still runs a password verification (against a dummy hash), like a wrong password"""
    add(student, "alice")
    counter = HashingCounter(monkeypatch)
    expect_status(login(client, "alice", "not the password"), 401, "a wrong password must be refused with 401")
    for_wrong_password = counter.take()
    expect_status(login(client, "mallory", "not the password"), 401, "an unknown username must be refused with 401")
    for_unknown_user = counter.take()
    if for_wrong_password == 0:
        return  # the hashing library is not one this check can observe: nothing to compare
    expect(for_unknown_user >= 1,
           f"a wrong password cost {for_wrong_password} password verification(s) but an unknown username none: "
           "the faster answer reveals which usernames exist; verify the password against a dummy hash too")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_token_from_login_opens_protected(student, client):
    """the token from POST /token opens GET /protected, which answers {'user': <username>}"""
    add(student, "alice")
    add(student, "carol", "carol's password")
    token = token_for(client, "carol", "carol's password")
    response = client.get("/protected", headers=bearer(token))
    expect_status(response, 200, "the token just issued by POST /token must open GET /protected")
    expect_json(response, {"user": "carol"}, "carol's token must give {'user': 'carol'}")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_missing_or_forged_tokens_are_refused(student, client):
    """no token, another key, alg none, a tampered payload and garbage all get 401 with WWW-Authenticate"""
    valid_token_is_accepted(student, client)
    response = client.get("/protected")
    expect_status(response, 401, "a request without a token must be refused with 401")
    expect(response.headers.get("www-authenticate", "").lower().startswith("bearer"),
           "GET /protected without a token answered 401 without 'WWW-Authenticate: Bearer'")
    good = mint({"sub": "alice"}, student.SECRET_KEY, student.ALGORITHM)
    for token, what in ((foreign({"sub": "alice"}, student.ALGORITHM), "a token signed with another key"),
                        (unsigned({"sub": "alice"}), "an unsigned ('alg: none') token"),
                        (tampered(good, sub="admin"), "a tampered token"),
                        ("not-a-jwt", "the string 'not-a-jwt' as token")):
        expect_refused_token(client, token, "Invalid token", what)


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_expired_incomplete_and_orphan_tokens_are_refused(student, client):
    """an expired token says 'Token has expired'; tokens without sub or exp, or for no such user, are refused"""
    valid_token_is_accepted(student, client)
    key, algorithm = student.SECRET_KEY, student.ALGORITHM
    expect_refused_token(client, expired({"sub": "alice"}, key, algorithm), "Token has expired", "an expired token")
    for token, what in ((mint({"role": "user"}, key, algorithm), "a token without 'sub'"),
                        (mint({"sub": "alice"}, key, algorithm, minutes=None), "a token without 'exp'"),
                        (mint({"sub": "ghost"}, key, algorithm), "a token for the user 'ghost', who does not exist")):
        expect_refused_token(client, token, "Invalid token", what)
