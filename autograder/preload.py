"""What the fork server imports and runs once, so that no worker pays for it.

Every worker is forked from the fork server (see :mod:`autograder.sandbox.engine`), so whatever
is imported here is already in memory when a worker starts: FastAPI, pytest, the suites'
kit, and the grader's own in-worker modules. The grader process itself never imports
this module: a student's ``workbook check`` does not load FastAPI twice.

Importing is not all a worker would do for the first time. pytest imports its built-in
plugins only when a session configures them, and FastAPI, Starlette and anyio import
their event-loop backend, telemetry and pydantic-v1 checks on the first request: about
55 modules that every worker imported again. :func:`_warm` pays all of that here, on a
throwaway app that holds nothing of a course (no suite, no solution: the threat model
keeps those out of the server), and then freezes the heap, so that the garbage collector
in a worker neither scans nor writes to what it inherited (no copy-on-write of the
fork server's pages, and pytest's forced collections at the end of a session cost
milliseconds instead of tens of them).
"""

import gc
import importlib
import pdb  # noqa: F401 - pytest's debugging plugin imports it when a session configures
import threading

import _pytest.config
import anyio._backends._asyncio  # noqa: F401 - the backend anyio picks on a client's first request
import fastapi
import fastapi.testclient
import httpx  # noqa: F401
import pydantic
import pydantic.v1  # FastAPI's compatibility check imports it on a route's first use
import pytest  # noqa: F401

import autograder.kit
import autograder.kit.fixtures  # noqa: F401
from autograder.sandbox import confine, guard, integrity, plugin, screen, worker  # noqa: F401


class _Echo(pydantic.BaseModel):
    text: str
    count: int = 1


def _warm() -> None:
    """Do once what a worker's first pytest session and first request would do.

    Every built-in pytest plugin is imported (a session imports them while it configures),
    and one request of each common shape runs through the test client every suite uses:
    a path parameter, a query, a JSON body with validation, a 404 and a 422. The client
    is closed before returning: no thread may be alive when the server forks.
    """
    for name in _pytest.config.default_plugins:
        importlib.import_module(f"_pytest.{name}")
    app = fastapi.FastAPI()

    @app.post("/echo/{key}")
    async def echo(key: int, body: _Echo, loud: bool = False) -> dict:
        return {"key": key, "text": body.text.upper() if loud else body.text, "count": body.count}

    with fastapi.testclient.TestClient(app) as client:
        client.post("/echo/1?loud=true", json={"text": "warm"})
        client.post("/echo/x", json={})
        client.get("/missing")
    if threading.active_count() != 1:  # pragma: no cover - a library that kept a thread
        raise RuntimeError("the fork server's warm-up left a thread running")


_warm()
gc.collect()
gc.freeze()
