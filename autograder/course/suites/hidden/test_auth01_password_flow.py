"""Hidden suite for auth01_password_flow.

Catches: a known user's form login refused or answered with another shape than
``{"access_token", "token_type": "bearer"}`` (``token_type`` compares
case-insensitively, as RFC 6749 says; extra fields such as ``expires_in`` are allowed), the
hash sent back; a token not signed with ``SECRET_KEY`` and ``ALGORITHM``, naming another
user, or with ``exp`` not ``ACCESS_TOKEN_EXPIRE_MINUTES`` away; credentials read from
JSON instead of the form (a JSON body, a missing field or ``grant_type`` other than
``password`` must be 422); a 200 (or 400, 403...) on bad credentials; no
``WWW-Authenticate: Bearer`` on the 401; an unknown user told apart from a wrong password;
near-miss passwords (case, trailing space, another user's) accepted.

Every form carries ``grant_type=password``, as OAuth2 clients send it, so that
``OAuth2PasswordRequestFormStrict`` passes too. Users are created through the given
``add_user``. Argon2 with pwdlib's default cost takes a fifth of a second per hash, so
when the module's ``password_hash`` is pwdlib's ``PasswordHash`` the suite swaps in a
cheap Argon2 one before adding users. Checks that expect a refusal first log in
successfully: an app that refuses everyone earns nothing for refusing.
"""

import time

import jwt
import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

from autograder.kit import expect, expect_json, expect_status

USERS = {"alice": "correct horse battery staple", "bob": "Tr0ub4dor&3"}
MARGIN = 2  # seconds


@pytest.fixture
def api(student, client):
    if isinstance(getattr(student, "password_hash", None), PasswordHash):
        student.password_hash = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
    for username, password in USERS.items():
        student.add_user(username, password, full_name=username.title())
    return client


def login(api, username, password, **extra):
    """A password-grant form, with grant_type=password as RFC 6749 clients send it (the strict form needs it)."""
    return api.post("/token", data={"grant_type": "password", "username": username, "password": password, **extra})


def token_of(student, response, who):
    expect_status(response, 200, f"{who} logging in with the right password must get 200 and a token")
    body = expect_json(response)
    expect(isinstance(body, dict) and isinstance(body.get("access_token"), str) and "token_type" in body,
           f"POST /token answered {body!r}; expected {{\"access_token\": \"<JWT>\", \"token_type\": \"bearer\"}}")
    expect(str(body["token_type"]).lower() == "bearer", f"token_type was {body['token_type']!r}; expected \"bearer\"")
    expect("hashed_password" not in response.text and "$argon2" not in response.text and "$2b$" not in response.text,
           f"POST /token answered {response.text[:80]!r}...; never send the password hash back")
    try:
        return jwt.decode(body["access_token"], student.SECRET_KEY, algorithms=[student.ALGORITHM])
    except jwt.InvalidTokenError as exc:
        pytest.fail(f"the access_token does not verify with SECRET_KEY and ALGORITHM ({exc}); sign it with "
                    "jwt.encode(..., SECRET_KEY, algorithm=ALGORITHM)", pytrace=False)


def form_login_works(student, api):
    """Precondition of the refusal checks."""
    token_of(student, login(api, "alice", USERS["alice"]), "alice")


def expect_bad_credentials(student, api, username, password, what):
    form_login_works(student, api)
    response = login(api, username, password)
    expect_status(response, 401, f"{what} must be 401 Unauthorized")
    body = expect_json(response)
    expect("access_token" not in body, f"{what} was answered {body!r}; no token may be given")
    expect(body.get("detail") == "Incorrect username or password",
           f"{what} was refused with detail {body.get('detail')!r}; expected 'Incorrect username or password'")
    challenge = response.headers.get("www-authenticate")
    expect(challenge == "Bearer", f"the 401 for {what} has WWW-Authenticate {challenge!r}; expected 'Bearer' "
                                  "(HTTPException(..., headers={\"WWW-Authenticate\": \"Bearer\"}))")
    return response


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_form_login_answers_a_bearer_token(student, api):
    """alice's form login answers 200 {"access_token": <JWT with sub alice>, "token_type": "bearer"}"""
    claims = token_of(student, login(api, "alice", USERS["alice"]), "alice")
    expect(claims.get("sub") == "alice", f"alice's token has sub {claims.get('sub')!r}; expected 'alice'")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_each_user_gets_their_own_token(student, api):
    """bob's login gives a token for bob, alice's for alice"""
    for username in ("bob", "alice"):
        claims = token_of(student, login(api, username, USERS[username]), username)
        expect(claims.get("sub") == username, f"{username}'s token has sub {claims.get('sub')!r}; "
                                              f"expected {username!r}")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_token_expires_in_configured_minutes(student, api):
    """the token's exp is ACCESS_TOKEN_EXPIRE_MINUTES (30) from now"""
    before = time.time()
    response = login(api, "alice", USERS["alice"])
    after = time.time()
    exp = token_of(student, response, "alice").get("exp")
    minutes = student.ACCESS_TOKEN_EXPIRE_MINUTES
    expect(isinstance(exp, int | float) and before + minutes * 60 - MARGIN <= exp <= after + minutes * 60 + MARGIN,
           f"the token's exp is {exp!r}, {(exp or before) - before:+.0f} s from now; expected "
           f"ACCESS_TOKEN_EXPIRE_MINUTES ({minutes}) minutes = {minutes * 60} s, from datetime.now(timezone.utc)")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_json_body_is_not_a_form(student, api):
    """credentials sent as JSON instead of a form are answered 422"""
    form_login_works(student, api)
    response = api.post("/token", json={"grant_type": "password", "username": "alice", "password": USERS["alice"]})
    expect_status(response, 422, "the password grant sends a form (application/x-www-form-urlencoded); take "
                                 "OAuth2PasswordRequestForm, so that a JSON body is 422")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_form_rules_are_enforced(student, api):
    """a missing password or a grant_type other than 'password' is answered 422"""
    form_login_works(student, api)
    expect_status(api.post("/token", data={"grant_type": "password", "username": "alice"}), 422,
                  "a form without password must be 422 (OAuth2PasswordRequestForm requires it)")
    expect_status(login(api, "alice", USERS["alice"], grant_type="client_credentials"), 422,
                  "grant_type must be 'password' when given (OAuth2PasswordRequestForm checks it)")


@pytest.mark.task(3)
@pytest.mark.points(2)
def test_wrong_password_is_401_with_challenge(student, api):
    """a wrong password: 401 'Incorrect username or password' with WWW-Authenticate: Bearer"""
    expect_bad_credentials(student, api, "alice", "not her password", "alice with a wrong password")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_unknown_user_gets_the_same_answer(student, api):
    """an unknown username gets exactly the answer a wrong password gets"""
    wrong = expect_bad_credentials(student, api, "alice", "not her password", "alice with a wrong password")
    unknown = expect_bad_credentials(student, api, "mallory", "anything", "an unknown user")
    expect(unknown.json() == wrong.json(), f"an unknown user got {unknown.json()!r} but a wrong password got "
                                           f"{wrong.json()!r}; the same answer keeps usernames secret")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_near_miss_passwords_are_refused(student, api):
    """another case, a trailing space or another user's password are all refused"""
    password = USERS["alice"]
    for attempt, what in ((password.upper(), "in capitals"), (password + " ", "with a trailing space"),
                          (password[:-1], "without its last letter"), (USERS["bob"], "bob's password")):
        expect_bad_credentials(student, api, "alice", attempt, f"alice's password {what}")
