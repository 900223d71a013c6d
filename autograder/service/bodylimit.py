"""A cap on every request's body, enforced while it arrives, before anything parses it.

The largest thing the service accepts is a 1 MB exercise file or roster, in a multipart
form; without a cap, Starlette would receive and spool a multi-gigabyte upload before the
route could look at its size. A declared ``Content-Length`` over the cap is refused at
once; a body that streams past it (chunked, or lying about its length) is cut off when it
does. Either way the answer is 413 and one line.
"""

from __future__ import annotations

import json

#: The exercise file's 1 MB, plus room for the multipart form around it.
MAX_BODY_BYTES = 2_000_000
_MESSAGE = f"the request is larger than {MAX_BODY_BYTES // 1_000_000} MB; an exercise file is at most 1 MB"


class TooLarge(Exception):
    pass


class BodyLimit:
    def __init__(self, app, limit: int = MAX_BODY_BYTES) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.limit:
            await _refuse(send)
            return
        seen = 0
        exceeded = started = False

        async def counted():
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    exceeded = True
                    raise TooLarge
            return message

        async def unless_exceeded(message) -> None:
            # The framework may turn the aborted read into an answer of its own (FastAPI
            # answers 400 "error parsing the body"): ours replaces it.
            nonlocal started
            if not exceeded:
                started = started or message["type"] == "http.response.start"
                await send(message)

        try:
            await self.app(scope, counted, unless_exceeded)
        except TooLarge:
            pass
        if exceeded and not started:
            await _refuse(send)


async def _refuse(send) -> None:
    body = json.dumps({"detail": _MESSAGE}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
