"""Public checks for auth08_scopes: who you are (401), what you may do (403), the routes' scopes."""

from typing import Annotated

import pytest
from fastapi import FastAPI, Header, HTTPException, Security
from fastapi.security import SecurityScopes
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_json, expect_status
from autograder.kit.tokens import bearer, mint


def token_for(student, scopes):
    return bearer(mint({"sub": "alice", "scopes": scopes}, student.SECRET_KEY, student.ALGORITHM))


def stand_in_user(security_scopes: SecurityScopes, x_scopes: Annotated[str, Header()] = "") -> dict:
    """Replaces get_current_user: the caller's scopes come from the header X-Scopes."""
    granted = x_scopes.split()
    if any(scope not in granted for scope in security_scopes.scopes):
        raise HTTPException(403, "Not enough permissions")
    return {"username": "alice", "scopes": granted}


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_users_me_authenticates(student, client):
    """GET /users/me: 401 with WWW-Authenticate without a token, the username and scopes with one"""
    response = client.get("/users/me")
    expect_status(response, 401, "a request without a token must be 401")
    expect("www-authenticate" in response.headers, "the 401 must carry a WWW-Authenticate header")
    expect_json(client.get("/users/me", headers=token_for(student, ["items:read"])),
                {"username": "alice", "scopes": ["items:read"]})


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_token_without_the_scope_is_403(student):
    """on a route requiring items:read, a valid token without it gets 403 'Not enough permissions'"""
    probe = FastAPI()

    @probe.get("/probe", dependencies=[Security(student.get_current_user, scopes=["items:read"])])
    def probe_route() -> dict:
        return {"ok": True}

    with TestClient(probe, raise_server_exceptions=False) as client:
        response = client.get("/probe", headers=token_for(student, ["items:write"]))
        expect_status(response, 403, "a token without the required scope must be 403 Forbidden")
        expect_json(response, {"detail": "Not enough permissions"})
        expect_status(client.get("/probe", headers=token_for(student, ["items:read"])), 200,
                      "a token with the required scope must pass")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_items_routes_declare_their_scopes(student):
    """GET /items/ needs items:read and POST /items/ items:write (get_current_user stood in)"""
    student.app.dependency_overrides[student.get_current_user] = stand_in_user
    with TestClient(student.app) as client:
        expect_status(client.get("/items/", headers={"X-Scopes": "items:write"}), 403,
                      "GET /items/ let in a caller without items:read: declare Security(get_current_user, "
                      "scopes=[\"items:read\"])")
        expect_json(client.get("/items/", headers={"X-Scopes": "items:read"}),
                    [{"item": "Foo", "value": "Bar", "owner": "admin"}])
        expect_status(client.post("/items/", json={"item": "Baz", "value": "Qux"}, headers={"X-Scopes": "items:read"}),
                      403, "POST /items/ let in a caller without items:write")
        created = client.post("/items/", json={"item": "Baz", "value": "Qux"}, headers={"X-Scopes": "items:write"})
        expect_status(created, 201, "POST /items/ with items:write must create the item")
        expect_json(created, {"item": "Baz", "value": "Qux", "owner": "alice"})
