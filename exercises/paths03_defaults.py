"""Optional query parameters with defaults and bounds: a paginated search.

``GET /search`` looks through a catalogue of 150 products. Every parameter is
optional: without any, the first page of the whole catalogue comes back. The search
itself is given (``matching``); your job is the parameters and the page.

Task 1. ``q`` is an optional string (``null`` when absent: no filter), ``limit``
        defaults to 10 and ``offset`` to 0. The answer is
        ``{"q": q, "limit": limit, "offset": offset, "total": <number of matches>,
        "results": <the matches from offset, at most limit of them>}``.
Task 2. ``limit`` must lie between 1 and 100 (both allowed) and ``offset`` must not be
        negative: anything else (``limit=0``, ``limit=101``, ``offset=-1``) is answered
        422 before your code runs. An offset past the end is fine (no results).
"""

from typing import Annotated

from fastapi import FastAPI, Query

COLOURS = ("Red", "Green", "Blue")
CATALOGUE = [f"{COLOURS[n % 3]} {'lamp' if n % 5 == 0 else 'mug'} {n:03d}" for n in range(1, 151)]


def matching(q: str | None) -> list[str]:
    """The catalogue entries containing ``q`` (case-insensitive); all of them for None."""
    if q is None:
        return list(CATALOGUE)
    needle = q.lower()
    return [entry for entry in CATALOGUE if needle in entry.lower()]


app = FastAPI()


@app.get("/search")
async def search():
    # TODO (task 1): declare q (optional), limit (default 10) and offset (default 0).
    # TODO (task 2): bound limit to 1..100 and offset to >= 0 with Query(...).
    raise NotImplementedError("search() is not written yet")
