"""Hidden suite for secure03_rbac.

Catches: a wrong cell anywhere in the 401/403/200 matrix (no token, a bad token, guest,
user, admin against every route), 401 without ``WWW-Authenticate: Bearer``, 403 with
another detail, the source's exact-equality role check (an admin refused a route open
to users), user management that answers but does not act (or acts although it answered
403), 404/409/422 missing, 204 with a body, a deleted user's token still working, and
the role read from anything the client controls: a ``role`` claim added to the token, an
``X-Role`` header, a ``?role=`` parameter, or a role frozen into the token so that a
change made by an admin does not apply.

Tokens are minted with the student's ``SECRET_KEY`` and ``ALGORITHM`` and name the user
in ``sub`` only; users are created with ``add_user(username, password, role=...)``.
"""

import re

import pytest
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_json, expect_status
from autograder.kit.tokens import bearer, expired, foreign, mint, tampered, unsigned

PASSWORD = "Role-play-password-1"
PEOPLE = {"bob": "user", "gus": "guest", "ann": "admin"}  # not in name order: the listing must sort
FORBIDDEN = {"detail": "Not enough permissions"}


def challenge(response):
    """The scheme named by WWW-Authenticate (its first word, lower-cased; parameters may follow)."""
    return re.split(r"[\s,]", response.headers.get("www-authenticate", "").strip(), maxsplit=1)[0].lower()


@pytest.fixture
def app_client(student):
    for name, role in PEOPLE.items():
        student.add_user(name, PASSWORD, role=role)
    with TestClient(student.app, raise_server_exceptions=False) as client:
        yield client


def token(student, username, **claims):
    return mint({"sub": username, **claims}, student.SECRET_KEY, student.ALGORITHM)


def as_(student, username, **claims):
    return bearer(token(student, username, **claims))


def expect_401(response, why):
    expect_status(response, 401, why)
    expect(challenge(response) == "bearer",
           f"{why}: the 401 must carry WWW-Authenticate: Bearer (it had {response.headers.get('www-authenticate')!r})")
    expect_json(response, {"detail": "Could not validate credentials"},
                "expected the detail 'Could not validate credentials'")


def expect_403(response, why):
    expect_status(response, 403, why)
    expect_json(response, FORBIDDEN, "expected the detail 'Not enough permissions'")


