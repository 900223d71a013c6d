"""Assertions that fail with one sentence about the student's app.

The first line of an ``AssertionError`` is what the gradebook shows, so each helper
builds it from what was asked, what came back and what was expected.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute


def _describe_request(response: httpx.Response) -> str:
    request = response.request
    target = request.url.path + (f"?{request.url.query.decode()}" if request.url.query else "")
    return f"{request.method} {target}"


def expect(condition: Any, message: str) -> None:
    """Fail with ``message`` unless ``condition`` holds."""
    if not condition:
        pytest.fail(message, pytrace=False)


_PLAIN = (bool, int, float, str, bytes, type(None))


def same(actual: Any, expected: Any) -> bool:
    """``actual == expected`` that a custom ``__eq__`` cannot satisfy.

    The student's values are compared only when every part of them is a plain builtin
    (exact types: a ``float`` subclass whose ``__eq__`` always answers True is refused),
    with ints and floats interchangeable as Python's own ``==`` has them.
    """
    if type(actual) in (int, float) and type(expected) in (int, float):
        return actual == expected
    if type(actual) is not type(expected):
        return False
    if type(actual) in _PLAIN:
        return actual == expected
    if type(actual) in (list, tuple):
        return len(actual) == len(expected) and all(same(a, e) for a, e in zip(actual, expected))
    if type(actual) is dict:
        return actual.keys() == expected.keys() and all(same(actual[k], expected[k]) for k in expected)
    if type(actual) in (set, frozenset):
        return all(type(a) in _PLAIN for a in actual) and actual == expected
    return False


def expect_status(response: httpx.Response, expected: int, why: str = "") -> None:
    """``GET /books/999 answered 200; a missing book must be 404 Not Found``."""
    if response.status_code != expected:
        reason = why or f"expected {expected}"
        body = response.text[:120].replace("\n", " ")
        pytest.fail(
            f"{_describe_request(response)} answered {response.status_code} ({body}); {reason}",
            pytrace=False,
        )


def expect_json(response: httpx.Response, expected: Any = ..., why: str = "") -> Any:
    """The response's JSON body, which must equal ``expected`` (when given)."""
    try:
        body = response.json()
    except ValueError:
        pytest.fail(f"{_describe_request(response)} did not answer JSON: {response.text[:120]!r}", pytrace=False)
    if expected is not ... and not same(body, expected):
        reason = why or f"expected {expected!r}"
        pytest.fail(f"{_describe_request(response)} answered {body!r}; {reason}", pytrace=False)
    return body


def route_for(app: FastAPI, path: str, method: str = "GET") -> APIRoute:
    """The route that serves ``method path``, or a failure naming what is missing."""
    for route in app.routes:
        if isinstance(route, APIRoute) and route.path == path and method in route.methods:
            return route
    pytest.fail(f"your app has no {method} {path} route", pytrace=False)
