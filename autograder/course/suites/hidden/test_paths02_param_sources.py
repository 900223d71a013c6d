"""Hidden suite for paths02_param_sources.

Catches: values read from the wrong place (``q`` taken from the body, ``item_id`` from
the body or the query string, the body read as a loose dict), a wrong answer shape,
``q`` made required, ``item_id`` not an ``int`` (``/items/abc`` or ``/items/1.5``
accepted, or the id answered as a string), and a body that is optional or not
validated (no body, a body without ``name`` or ``price``, a price that is not a number).

Every refusal check first makes a valid request: an app that refuses everything earns
nothing for refusing.
"""

import pytest

from autograder.kit import expect, expect_json, expect_status

HAMMER = {"name": "Hammer", "price": 9.5}


def put(client, path, body=..., params=None):
    if body is ...:
        return client.put(path, params=params)
    return client.put(path, params=params, json=body)


def updated(client, path, body, params=None):
    response = put(client, path, body, params)
    expect_status(response, 200, "a valid update must succeed")
    return expect_json(response)


def expect_refused(client, path, body, location, why):
    response = put(client, path, body)
    expect_status(response, 422, why)
    detail = expect_json(response).get("detail")
    places = [tuple(error.get("loc", ())) for error in detail] if isinstance(detail, list) else []
    expect(location in places, f"PUT {path} was refused, but the error names {places} instead of {location}; "
                               "let FastAPI validate it from the signature")


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_each_value_from_its_place(client):
    """PUT /items/5?q=hammer with a body answers item_id from the path, q from the query, item from the body"""
    body = updated(client, "/items/5", HAMMER, {"q": "hammer"})
    expected = {"item_id": 5, "q": "hammer", "item": {"name": "Hammer", "price": 9.5, "description": None}}
    expect(body == expected, f"PUT /items/5?q=hammer answered {body!r}; expected {expected!r} "
                             "(item_id from the path, q from the query string, item from the JSON body)")


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_decoys_in_the_wrong_place_are_ignored(client):
    """a q or item_id written into the body, or an item_id in the query string, changes nothing"""
    decoy = {"name": "Saw", "price": 12, "description": "sharp", "q": "from-body", "item_id": 42}
    body = updated(client, "/items/7", decoy, {"q": "from-query", "item_id": 99})
    expected = {"item_id": 7, "q": "from-query", "item": {"name": "Saw", "price": 12.0, "description": "sharp"}}
    expect(body == expected, f"PUT /items/7?q=from-query&item_id=99 with q and item_id also in the body answered "
                             f"{body!r}; expected {expected!r}: each value comes from one place only")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_q_is_optional(client):
    """without ?q= the update succeeds and q is null"""
    body = updated(client, "/items/3", {"name": "Nail", "price": 0.1})
    expect(isinstance(body, dict) and "q" in body and body["q"] is None,
           f"PUT /items/3 without q answered {body!r}; q must be optional and null when absent")
    expect(body.get("item_id") == 3, f"PUT /items/3 answered item_id {body.get('item_id')!r}; expected the int 3")


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_item_id_must_be_an_int(client):
    """/items/abc and /items/1.5 are answered 422, naming the path parameter item_id"""
    updated(client, "/items/1", HAMMER)
    for raw in ("abc", "1.5"):
        expect_refused(client, f"/items/{raw}", HAMMER, ("path", "item_id"),
                       f"{raw!r} is not an integer: annotate item_id as int so FastAPI answers 422")


@pytest.mark.task(3)
@pytest.mark.points(2)
def test_body_is_required(client):
    """no body, or a body without name or price, is answered 422"""
    updated(client, "/items/1", HAMMER)
    expect_refused(client, "/items/1", ..., ("body",),
                   "the JSON body is required: annotate item with the Item model, without a default")
    expect_refused(client, "/items/1", {"name": "Hammer"}, ("body", "price"),
                   "price is a required field of Item")
    expect_refused(client, "/items/1", {"price": 9.5}, ("body", "name"), "name is a required field of Item")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_body_fields_are_validated(client):
    """a price that is not a number is answered 422"""
    updated(client, "/items/1", {"name": "Hammer", "price": "9.5"})
    expect_refused(client, "/items/1", {"name": "Hammer", "price": "cheap"}, ("body", "price"),
                   "price must be a number: read the body as an Item, not as a dict")
