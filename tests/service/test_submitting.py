"""The student's routes under a class's load: open event streams beside submitting."""

from __future__ import annotations

import asyncio
import contextlib

import httpx
import pytest

from tests.support.service import ITEM, PASSWORD, bearer, live, settings_for, solution

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:websockets.*",
                                        "ignore::DeprecationWarning:uvicorn.*")

#: More pages than the store's connection pool holds (5, and 10 more at a peak).
PAGES = 20


async def _submit_beside_open_streams(url: str, invite: str) -> tuple[list[int], int]:
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        teacher = (await http.post("/api/signup", json={"token": invite, "password": PASSWORD})).json()
        student = (await http.post("/api/roster", headers=bearer(teacher["access_token"]),
                                   files={"file": ("r.csv", "name\nAda Lovelace\n")})).json()[0]
        tokens = (await http.post("/api/signup", json={"token": student["token"], "password": PASSWORD})).json()
        headers = bearer(tokens["access_token"])
        async with contextlib.AsyncExitStack() as pages:
            opened = [(await pages.enter_async_context(http.stream("GET", "/api/events", headers=headers))).status_code
                      for _ in range(PAGES)]
            submitted = await http.post(f"/api/submissions/{ITEM}", headers=headers,
                                        files={"file": (f"{ITEM}.py", solution(), "text/x-python")})
        return opened, submitted.status_code


def test_open_event_streams_leave_the_connections_to_the_other_requests(tmp_path):
    """Each open page holds a stream, and FastAPI keeps a route's dependency session open until
    its response ends: each stream held a pooled connection, so the 16th page and every other
    request waited for the pool, then failed. Now the stream route gives its session back."""
    with live(settings_for(tmp_path)) as (url, invites):
        opened, submitted = asyncio.run(_submit_beside_open_streams(url, invites[0].token))
    assert opened == [200] * PAGES
    assert submitted == 202
