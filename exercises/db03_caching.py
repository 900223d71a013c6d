"""Caching an expensive answer: a TTL cache on the server, validators for the client.

``compute_report(key)`` (given) is slow and costly. Two caches cut the cost: the server
keeps each report for ``CACHE_TTL`` seconds instead of recomputing it for every request,
and the client (or a proxy) is told how long it may reuse the answer and how to check
cheaply whether its copy is still current.

Task 1. ``GET /reports/{key}`` answers ``compute_report(key)``'s dict, computing it at
        most once per ``CACHE_TTL`` (300) seconds for each key. An entry stored at time
        ``t`` is fresh while ``now() - t < CACHE_TTL``; from then on the next request
        computes it again (and stores the new time). Read the time only with ``now()``.
Task 2. Every answer carries ``Cache-Control: public, max-age=300`` and a strong
        ``ETag``: a quoted hash of the report's content (``'"' + sha256(...).hexdigest()
        + '"'``), equal for equal content, different when the content changes.
Task 3. A request whose ``If-None-Match`` header holds the current ETag (in a
        comma-separated list, with or without the weak prefix ``W/``), or is ``*``, is
        answered ``304 Not Modified`` with no body but with the same ``ETag`` and
        ``Cache-Control`` headers. Any other request gets ``200`` and the report.
Task 4. Requests that arrive together for a report that is not cached compute it once:
        the first computes, the others wait for its result (one ``asyncio.Lock`` per key).
"""

import asyncio
import hashlib
import json
import time
from typing import Annotated

from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse, Response

CACHE_TTL = 300  # seconds a report stays fresh
COMPUTE_DELAY = 2.0  # seconds compute_report takes; the checks make it tiny


def now() -> float:
    """The clock the cache reads (the checks replace it to move time forward)."""
    return time.monotonic()


async def compute_report(key: str) -> dict:
    """Given: the expensive computation."""
    await asyncio.sleep(COMPUTE_DELAY)
    return {"key": key, "total": sum(map(ord, key)) * 17}


app = FastAPI()


@app.get("/reports/{key}")
async def get_report(key: str, if_none_match: Annotated[str | None, Header()] = None) -> Response:
    # TODO (tasks 1-4): serve compute_report(key) from a TTL cache, with Cache-Control and ETag
    # headers, and 304 when If-None-Match holds the current ETag.
    raise NotImplementedError("get_report() is not written yet")
