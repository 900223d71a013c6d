"""Type hints at work: a temperature converter that validates, documents and filters.

``GET /convert?value=100&unit=celsius`` converts a temperature into all three units.
The conversion itself is given (``convert``); it returns the conversion service's full
record, which also carries internal bookkeeping (``service``, ``trace_id``) that clients
must never see. Your annotations do the rest: FastAPI reads them to parse and validate
the query string, to describe the route in the OpenAPI schema, and to filter the answer.

Task 1. ``GET /convert`` takes two required query parameters: ``value``, a float
        (``36.6`` is fine, ``abc`` is answered 422), and ``unit``. It answers
        ``{"value", "unit", "celsius", "fahrenheit", "kelvin"}`` from ``convert(value, unit)``.
Task 2. ``unit`` is an ``Enum`` named ``Unit`` with the values ``"celsius"``,
        ``"fahrenheit"`` and ``"kelvin"``: any other unit is answered 422, and the OpenAPI
        schema lists the three allowed values.
Task 3. A response model ``Conversion`` with exactly the five fields above
        (``value: float``, ``unit: Unit``, ``celsius``, ``fahrenheit``, ``kelvin``: floats)
        filters the answer: ``service`` and ``trace_id`` never leave the server, and the
        OpenAPI schema documents the answer's fields.
"""

from enum import Enum
from typing import Annotated

from fastapi import FastAPI, Query
from pydantic import BaseModel

ABSOLUTE_ZERO_C = -273.15


def convert(value: float, unit: str) -> dict:
    """The conversion service (given): the temperature in every unit, plus internal fields."""
    if unit == "celsius":
        celsius = value
    elif unit == "fahrenheit":
        celsius = (value - 32) * 5 / 9
    elif unit == "kelvin":
        celsius = value + ABSOLUTE_ZERO_C
    else:
        raise ValueError(f"unknown unit {unit!r}")
    return {
        "value": value,
        "unit": unit,
        "celsius": round(celsius, 2),
        "fahrenheit": round(celsius * 9 / 5 + 32, 2),
        "kelvin": round(celsius - ABSOLUTE_ZERO_C, 2),
        "service": "thermo-internal-v2",  # internal: must not reach the client
        "trace_id": "c0ffee-7e57",  # internal: must not reach the client
    }


app = FastAPI()


# BEGIN SOLUTION
class Unit(str, Enum):
    celsius = "celsius"
    fahrenheit = "fahrenheit"
    kelvin = "kelvin"


class Conversion(BaseModel):
    value: float
    unit: Unit
    celsius: float
    fahrenheit: float
    kelvin: float


@app.get("/convert", response_model=Conversion)
async def convert_temperature(
    value: Annotated[float, Query(description="the temperature to convert")],
    unit: Annotated[Unit, Query(description="the unit `value` is given in")],
) -> dict:
    # The record holds internal fields too; response_model drops everything Conversion lacks.
    return convert(value, unit.value)
# END SOLUTION
# STUB: # TODO (task 2): class Unit(str, Enum) with the values "celsius", "fahrenheit" and "kelvin".
# STUB: # TODO (task 3): class Conversion(BaseModel) with value, unit, celsius, fahrenheit and kelvin.
# STUB:
# STUB:
# STUB: @app.get("/convert")
# STUB: async def convert_temperature(value, unit):
# STUB:     # TODO (tasks 1-3): annotate the parameters, declare the response model, return convert(...).
# STUB:     raise NotImplementedError("convert_temperature() is not written yet")
