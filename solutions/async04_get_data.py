"""A slow mock database query that does not slow anyone else down.

``GET /get-data`` fetches its data through ``mock_fetch_data()``, a stand-in for a
database query that takes ``FETCH_DELAY`` seconds (3 s, as the task states). The wait
must be asynchronous: while one request waits, the event loop serves the others, so
ten requests arriving together are all answered after about 3 s, not 30.

Task 1. ``mock_fetch_data()`` is a coroutine function (``async def``) that waits
        ``FETCH_DELAY`` seconds with ``await asyncio.sleep(...)`` (read the constant
        when it runs; never ``time.sleep``) and returns
        ``"Data fetched successfully!"``.
Task 2. ``GET /get-data`` awaits ``mock_fetch_data()`` once and answers
        ``{"message": <what it returned>}``.
Task 3. Concurrent requests overlap: requests that arrive together all wait at the same
        time, on the event loop (no thread per request).
"""

import asyncio

from fastapi import FastAPI

FETCH_DELAY = 3.0  # seconds the mock query takes; the checks make it much smaller

app = FastAPI()


# BEGIN SOLUTION
async def mock_fetch_data() -> str:
    """A mock database query: waits without blocking the event loop."""
    await asyncio.sleep(FETCH_DELAY)  # suspends this request only; the loop serves the others
    return "Data fetched successfully!"


@app.get("/get-data")
async def get_data() -> dict:
    message = await mock_fetch_data()
    return {"message": message}
# END SOLUTION
# STUB: # TODO (task 1): define mock_fetch_data(), a mock asynchronous database query that waits
# STUB: #   FETCH_DELAY seconds without blocking the event loop and returns "Data fetched successfully!".
# STUB: # TODO (tasks 2-3): GET /get-data answers {"message": <what mock_fetch_data returned>}.
