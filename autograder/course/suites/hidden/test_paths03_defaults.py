"""Hidden suite for paths03_defaults.

Catches: defaults not applied (``limit`` other than 10, ``offset`` other than 0, ``q``
required or not null when absent), a wrong page (the slice not starting at ``offset``
or not stopping after ``limit`` matches, ``total`` counting the page instead of the
matches), and bounds not enforced or off by one (``limit=0``, ``limit=101`` and
``offset=-1`` must be 422 while ``limit=1``, ``limit=100`` and ``offset=0`` are
allowed), non-integer values accepted, and the OpenAPI schema not documenting the
defaults and bounds.

The expected pages are computed here from the catalogue's definition, not from the
student's module. Every refusal check first makes a valid request.
"""

import pytest

from autograder.kit import expect, expect_json, expect_status

COLOURS = ("Red", "Green", "Blue")
CATALOGUE = [f"{COLOURS[n % 3]} {'lamp' if n % 5 == 0 else 'mug'} {n:03d}" for n in range(1, 151)]


def matches(q):
    return [entry for entry in CATALOGUE if q is None or q.lower() in entry.lower()]


def searched(client, **params):
    response = client.get("/search", params=params)
    expect_status(response, 200, f"a search with {params or 'no parameters'} must succeed")
    return expect_json(response)


def expect_refused(client, params, name, why):
    response = client.get("/search", params=params)
    expect_status(response, 422, why)
    detail = expect_json(response).get("detail")
    places = [tuple(error.get("loc", ())) for error in detail] if isinstance(detail, list) else []
    expect(("query", name) in places, f"GET /search with {params} was refused, but the error names {places} "
                                      f"instead of ('query', {name!r}); declare the bound with Query(...)")


def expect_page(body, q, limit, offset, asked):
    found = matches(q)
    expected = {"q": q, "limit": limit, "offset": offset, "total": len(found), "results": found[offset:offset + limit]}
    if body != expected:
        differing = sorted(key for key in expected if not isinstance(body, dict) or body.get(key) != expected[key])
        shown = {key: body.get(key) if isinstance(body, dict) else body for key in differing}
        wanted = {key: expected[key] for key in differing}
        pytest.fail(f"GET /search{asked} answered {shown!r}; expected {wanted!r}", pytrace=False)


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_defaults_apply(client):
    """GET /search without parameters answers the first 10 of all 150 products, q null, offset 0"""
    expect_page(searched(client), None, 10, 0, "")


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_filter_and_page(client):
    """q filters (case-insensitive), total counts every match, and the page starts at offset"""
    expect_page(searched(client, q="lamp"), "lamp", 10, 0, "?q=lamp")
    expect_page(searched(client, q="green LAMP"), "green LAMP", 10, 0, "?q=green LAMP")
    expect_page(searched(client, q="RED", limit=5, offset=10), "RED", 5, 10, "?q=RED&limit=5&offset=10")
    expect_page(searched(client, offset=3), None, 10, 3, "?offset=3")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_offset_near_and_past_the_end(client):
    """offset=145 answers the last 5 products; offset=500 answers no results, still 200"""
    expect_page(searched(client, offset=145), None, 10, 145, "?offset=145")
    expect_page(searched(client, offset=500), None, 10, 500, "?offset=500")


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_limit_bounds(client):
    """limit=1 and limit=100 are allowed; limit=0 and limit=101 are answered 422"""
    expect_page(searched(client, limit=1), None, 1, 0, "?limit=1")
    expect_page(searched(client, limit=100), None, 100, 0, "?limit=100")
    expect_refused(client, {"limit": 0}, "limit", "limit must be at least 1: use Query(ge=1, le=100)")
    expect_refused(client, {"limit": 101}, "limit", "limit must be at most 100: use Query(ge=1, le=100)")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_offset_must_not_be_negative(client):
    """offset=0 is allowed; offset=-1 is answered 422"""
    expect_page(searched(client, offset=0), None, 10, 0, "?offset=0")
    expect_refused(client, {"offset": -1}, "offset", "offset cannot be negative: use Query(ge=0)")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_limit_and_offset_are_integers(client):
    """limit=abc, limit=2.5 and offset=x are answered 422"""
    searched(client, limit=2, offset=1)
    expect_refused(client, {"limit": "abc"}, "limit", "limit must be an integer: annotate it as int")
    expect_refused(client, {"limit": "2.5"}, "limit", "limit must be an integer: annotate it as int")
    expect_refused(client, {"offset": "x"}, "offset", "offset must be an integer: annotate it as int")


def _bound(schema, inclusive, exclusive, shift):
    """The inclusive bound a schema states, from ``minimum`` or ``exclusiveMinimum`` (or the maximum pair)."""
    if inclusive in schema:
        return schema[inclusive]
    if exclusive in schema:
        return schema[exclusive] + shift
    return None


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_openapi_documents_defaults_and_bounds(student):
    """the OpenAPI schema shows q optional, limit 10 in 1..100 and offset 0 from 0"""
    operation = student.app.openapi().get("paths", {}).get("/search", {}).get("get")
    expect(operation is not None, "the OpenAPI schema has no GET /search operation")
    params = {p.get("name"): p for p in operation.get("parameters", [])}
    missing = sorted({"q", "limit", "offset"} - set(params))
    expect(not missing, f"the OpenAPI schema of GET /search lacks the query parameter(s) {missing}")
    for name, param in params.items():
        expect(param.get("in") == "query" and not param.get("required", False),
               f"the OpenAPI schema documents {name} as {param!r}; it must be an optional query parameter")
    limit, offset = params["limit"].get("schema", {}), params["offset"].get("schema", {})
    found = {"limit default": limit.get("default"), "limit min": _bound(limit, "minimum", "exclusiveMinimum", 1),
             "limit max": _bound(limit, "maximum", "exclusiveMaximum", -1), "offset default": offset.get("default"),
             "offset min": _bound(offset, "minimum", "exclusiveMinimum", 1)}
    wanted = {"limit default": 10, "limit min": 1, "limit max": 100, "offset default": 0, "offset min": 0}
    expect(found == wanted, f"the OpenAPI schema of GET /search states {found}; expected {wanted}")
