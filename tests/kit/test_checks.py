"""The kit's assertions: one sentence about the student's app, and comparisons no custom ``__eq__`` fools."""

from __future__ import annotations

import math

import httpx
import pytest
from fastapi import FastAPI

from autograder.kit.checks import expect, expect_json, expect_status, route_for, same


def failure(call) -> pytest.fail.Exception:
    """The failure ``call`` raises: the kit fails through pytest.fail, without a traceback."""
    with pytest.raises(pytest.fail.Exception) as raised:
        call()
    assert raised.value.pytrace is False
    return raised.value


def response(status: int = 200, url: str = "http://testserver/books/999", method: str = "GET", **content):
    return httpx.Response(status, request=httpx.Request(method, url), **content)


class AlwaysEqual(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


class LoudStr(str):
    pass


# --- expect ------------------------------------------------------------------------------


def test_expect_passes_when_the_condition_holds():
    expect(True, "never shown")
    expect([0], "a non-empty list is true")


@pytest.mark.parametrize("condition", [False, 0, "", None, []])
def test_expect_fails_with_exactly_the_message(condition):
    message = "the list must hold the new book"
    assert failure(lambda: expect(condition, message)).msg == message


# --- same --------------------------------------------------------------------------------


@pytest.mark.parametrize(("actual", "expected"), [
    (1, 1), (1, 1.0), (2.5, 2.5), ("a", "a"), (b"x", b"x"), (None, None), (True, True),
    ([1, "a", None], [1, "a", None]), ((1, 2), (1, 2)),
    ({"a": [1, {"b": 2.0}]}, {"a": [1.0, {"b": 2}]}),
    ({1, 2}, {2, 1}), (frozenset({"x"}), frozenset({"x"})), ({}, {}), ([], []),
])
def test_same_holds_for_equal_plain_values(actual, expected):
    assert same(actual, expected)


@pytest.mark.parametrize(("actual", "expected"), [
    (AlwaysEqual(1.0), 2.0),                 # a float whose __eq__ always answers True
    (LoudStr("admin"), "admin"),             # any subclass, even one that changes nothing
    ([AlwaysEqual(0.0)], [3.0]),
    ({"role": LoudStr("admin")}, {"role": "admin"}),
    (True, 1), (0, False),                   # a bool is not a number here
    ([1, 2], (1, 2)),                        # a list is not a tuple
    ([1, 2], [1, 2, 3]), ([1, 2, 3], [1, 2]),
    ({"a": 1}, {"a": 1, "b": 2}), ({"a": 1, "b": 2}, {"a": 1}), ({"a": 1}, {"a": 2}),
    ({(1, 2)}, {(1, 2)}),                    # a set of tuples: not plain parts
    ({1, 2}, {1, 3}),
    (math.nan, math.nan),                    # as Python's own ==
    (object(), object()),
])
def test_same_refuses_what_is_not_equal_or_not_plain(actual, expected):
    assert not same(actual, expected)


# --- expect_status -----------------------------------------------------------------------


def test_expect_status_passes_on_the_expected_status():
    expect_status(response(404, text="missing"), 404)


def test_expect_status_names_the_request_the_status_and_the_body():
    made = response(200, "http://testserver/books/999?full=1", text='{"title": "x"}')
    assert failure(lambda: expect_status(made, 404, "a missing book must be 404 Not Found")).msg == (
        'GET /books/999?full=1 answered 200 ({"title": "x"}); a missing book must be 404 Not Found')


def test_expect_status_says_what_was_expected_when_not_told_why():
    made = response(500, "http://testserver/items", "POST", text="boom")
    assert failure(lambda: expect_status(made, 201)).msg == "POST /items answered 500 (boom); expected 201"


def test_expect_status_keeps_the_body_to_one_short_line():
    made = response(500, text="line one\nline two\n" + "x" * 300)
    message = failure(lambda: expect_status(made, 200)).msg
    assert "\n" not in message
    assert message == f"GET /books/999 answered 500 (line one line two {'x' * 102}); expected 200"


# --- expect_json -------------------------------------------------------------------------


def test_expect_json_answers_the_body():
    assert expect_json(response(json={"id": 7, "tags": ["a"]})) == {"id": 7, "tags": ["a"]}
    assert expect_json(response(json={"id": 7.0}), {"id": 7}) == {"id": 7.0}
    assert expect_json(response(content=b"null"), None) is None  # JSON null, compared, not "not given"


def test_expect_json_refuses_a_body_that_is_not_json():
    message = failure(lambda: expect_json(response(text="<html>oops</html>"))).msg
    assert message == "GET /books/999 did not answer JSON: '<html>oops</html>'"


def test_expect_json_names_what_came_back_and_what_was_expected():
    made = response(json={"id": 8})
    assert failure(lambda: expect_json(made, {"id": 7})).msg == "GET /books/999 answered {'id': 8}; expected {'id': 7}"
    assert failure(lambda: expect_json(made, {"id": 7}, "the book asked for")).msg == (
        "GET /books/999 answered {'id': 8}; the book asked for")


def test_expect_json_compares_types_strictly():
    """``true`` is not ``1``: an app that answers a boolean where a count belongs fails."""
    assert failure(lambda: expect_json(response(json={"count": True}), {"count": 1})).msg == (
        "GET /books/999 answered {'count': True}; expected {'count': 1}")


# --- route_for ---------------------------------------------------------------------------


@pytest.fixture
def app() -> FastAPI:
    app = FastAPI()

    @app.get("/items/{item_id}")
    def read(item_id: int) -> dict:
        return {"id": item_id}

    @app.post("/items")
    def create() -> dict:
        return {}

    return app


def test_route_for_finds_the_route_by_path_and_method(app):
    assert route_for(app, "/items/{item_id}").name == "read"
    assert route_for(app, "/items", "POST").name == "create"


@pytest.mark.parametrize(("path", "method"), [("/items", "GET"), ("/items/{item_id}", "DELETE"),
                                              ("/items/7", "GET"), ("/items/{id}", "GET")])
def test_route_for_names_the_missing_route(app, path, method):
    assert failure(lambda: route_for(app, path, method)).msg == f"your app has no {method} {path} route"
