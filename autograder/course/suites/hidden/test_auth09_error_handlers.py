"""Hidden suite for auth09_error_handlers.

Catches: the source's handler (``JSONResponse`` never imported: a NameError the first
time it runs); a handler registered for ``fastapi.HTTPException``, which misses the
router's own 404 and 405; status codes or headers lost by the handler (a 401 without
``WWW-Authenticate``, a 405 without ``Allow``); successful answers touched; validation
errors left in FastAPI's default shape, with the wrong field, source or message, or
echoing the submitted values; the custom exception not handled (a 500), answered with
another status, or with an id hard-coded instead of read from the exception.
"""

import pytest
from pydantic import BaseModel, Field

from autograder.kit import expect, expect_json, expect_status

SECRET_PRICE = "hunter2-is-not-a-price"


def expect_message(response, status, message, why):
    expect_status(response, status, why)
    expect_json(response, {"message": message}, f"the error must answer {{'message': {message!r}}}")


def validation_errors(response, why):
    expect_status(response, 422, why)
    body = expect_json(response)
    shaped = isinstance(body, dict) and body.get("message") == "Oops! Invalid request"
    expect(shaped and isinstance(body.get("errors"), list),
           f"the 422 answered {body!r}; expected {{'message': 'Oops! Invalid request', 'errors': [...]}}")
    for error in body["errors"]:
        expect(isinstance(error, dict) and set(error) == {"field", "source", "error"},
               f"a validation error came back as {error!r}; each must be exactly {{'field', 'source', 'error'}}")
    return body["errors"]


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_http_exception_is_reshaped(student, client):
    """a raised HTTPException answers its status with {'message': 'Oops! <detail>'}; successes are untouched"""
    for item_id, name, price in (("foo", "The Foo Wrestlers", 9.5), ("bar", "The Bar Fighters", 12.0)):
        expect_json(client.get(f"/items/{item_id}"), {"item_id": item_id, "name": name, "price": price},
                    "an existing item must be answered as before: the handler only touches errors")
    expect_message(client.get("/items/nope"), 404, "Oops! Item not found", "a missing item must stay 404")
    expect_message(client.post("/items/nope/buy"), 404, "Oops! Item not found", "buying a missing item must be 404")
    response = client.post("/items/", json={"id": "z", "name": "Z", "price": 1.0})
    expect_status(response, 201, "a new item must be created as before")
    expect_json(response, {"item_id": "z", "name": "Z", "price": 1.0})
    expect_message(client.post("/items/", json={"id": "z", "name": "Z", "price": 1.0}), 409,
                   "Oops! Item already exists", "a duplicate item must stay 409")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_headers_survive_the_handler(student, client):
    """a 401 keeps its WWW-Authenticate header through the handler"""
    expect_json(client.get("/private", headers={"Authorization": "Bearer let-me-in"}), {"secret": 42})
    response = client.get("/private")
    expect_message(response, 401, "Oops! Not authenticated", "a missing login must stay 401")
    expect(response.headers.get("www-authenticate") == "Bearer",
           "the 401 lost its WWW-Authenticate header in your handler; pass headers=exc.headers to JSONResponse")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_unknown_path_is_reshaped(student, client):
    """the router's own 404 for an unknown path answers {'message': 'Oops! Not Found'}"""
    expect_message(client.get("/no/such/page"), 404, "Oops! Not Found",
                   "register the handler for starlette.exceptions.HTTPException: the router raises that class for an "
                   "unknown path, and a handler for fastapi.HTTPException never sees it")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_wrong_method_is_reshaped_with_allow(student, client):
    """the router's own 405 answers {'message': 'Oops! Method Not Allowed'} and keeps its Allow header"""
    response = client.delete("/items/foo")
    expect_message(response, 405, "Oops! Method Not Allowed",
                   "DELETE on a GET route is the router's 405 (a starlette.exceptions.HTTPException)")
    expect(response.headers.get("allow") == "GET", f"the 405 came with Allow {response.headers.get('allow')!r}; "
                                                   "keep exc.headers, which holds 'Allow: GET'")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_query_validation_errors_are_reshaped(student, client):
    """a bad query parameter answers 422 with one error naming the field, its source and the problem"""
    errors = validation_errors(client.post("/items/foo/buy", params={"quantity": "many"}), "quantity=many is no int")
    expect(len(errors) == 1 and errors[0]["field"] == "quantity" and errors[0]["source"] == "query",
           f"quantity=many gave the errors {errors!r}; expected one with field 'quantity' and source 'query'")
    expect("valid integer" in errors[0]["error"], f"the error for quantity=many reads {errors[0]['error']!r}; use "
                                                  "the error's 'msg' (\"Input should be a valid integer...\")")
    for quantity, problem in ((11, "less than or equal to 10"), (0, "greater than or equal to 1")):
        errors = validation_errors(client.post("/items/foo/buy", params={"quantity": quantity}),
                                   f"quantity={quantity} is out of 1..10")
        expect(len(errors) == 1 and problem in errors[0]["error"],
               f"quantity={quantity} gave the errors {errors!r}; expected one whose error says {problem!r}")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_body_validation_errors_are_reshaped(student, client):
    """a bad JSON body answers 422 with one error per field, source 'body'"""
    errors = validation_errors(client.post("/items/", json={"id": "q" * 21, "name": "", "price": -1}),
                               "an id of 21 characters, an empty name and a negative price are invalid")
    found = sorted((error["field"], error["source"]) for error in errors)
    expect(found == [("id", "body"), ("name", "body"), ("price", "body")],
           f"a long id, an empty name and a negative price gave the errors {errors!r}; expected the fields 'id', "
           "'name' and 'price' with source 'body' (the loc after 'body', joined with '.')")
    price = next(error for error in errors if error["field"] == "price")
    expect("greater than 0" in price["error"], f"the price error reads {price['error']!r}; use the error's 'msg'")

    class Owner(BaseModel):
        email: str = Field(min_length=3)

    class Order(BaseModel):
        owner: Owner

    @student.app.post("/checks/orders")  # a route of the checks' own, whose body nests a model
    async def order(body: Order) -> dict:
        return {}

    errors = validation_errors(client.post("/checks/orders", json={"owner": {"email": ""}}),
                               "an empty owner.email is invalid")
    found = [(error["field"], error["source"]) for error in errors]
    expect(found == [("owner.email", "body")],
           f"an empty nested field owner.email gave the errors {errors!r}; expected the field 'owner.email' "
           "(the loc after 'body', joined with '.') and source 'body'")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_validation_errors_do_not_echo_the_input(student, client):
    """the 422 does not send the submitted values back"""
    response = client.post("/items/", json={"id": "qux", "name": "Qux", "price": SECRET_PRICE})
    errors = validation_errors(response, "a price that is not a number is invalid")
    expect([(e["field"], e["source"]) for e in errors] == [("price", "body")],
           f"a non-numeric price gave the errors {errors!r}; expected one, for the field 'price' of the body")
    expect(SECRET_PRICE not in response.text, "the 422 sent the submitted value back; leave each error's 'input' "
                                              "out (a rejected field may be a password)")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_out_of_stock_is_409(student, client):
    """buying more than the stock (a new item has none) answers 409 with the message and the item id"""
    expect_json(client.post("/items/foo/buy", params={"quantity": 2}), {"item_id": "foo", "bought": 2, "left": 1},
                "buying 2 of the 3 foo in stock must succeed")
    expect_json(client.post("/items/foo/buy", params={"quantity": 1}), {"item_id": "foo", "bought": 1, "left": 0},
                "buying the last foo in stock must succeed")
    expect_status(client.post("/items/", json={"id": "new", "name": "New", "price": 2.0}), 201,
                  "creating an item must work as before")
    for item_id, quantity in (("foo", 1), ("bar", 1), ("new", 1)):
        response = client.post(f"/items/{item_id}/buy", params={"quantity": quantity})
        expect_status(response, 409, "more than the stock must be 409 Conflict (handle OutOfStockError)")
        expect_json(response, {"message": f"Oops! {item_id} is out of stock", "item_id": item_id})


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_out_of_stock_error_carries_its_item(student, client):
    """OutOfStockError is an Exception with item_id, and its handler answers any item's id"""
    error_class = getattr(student, "OutOfStockError", None)
    expect(isinstance(error_class, type) and issubclass(error_class, Exception),
           "your module has no exception class OutOfStockError")
    error = error_class("gizmo")
    expect(getattr(error, "item_id", None) == "gizmo", "OutOfStockError('gizmo').item_id must be 'gizmo'")

    @student.app.get("/checks/out-of-stock/{item_id}")
    async def raise_it(item_id: str):
        raise error_class(item_id)

    response = client.get("/checks/out-of-stock/gizmo")
    expect_status(response, 409, "OutOfStockError raised by any route must answer 409")
    expect_json(response, {"message": "Oops! gizmo is out of stock", "item_id": "gizmo"},
                "the handler must read the id from the exception (exc.item_id)")
