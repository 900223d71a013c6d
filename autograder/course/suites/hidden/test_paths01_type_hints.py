"""Hidden suite for paths01_type_hints.

Catches: ``value`` or ``unit`` not annotated (or annotated as ``str``/``int``), so that
``value=abc``, a missing value or an unknown unit is not answered 422 (or a float such
as 36.6 is refused); the unit's allowed values missing from the OpenAPI schema; the
arguments passed to ``convert`` in the wrong order or unit; and the internal fields
``service`` and ``trace_id`` leaking because no response model filters the answer
(in the JSON and in the documented response schema).

Every refusal check first makes a valid request: an app that refuses everything earns
nothing for refusing.
"""

import pytest

from autograder.kit import expect, expect_json, expect_status

FIELDS = {"value", "unit", "celsius", "fahrenheit", "kelvin"}
UNITS = ["celsius", "fahrenheit", "kelvin"]


def converted(client, value, unit):
    response = client.get("/convert", params={"value": value, "unit": unit})
    expect_status(response, 200, f"converting {value} {unit} must succeed")
    return expect_json(response)


def expect_refused(client, params, location, why):
    response = client.get("/convert", params=params)
    expect_status(response, 422, why)
    detail = expect_json(response).get("detail")
    places = [tuple(error.get("loc", ())) for error in detail] if isinstance(detail, list) else []
    expect(location in places, f"GET /convert with {params} was refused, but the error names {places} "
                               f"instead of {location}: declare the parameter's type in the signature")


def resolve(schema, document):
    """Follow a local ``$ref`` (and a one-entry ``allOf``/``anyOf``) to the schema itself."""
    while isinstance(schema, dict):
        if "$ref" in schema:
            schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        elif len(schema.get("allOf", [])) == 1:
            schema = schema["allOf"][0]
        else:
            return schema
    return schema


def convert_operation(student):
    document = student.app.openapi()
    operation = document.get("paths", {}).get("/convert", {}).get("get")
    expect(operation is not None, "the OpenAPI schema has no GET /convert operation")
    return document, operation


def parameter(document, operation, name):
    for param in operation.get("parameters", []):
        if param.get("name") == name:
            return param, resolve(param.get("schema", {}), document)
    pytest.fail(f"the OpenAPI schema of GET /convert has no parameter {name!r}", pytrace=False)


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_celsius_is_converted(client):
    """100 celsius answers 212 fahrenheit and 373.15 kelvin, echoing value and unit"""
    body = converted(client, 100, "celsius")
    expected = {"value": 100.0, "unit": "celsius", "celsius": 100.0, "fahrenheit": 212.0, "kelvin": 373.15}
    expect({k: body.get(k) for k in expected} == expected,
           f"GET /convert?value=100&unit=celsius answered {body!r}; expected {expected!r}")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_float_values_and_other_units(client):
    """a float in fahrenheit or kelvin is converted (36.6 is a float, not an error)"""
    cases = [
        ((100.4, "fahrenheit"), {"value": 100.4, "unit": "fahrenheit", "celsius": 38.0, "fahrenheit": 100.4,
                                 "kelvin": 311.15}),
        ((100, "fahrenheit"), {"value": 100.0, "unit": "fahrenheit", "celsius": 37.78, "fahrenheit": 100.0,
                               "kelvin": 310.93}),
        ((37.777, "celsius"), {"value": 37.777, "unit": "celsius", "celsius": 37.78, "fahrenheit": 100.0,
                               "kelvin": 310.93}),
        ((0, "kelvin"), {"value": 0.0, "unit": "kelvin", "celsius": -273.15, "fahrenheit": -459.67, "kelvin": 0.0}),
        ((36.6, "celsius"), {"value": 36.6, "unit": "celsius", "celsius": 36.6, "fahrenheit": 97.88,
                             "kelvin": 309.75}),
    ]
    for (value, unit), expected in cases:
        body = converted(client, value, unit)
        expect({k: body.get(k) for k in expected} == expected,
               f"GET /convert?value={value}&unit={unit} answered {body!r}; expected {expected!r} "
               "(pass value and unit to convert() as received)")


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_value_must_be_a_float(client):
    """value=abc and a missing value are answered 422, naming the query parameter value"""
    converted(client, 20, "celsius")
    expect_refused(client, {"value": "abc", "unit": "celsius"}, ("query", "value"),
                   "value=abc is not a number: annotate value as float so FastAPI answers 422")
    expect_refused(client, {"unit": "celsius"}, ("query", "value"),
                   "value is required: without a default FastAPI answers 422 when it is missing")


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_unknown_unit_is_422(client):
    """unit=rankine, unit=Celsius and a missing unit are answered 422, naming the query parameter unit"""
    converted(client, 20, "kelvin")
    for unit in ("rankine", "Celsius"):
        expect_refused(client, {"value": 20, "unit": unit}, ("query", "unit"),
                       f"{unit!r} is not one of {UNITS}: annotate unit with the Unit enum so FastAPI answers 422")
    expect_refused(client, {"value": 20}, ("query", "unit"), "unit is required: it has no sensible default")


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_openapi_documents_the_parameters(student):
    """the OpenAPI schema lists unit's three values and documents value as a required number"""
    document, operation = convert_operation(student)
    unit_param, unit_schema = parameter(document, operation, "unit")
    expect(unit_param.get("in") == "query" and unit_param.get("required") is True,
           f"the OpenAPI schema documents unit as {unit_param!r}; it must be a required query parameter")
    expect(sorted(unit_schema.get("enum") or []) == UNITS,
           f"the OpenAPI schema of unit is {unit_schema!r}; it must list the allowed values {UNITS} "
           "(annotate unit with an Enum)")
    value_param, value_schema = parameter(document, operation, "value")
    expect(value_param.get("in") == "query" and value_param.get("required") is True
           and value_schema.get("type") == "number",
           f"the OpenAPI schema documents value as {value_param!r}; it must be a required query parameter "
           "of type number (annotate it as float)")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_internal_fields_do_not_leak(client):
    """the answer holds exactly value, unit, celsius, fahrenheit and kelvin"""
    body = converted(client, 25, "celsius")
    leaked = sorted(set(body) - FIELDS)
    expect(not leaked, f"GET /convert answered the internal field(s) {leaked}; declare response_model=Conversion "
                       "so that FastAPI drops every field the model does not have")
    expect(set(body) == FIELDS, f"GET /convert answered the fields {sorted(body)}; expected {sorted(FIELDS)}")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_openapi_documents_the_answer(student):
    """the OpenAPI schema describes the 200 answer with the five fields and the unit enum"""
    document, operation = convert_operation(student)
    content = operation.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
    schema = resolve(content.get("schema", {}), document)
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    expect(set(properties) == FIELDS,
           f"the documented 200 answer has the fields {sorted(properties)}; expected {sorted(FIELDS)} "
           "(declare a response model)")
    unit = resolve(properties["unit"], document)
    expect(sorted(unit.get("enum") or []) == UNITS,
           f"the documented answer's unit is {unit!r}; type it with the Unit enum")
    number_fields = [name for name in sorted(FIELDS - {"unit"})
                     if resolve(properties[name], document).get("type") != "number"]
    expect(not number_fields, f"the documented answer's fields {number_fields} are not numbers; type them as float")
