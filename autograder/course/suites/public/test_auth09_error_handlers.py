"""Public checks for auth09_error_handlers: one check per kind of error."""

import pytest

from autograder.kit import expect, expect_json, expect_status


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_missing_item_says_oops(client):
    """GET /items/nope answers 404 {'message': 'Oops! Item not found'}"""
    response = client.get("/items/nope")
    expect_status(response, 404, "a missing item must stay 404")
    expect_json(response, {"message": "Oops! Item not found"})


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_validation_error_is_reshaped(client):
    """quantity=many answers 422 with the message and one error for the field 'quantity'"""
    response = client.post("/items/foo/buy", params={"quantity": "many"})
    expect_status(response, 422, "quantity=many is not an integer")
    body = expect_json(response)
    expect(isinstance(body, dict) and body.get("message") == "Oops! Invalid request",
           f"the 422 answered {body!r}; expected the message 'Oops! Invalid request'")
    errors = body.get("errors")
    expect(isinstance(errors, list) and len(errors) == 1 and isinstance(errors[0], dict)
           and errors[0].get("field") == "quantity" and errors[0].get("source") == "query",
           f"the errors were {errors!r}; expected one with field 'quantity' and source 'query'")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_out_of_stock_is_409(client):
    """buying the out-of-stock 'bar' answers 409 with the message and the item id"""
    response = client.post("/items/bar/buy")
    expect_status(response, 409, "buying an item that is out of stock must be 409")
    expect_json(response, {"message": "Oops! bar is out of stock", "item_id": "bar"})
