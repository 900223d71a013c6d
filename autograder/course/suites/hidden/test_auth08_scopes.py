"""Hidden suite for auth08_scopes.

Catches: the source's ``dependencies=[Depends(Security(...))]`` (an AssertionError when
the route is defined: the module does not import); ``Depends(get_current_user)`` or a
``Security`` without ``scopes``, which lets any valid token through; a missing scope
answered 401 instead of 403, or without ``WWW-Authenticate: Bearer scope="..."``;
scopes matched loosely (a prefix, another case, a longer name); tokens that are
expired, forged, unsigned, tampered with (scopes added) or without ``sub`` accepted;
the write route guarded by the read scope; the item's owner not taken from the token;
the scopes missing from the OpenAPI schema.
"""

import pytest

from autograder.kit import expect, expect_json, expect_status
from autograder.kit.tokens import bearer, expired, foreign, mint, tampered, unsigned

READ, WRITE = "items:read", "items:write"
NEW_ITEM = {"item": "Baz", "value": "Qux"}


def token(student, scopes=None, sub="alice"):
    claims = {"sub": sub} if scopes is None else {"sub": sub, "scopes": scopes}
    return mint(claims, student.SECRET_KEY, student.ALGORITHM)


def get_items(client, sent):
    return client.get("/items/", headers=bearer(sent))


def expect_header(response, expected, what):
    got = response.headers.get("www-authenticate")
    expect(got == expected, f"{what} answered {response.status_code} with WWW-Authenticate {got!r}; expected "
                            f"{expected!r}")


def read_is_granted(student, client):
    """Precondition: a token with items:read reads the items (refusing everyone earns nothing)."""
    response = get_items(client, token(student, [READ]))
    expect_status(response, 200, "a token with the scope items:read must read the items")
    body = expect_json(response)
    expect(isinstance(body, list) and {"item": "Foo", "value": "Bar", "owner": "admin"} in body,
           f"GET /items/ answered {body!r}; expected the list ITEMS")


