"""Public checks for auth08_scopes: the 401 / 403 / 200 matrix of GET /items/."""

import pytest

from autograder.kit import expect, expect_json, expect_status
from autograder.kit.tokens import bearer, mint


def items_with(student, client, scopes):
    sent = mint({"sub": "alice", "scopes": scopes}, student.SECRET_KEY, student.ALGORITHM)
    return client.get("/items/", headers=bearer(sent))


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_no_token_is_401(client):
    """GET /items/ without a token answers 401 with WWW-Authenticate"""
    response = client.get("/items/")
    expect_status(response, 401, "a request without a token must be 401")
    expect("www-authenticate" in response.headers, "the 401 must carry a WWW-Authenticate header")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_token_without_the_scope_is_403(student, client):
    """a valid token without items:read gets 403 'Not enough permissions'"""
    response = items_with(student, client, ["items:write"])
    expect_status(response, 403, "a token without items:read must be 403 Forbidden")
    expect_json(response, {"detail": "Not enough permissions"})


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_token_with_the_scope_reads_items(student, client):
    """a token with items:read gets the items"""
    response = items_with(student, client, ["items:read"])
    expect_status(response, 200, "a token with items:read must read the items")
    expect_json(response, [{"item": "Foo", "value": "Bar", "owner": "admin"}])
