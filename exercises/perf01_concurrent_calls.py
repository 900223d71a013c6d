"""Concurrent upstream calls: one shared httpx.AsyncClient, a timeout, partial answers.

``GET /aggregate`` builds a travel dashboard from three upstream services listed in
``UPSTREAMS`` (name -> URL); each answers JSON. The app talks to them through ONE
``httpx.AsyncClient``, made when the app starts and closed when it stops: a client
keeps a pool of connections, so making one per request throws that pool away.

``UPSTREAM_TRANSPORT`` is how tests (and the checks) replace the network: pass it to
``httpx.AsyncClient(transport=...)``. Left at ``None``, httpx uses real connections.

Task 1. ``lifespan`` makes one ``httpx.AsyncClient(transport=UPSTREAM_TRANSPORT,
        timeout=UPSTREAM_TIMEOUT)`` at startup, keeps it in ``app.state.http_client``
        and closes it at shutdown. Every request uses that client; none makes its own.
Task 2. With every upstream answering, ``GET /aggregate`` answers 200 with
        ``{"results": {"weather": ..., "flights": ..., "hotels": ...}, "failed": []}``,
        each value being the JSON that upstream sent (one GET per upstream per request).
Task 3. The three calls run concurrently (``asyncio.gather`` or a ``TaskGroup``).
Task 4. An upstream that does not answer in time (httpx raises a subclass of
        ``httpx.TimeoutException``) makes the whole answer 504 Gateway Timeout with
        ``{"detail": "upstream <name> timed out"}`` (the first such name in
        ``UPSTREAMS`` order).
Task 5. An upstream that fails otherwise (an error status, 4xx or 5xx, or a connection
        error) does not fail the answer: its result is ``null`` and its name is listed
        in ``"failed"`` (in ``UPSTREAMS`` order); the answer stays 200. Only when every
        upstream failed is the answer 502 Bad Gateway with
        ``{"detail": "every upstream failed"}``.
"""

import asyncio
from contextlib import asynccontextmanager
from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, HTTPException, Request, status

UPSTREAMS = {
    "weather": "https://weather.example.com/v1/current?city=Lisbon",
    "flights": "https://flights.example.com/v1/departures?from=LIS",
    "hotels": "https://hotels.example.com/v1/offers?city=Lisbon",
}
UPSTREAM_TIMEOUT = 2.0  # seconds, for each upstream call
UPSTREAM_TRANSPORT: httpx.AsyncBaseTransport | None = None  # tests put an httpx.MockTransport here


@asynccontextmanager
async def lifespan(app: FastAPI):
    # TODO (task 1): make ONE httpx.AsyncClient(transport=UPSTREAM_TRANSPORT, timeout=UPSTREAM_TIMEOUT),
    # keep it in app.state.http_client while the app runs, and close it at shutdown.
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/aggregate")
async def aggregate(request: Request) -> dict:
    # TODO (tasks 2-5): call every URL of UPSTREAMS concurrently with the shared client
    # (request.app.state.http_client); 504 on a timeout, partial results on other failures.
    raise NotImplementedError("aggregate() is not written yet")