def expect_forbidden(response, scope, what):
    expect_status(response, 403, f"{what} is a valid login without the scope {scope}: 403 Forbidden")
    expect_json(response, {"detail": "Not enough permissions"})


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_me_answers_the_token_user_and_scopes(student, client):
    """GET /users/me answers the token's sub and scopes ([] when the token has none)"""
    response = client.get("/users/me", headers=bearer(token(student, [READ, WRITE])))
    expect_status(response, 200, "any valid token may read /users/me")
    expect_json(response, {"username": "alice", "scopes": [READ, WRITE]})
    response = client.get("/users/me", headers=bearer(token(student, None, sub="bob")))
    expect_status(response, 200, "a valid token without a scopes claim may still read /users/me")
    expect_json(response, {"username": "bob", "scopes": []}, "a token without 'scopes' has the scopes []")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_missing_token_is_401(student, client):
    """without a token, /items/ and /users/me answer 401 with WWW-Authenticate: Bearer"""
    read_is_granted(student, client)
    for path in ("/items/", "/users/me"):
        response = client.get(path)
        expect_status(response, 401, "a request without a token must be 401 Unauthorized")
        expect(response.headers.get("www-authenticate", "").startswith("Bearer"),
               f"GET {path} without a token answered 401 without 'WWW-Authenticate: Bearer'")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_bad_tokens_are_401(student, client):
    """expired, forged, unsigned, tampered, garbage, sub-less and exp-less tokens, or scopes not a list, get 401"""
    read_is_granted(student, client)
    key, algorithm = student.SECRET_KEY, student.ALGORITHM
    read_only = token(student, [READ])
    cases = [
        (expired({"sub": "alice", "scopes": [READ]}, key, algorithm), "an expired token"),
        (foreign({"sub": "alice", "scopes": [READ]}, algorithm), "a token signed with another key"),
        (unsigned({"sub": "alice", "scopes": [READ]}), "an unsigned ('alg: none') token"),
        (tampered(read_only, scopes=[READ, WRITE]), "a token whose scopes were edited after signing"),
        ("not-a-jwt", "the string 'not-a-jwt'"),
        (mint({"scopes": [READ]}, key, algorithm), "a token without 'sub'"),
        (mint({"sub": "alice", "scopes": [READ]}, key, algorithm, minutes=None), "a token without 'exp'"),
        (mint({"sub": "alice", "scopes": READ}, key, algorithm), "a token whose 'scopes' is a string, not a list"),
    ]
    for sent, what in cases:
        response = get_items(client, sent)
        expect_status(response, 401, f"{what} must be refused with 401")
        expect_json(response, {"detail": "Could not validate credentials"}, f"{what} must answer "
                    "{'detail': 'Could not validate credentials'}")
        expect_header(response, f'Bearer scope="{READ}"', f"GET /items/ with {what}")
    response = client.post("/items/", json=NEW_ITEM, headers=bearer(tampered(read_only, scopes=[READ, WRITE])))
    expect_status(response, 401, "a token whose scopes were edited after signing must not create items")
    response = client.get("/users/me", headers=bearer("not-a-jwt"))
    expect_status(response, 401, "a garbage token must be refused with 401")
    expect_header(response, "Bearer", "GET /users/me (which requires no scope) with a garbage token")


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_items_need_the_read_scope(student, client):
    """GET /items/ answers 200 with items:read, 403 'Not enough permissions' without it"""
    read_is_granted(student, client)
    expect_status(get_items(client, token(student, [READ, WRITE])), 200, "a token with both scopes may read")
    for scopes in ([], [WRITE], None):
        what = f"a token with the scopes {scopes!r}" if scopes is not None else "a token without a scopes claim"
        expect_forbidden(get_items(client, token(student, scopes)), READ, f"GET /items/ with {what}")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_403_names_the_missing_scope(student, client):
    """a 403 carries WWW-Authenticate: Bearer scope="<the route's scopes>\""""
    read_is_granted(student, client)
    response = get_items(client, token(student, [WRITE]))
    expect_forbidden(response, READ, "GET /items/ with only items:write")
    expect_header(response, f'Bearer scope="{READ}"', "GET /items/ with only items:write")
    response = client.post("/items/", json=NEW_ITEM, headers=bearer(token(student, [READ])))
    expect_forbidden(response, WRITE, "POST /items/ with only items:read")
    expect_header(response, f'Bearer scope="{WRITE}"', "POST /items/ with only items:read")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_scopes_match_exactly(student, client):
    """'items', 'ITEMS:READ', 'items:read:all' or a string claim 'items:reader' do not grant items:read"""
    read_is_granted(student, client)
    for near_miss in ("items", "items:rea", "ITEMS:READ", "items:read:all", " items:read"):
        expect_forbidden(get_items(client, token(student, [near_miss])), READ,
                         f"GET /items/ with the scope {near_miss!r} (compare whole scope names, exactly)")
    response = get_items(client, token(student, "items:reader"))
    expect(response.status_code in (401, 403), f"GET /items/ with the claim scopes='items:reader' (a string, not a "
                                               f"list) answered {response.status_code}; 'in' on a string matches "
                                               "substrings: refuse a scopes claim that is not a list")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_post_needs_the_write_scope(student, client):
    """POST /items/ is refused (403) with items:read alone, and nothing is added"""
    read_is_granted(student, client)
    response = client.post("/items/", json=NEW_ITEM, headers=bearer(token(student, [READ])))
    expect_forbidden(response, WRITE, "POST /items/ with only items:read")
    expect(all(item.get("item") != "Baz" for item in student.ITEMS),
           "POST /items/ was refused but the item was added to ITEMS anyway")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_post_creates_an_item_owned_by_the_token_user(student, client):
    """POST /items/ with items:write answers 201 with the item and its owner, and GET lists it"""
    response = client.post("/items/", json=NEW_ITEM, headers=bearer(token(student, [WRITE], sub="carol")))
    expect_status(response, 201, "a token with items:write must create the item (201 Created)")
    created = {**NEW_ITEM, "owner": "carol"}
    expect_json(response, created, "the owner is the token's sub")
    listed = expect_json(get_items(client, token(student, [READ])))
    expect(isinstance(listed, list) and created in listed, f"after the POST, GET /items/ answered {listed!r}; "
                                                           "the new item must be in ITEMS")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_openapi_lists_the_scopes(student, client):
    """the OpenAPI schema says GET /items/ needs items:read and POST /items/ needs items:write"""
    schema = expect_json(client.get("/openapi.json"))
    operations = schema.get("paths", {}).get("/items/", {})
    for method, scope in (("get", READ), ("post", WRITE)):
        requirements = operations.get(method, {}).get("security", [])
        granted = [s for requirement in requirements for scopes in requirement.values() for s in scopes]
        expect(scope in granted, f"the OpenAPI schema gives {method.upper()} /items/ the security requirements "
                                 f"{requirements!r}; declare the route with Security(get_current_user, "
                                 f"scopes=[{scope!r}]) so that it lists {scope!r}")
