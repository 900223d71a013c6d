"""Public checks for paths02_param_sources: one value from each place, and two 422s."""

import pytest

from autograder.kit import expect, expect_json, expect_status


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_each_value_from_its_place(client):
    """PUT /items/5?q=hammer with {"name": "Hammer", "price": 9.5} answers all three values"""
    response = client.put("/items/5", params={"q": "hammer"}, json={"name": "Hammer", "price": 9.5})
    expect_status(response, 200, "a valid update must succeed")
    body = expect_json(response)
    expected = {"item_id": 5, "q": "hammer", "item": {"name": "Hammer", "price": 9.5, "description": None}}
    expect(body == expected, f"PUT /items/5?q=hammer answered {body!r}; expected {expected!r}")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_item_id_must_be_an_int(client):
    """PUT /items/abc is answered 422"""
    expect_status(client.put("/items/1", json={"name": "Hammer", "price": 9.5}), 200, "a valid update must succeed")
    expect_status(client.put("/items/abc", json={"name": "Hammer", "price": 9.5}), 422,
                  "item_id must be an int: annotate it")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_body_is_required(client):
    """PUT /items/1 without a body is answered 422"""
    expect_status(client.put("/items/1", json={"name": "Hammer", "price": 9.5}), 200, "a valid update must succeed")
    expect_status(client.put("/items/1"), 422, "the JSON body is required: annotate item with the Item model")
