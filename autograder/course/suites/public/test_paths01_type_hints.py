"""Public checks for paths01_type_hints: a conversion, a 422, and no internal fields."""

import pytest

from autograder.kit import expect, expect_json, expect_status


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_converts_celsius(client):
    """GET /convert?value=100&unit=celsius answers 212 fahrenheit and 373.15 kelvin"""
    response = client.get("/convert", params={"value": 100, "unit": "celsius"})
    expect_status(response, 200, "converting 100 celsius must succeed")
    body = expect_json(response)
    expect(body.get("fahrenheit") == 212.0 and body.get("kelvin") == 373.15,
           f"GET /convert?value=100&unit=celsius answered {body!r}; expected fahrenheit 212.0 and kelvin 373.15")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_unknown_unit_is_422(client):
    """unit=rankine is answered 422"""
    expect_status(client.get("/convert", params={"value": 1, "unit": "celsius"}), 200,
                  "converting 1 celsius must succeed")
    expect_status(client.get("/convert", params={"value": 1, "unit": "rankine"}), 422,
                  "rankine is not an allowed unit: annotate unit with the Unit enum")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_no_internal_fields(client):
    """the answer does not carry service or trace_id"""
    response = client.get("/convert", params={"value": 1, "unit": "kelvin"})
    expect_status(response, 200, "converting 1 kelvin must succeed")
    body = expect_json(response)
    leaked = sorted({"service", "trace_id"} & set(body))
    expect(not leaked, f"GET /convert answered the internal field(s) {leaked}; declare a response model")