def roles_seen_by_admin(student, client):
    response = client.get("/users", headers=as_(student, "ann"))
    expect_status(response, 200, "the admin listing the users must get 200")
    body = expect_json(response)
    return {entry.get("username"): entry.get("role") for entry in body} if isinstance(body, list) else {}


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_me_answers_the_stored_user(student, app_client):
    """GET /me answers each user's name and stored role"""
    for name, role in PEOPLE.items():
        response = app_client.get("/me", headers=as_(student, name))
        expect_status(response, 200, f"GET /me with {name}'s valid token must answer 200")
        expect_json(response, {"username": name, "role": role}, f"expected {{'username': {name!r}, 'role': {role!r}}}")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_bad_tokens_are_401(student, app_client):
    """missing, expired, forged, tampered and orphaned tokens answer 401 with WWW-Authenticate"""
    key, algorithm = student.SECRET_KEY, student.ALGORITHM
    expect_status(app_client.get("/me", headers=as_(student, "bob")), 200, "GET /me with bob's token must answer 200")
    cases = [
        ({}, "no token"),
        (bearer(expired({"sub": "ann"}, key, algorithm)), "an expired token"),
        (bearer(foreign({"sub": "ann"}, algorithm)), "a token signed with another key"),
        (bearer(unsigned({"sub": "ann"})), "an 'alg: none' token"),
        (bearer(tampered(token(student, "gus"), sub="ann")), "gus's token tampered to say ann"),
        (bearer("garbage"), "a malformed token"),
        (as_(student, "zoe"), "a valid token for a user that does not exist"),
        (bearer(mint({"role": "admin"}, key, algorithm)), "a valid token without sub"),
    ]
    for headers, what in cases:
        expect_401(app_client.get("/me", headers=headers), f"GET /me with {what}")
    expect_401(app_client.get("/users", headers=bearer(foreign({"sub": "ann"}, algorithm))),
               "GET /users with a forged admin token")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_reports_open_to_users_and_admins(student, app_client):
    """GET /reports: admin 200, user 200, guest 403, nobody 401"""
    for name in ("ann", "bob"):
        response = app_client.get("/reports", headers=as_(student, name))
        expect_status(response, 200,
                      f"GET /reports is open to admins and users, so {name} ({PEOPLE[name]}) must get 200")
        expect_json(response, {"reports": ["q1-sales", "q2-sales"], "for": name},
                    f"expected {{'reports': ['q1-sales', 'q2-sales'], 'for': {name!r}}}")
    expect_403(app_client.get("/reports", headers=as_(student, "gus")), "a guest must get 403 on GET /reports")
    expect_401(app_client.get("/reports"), "GET /reports without a token")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_list_users_is_admin_only(student, app_client):
    """GET /users: admin 200 with every user sorted, user and guest 403, nobody 401"""
    response = app_client.get("/users", headers=as_(student, "ann"))
    expect_status(response, 200, "the admin must get 200 on GET /users")
    expect_json(response, [{"username": name, "role": PEOPLE[name]} for name in sorted(PEOPLE)],
                "expected every user as {'username', 'role'}, sorted by username")
    for name in ("bob", "gus"):
        expect_403(app_client.get("/users", headers=as_(student, name)), f"{name} ({PEOPLE[name]}) on GET /users")
    expect_401(app_client.get("/users"), "GET /users without a token")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_create_user_is_admin_only(student, app_client):
    """POST /users: admin 201 (the user exists and can log in), 409, 422; others 403 and nothing created"""
    refused = app_client.post("/users", headers=as_(student, "bob"),
                              json={"username": "eve", "password": PASSWORD, "role": "admin"})
    expect_403(refused, "a user creating an account")
    expect_401(app_client.post("/users", json={"username": "eve", "password": PASSWORD}), "POST /users without a token")
    expect("eve" not in roles_seen_by_admin(student, app_client), "the refused POST /users created 'eve' anyway")
    created = app_client.post("/users", headers=as_(student, "ann"),
                              json={"username": "dan", "password": PASSWORD, "role": "guest"})
    expect_status(created, 201, "the admin creating a user must get 201 Created")
    expect_json(created, {"username": "dan", "role": "guest"}, "expected {'username': 'dan', 'role': 'guest'}")
    expect_json(app_client.get("/me", headers=as_(student, "dan")), {"username": "dan", "role": "guest"},
                "the new user dan must exist with the role guest")
    login = app_client.post("/login", json={"username": "dan", "password": PASSWORD})
    expect_status(login, 200, "the new user must be able to log in with the password the admin set")
    duplicate = app_client.post("/users", headers=as_(student, "ann"),
                                json={"username": "bob", "password": PASSWORD, "role": "admin"})
    expect_status(duplicate, 409, "creating a username that exists must answer 409 Conflict")
    expect_json(duplicate, {"detail": "Username already exists"}, "expected the detail 'Username already exists'")
    expect(roles_seen_by_admin(student, app_client).get("bob") == "user", "the refused duplicate changed bob's role")
    expect_status(app_client.post("/users", headers=as_(student, "ann"),
                                  json={"username": "fay", "password": PASSWORD, "role": "superuser"}),
                  422, "an unknown role must answer 422")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_change_role_is_admin_only(student, app_client):
    """PATCH /users/{name}/role: admin 200 and the role changes; 404, 422; others 403 and nothing changes"""
    expect_403(app_client.patch("/users/bob/role", headers=as_(student, "bob"), json={"role": "admin"}),
               "bob making himself admin")
    expect_403(app_client.patch("/users/gus/role", headers=as_(student, "gus"), json={"role": "user"}),
               "a guest changing a role")
    expect(roles_seen_by_admin(student, app_client).get("bob") == "user", "a refused PATCH changed bob's role")
    changed = app_client.patch("/users/gus/role", headers=as_(student, "ann"), json={"role": "user"})
    expect_status(changed, 200, "the admin changing gus's role must answer 200")
    expect_json(changed, {"username": "gus", "role": "user"}, "expected {'username': 'gus', 'role': 'user'}")
    expect(roles_seen_by_admin(student, app_client).get("gus") == "user", "gus's role did not change")
    missing = app_client.patch("/users/zoe/role", headers=as_(student, "ann"), json={"role": "user"})
    expect_status(missing, 404, "changing the role of an unknown user must answer 404")
    expect_json(missing, {"detail": "User not found"}, "expected the detail 'User not found'")
    expect_status(app_client.patch("/users/gus/role", headers=as_(student, "ann"), json={"role": "root"}), 422,
                  "an unknown role must answer 422")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_delete_user_is_admin_only(student, app_client):
    """DELETE /users/{name}: admin 204 and the user is gone (their token too); 404; others 403"""
    expect_403(app_client.delete("/users/gus", headers=as_(student, "bob")), "a user deleting an account")
    expect_401(app_client.delete("/users/gus"), "DELETE /users/gus without a token")
    expect("gus" in roles_seen_by_admin(student, app_client), "a refused DELETE removed gus anyway")
    gone = app_client.delete("/users/gus", headers=as_(student, "ann"))
    expect_status(gone, 204, "the admin deleting a user must answer 204 No Content")
    expect(gone.content == b"", f"a 204 answer must have no body; it had {gone.content[:60]!r}")
    expect("gus" not in roles_seen_by_admin(student, app_client), "gus is still listed after DELETE /users/gus")
    expect_401(app_client.get("/me", headers=as_(student, "gus")), "GET /me with the token of the deleted user gus")
    missing = app_client.delete("/users/gus", headers=as_(student, "ann"))
    expect_status(missing, 404, "deleting an unknown user must answer 404")
    expect_json(missing, {"detail": "User not found"}, "expected the detail 'User not found'")


@pytest.mark.task(4)
@pytest.mark.points(2)
def test_role_is_never_taken_from_the_request(student, app_client):
    """a role claim, an X-Role header or a ?role= parameter never grant admin rights"""
    with_claim = as_(student, "bob", role="admin")
    expect_403(app_client.get("/users", headers=with_claim), "bob's token carrying the claim role=admin")
    expect_json(app_client.get("/me", headers=with_claim), {"username": "bob", "role": "user"},
                "GET /me must show bob's stored role 'user', not the role claim his token carries")
    expect_403(app_client.get("/users", headers={**as_(student, "bob"), "X-Role": "admin"}),
               "bob sending the header X-Role: admin")
    expect_403(app_client.get("/users", params={"role": "admin"}, headers=as_(student, "bob")),
               "bob sending ?role=admin")
    expect_403(app_client.get("/reports", headers=as_(student, "gus", role="user")),
               "gus (guest) with a token carrying role=user")
    expect_403(app_client.delete("/users/ann", headers=as_(student, "gus", role="admin")),
               "gus (guest) with a token carrying role=admin deleting the admin")
    expect("ann" in roles_seen_by_admin(student, app_client), "gus's forged role deleted the admin")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_role_changes_apply_to_existing_tokens(student, app_client):
    """a token issued before a role change gets the new role's rights"""
    bob_before = as_(student, "bob")
    ann_before = as_(student, "ann")
    expect_403(app_client.get("/users", headers=bob_before), "bob, still a user, on GET /users")
    expect_status(app_client.patch("/users/bob/role", headers=ann_before, json={"role": "admin"}), 200,
                  "the admin promoting bob must answer 200")
    expect_status(app_client.get("/users", headers=bob_before), 200,
                  "bob was promoted to admin: his existing token must now open GET /users (read the role from the "
                  "store, not from the token)")
    expect_status(app_client.patch("/users/ann/role", headers=bob_before, json={"role": "guest"}), 200,
                  "bob, now admin, demoting ann must answer 200")
    expect_403(app_client.get("/users", headers=ann_before), "ann, demoted to guest, with her old token")
    expect_403(app_client.get("/reports", headers=ann_before), "ann, demoted to guest, on GET /reports")
