"""Streaming answers and guarded uploads: a CSV export, a live event stream, an image upload.

An answer that is built in full before the first byte leaves holds everything in memory
and makes the client wait for all of it; a request body that is read in full before it
is judged lets any client fill your memory or disk. Both are fixed by working chunk by
chunk.

Task 1. ``GET /export.csv`` streams the records of ``load_records()`` as CSV: the header
        line ``id,name,amount``, then one line per record, each line a chunk of its own.
        A record is pulled from ``load_records()`` only when its line is about to be
        sent (never a list of every line first). Write the lines with the ``csv``
        module: names may hold commas and quotes. Media type ``text/csv``, and
        ``Content-Disposition: attachment; filename="export.csv"``.
Task 2. ``GET /events`` is a server-sent event stream (media type ``text/event-stream``,
        ``Cache-Control: no-cache``). It subscribes to ``broker`` and sends each published
        message as one event, ``data: <the message as JSON>`` followed by a blank line.
        When the client goes away the stream stops and the subscription is removed
        (``broker.unsubscribe``): nothing is left behind.
Task 3. ``POST /uploads`` takes an ``UploadFile`` named ``file``. A declared content type
        that is not a key of ``ALLOWED_TYPES`` is answered 415; so is a file whose first
        bytes are not the signature of its declared type (the filename proves nothing).
        Otherwise answer 201 with ``{"filename", "content_type", "size", "sha256"}``,
        size and digest computed from the bytes, read in chunks.
Task 4. ``BodySizeLimit`` refuses a request body larger than ``MAX_UPLOAD_BYTES`` with 413
        without reading it: a ``Content-Length`` over the limit is refused before a byte
        of the body is read, and a body sent without one is refused as soon as the bytes
        received pass the limit. A body of exactly ``MAX_UPLOAD_BYTES`` is accepted.
"""

import asyncio
import csv
import hashlib
import io
import json
from collections.abc import AsyncIterator, Iterator

from fastapi import FastAPI, HTTPException, UploadFile, status
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_UPLOAD_BYTES = 1024 * 1024  # the largest request body accepted, multipart framing included
READ_CHUNK = 64 * 1024
RECORD_COUNT = 1000
CSV_COLUMNS = ("id", "name", "amount")
# The first bytes every file of that type starts with ("magic bytes").
ALLOWED_TYPES = {
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
}


def load_records() -> Iterator[dict]:
    """Stand-in for a database cursor: yields one record at a time (given)."""
    for number in range(1, RECORD_COUNT + 1):
        yield {"id": number, "name": f"Customer {number}, Ltd.", "amount": round(number * 1.25, 2)}


class Broker:
    """Fans each published message out to every subscriber's queue (given)."""

    def __init__(self) -> None:
        self.subscribers: set[asyncio.Queue] = set()

    def subscribe(self) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue()
        self.subscribers.add(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue) -> None:
        self.subscribers.discard(queue)

    def publish(self, message: dict) -> int:
        for queue in self.subscribers:
            queue.put_nowait(message)
        return len(self.subscribers)


broker = Broker()


# BEGIN SOLUTION
class BodySizeLimit:
    """Pure ASGI middleware: counts the body as it arrives and stops at the limit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan and websocket messages pass through
            await self.app(scope, receive, send)  # lifespan and websockets pass untouched
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES:
            refusal = JSONResponse({"detail": "Request body too large"}, status_code=413)
            await refusal(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > MAX_UPLOAD_BYTES:
                raise HTTPException(413, "Request body too large")  # Content Too Large
            return message

        await self.app(scope, counted, send)
# END SOLUTION
# STUB: class BodySizeLimit:
# STUB:     """TODO (task 4): refuse a body over MAX_UPLOAD_BYTES with 413 before reading it."""
# STUB:
# STUB:     def __init__(self, app: ASGIApp) -> None:
# STUB:         self.app = app
# STUB:
# STUB:     async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
# STUB:         await self.app(scope, receive, send)  # passes every body through, whatever its size


app = FastAPI()
app.add_middleware(BodySizeLimit)


@app.post("/messages", status_code=status.HTTP_202_ACCEPTED)
async def publish(message: dict) -> dict:
    """Publishes a message to every open event stream (given)."""
    return {"delivered": broker.publish(message)}


# BEGIN SOLUTION
def csv_row(values) -> str:
    buffer = io.StringIO()  # a fresh buffer per row: the generator yields it and moves on
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue()


def export_rows() -> Iterator[str]:
    yield csv_row(CSV_COLUMNS)
    for record in load_records():
        yield csv_row(record[column] for column in CSV_COLUMNS)


@app.get("/export.csv")
def export_csv() -> StreamingResponse:
    return StreamingResponse(export_rows(), media_type="text/csv",
                             headers={"Content-Disposition": 'attachment; filename="export.csv"'})


async def event_frames() -> AsyncIterator[str]:
    queue = broker.subscribe()
    try:
        while True:
            message = await queue.get()
            yield f"data: {json.dumps(message)}\n\n"
    finally:
        broker.unsubscribe(queue)


@app.get("/events")
async def events() -> StreamingResponse:
    return StreamingResponse(event_frames(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


@app.post("/uploads", status_code=status.HTTP_201_CREATED)
async def upload(file: UploadFile) -> dict:
    signature = ALLOWED_TYPES.get(file.content_type or "")
    if signature is None:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                            f"Accepted types: {', '.join(ALLOWED_TYPES)}")
    head = await file.read(len(signature))
    if head != signature:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                            f"The file's bytes are not a {file.content_type} file")
    digest = hashlib.sha256(head)
    size = len(head)
    while chunk := await file.read(READ_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return {"filename": file.filename, "content_type": file.content_type, "size": size,
            "sha256": digest.hexdigest()}
# END SOLUTION
# STUB: @app.get("/export.csv")
# STUB: def export_csv():
# STUB:     # TODO (task 1): stream the header and one CSV line per record of load_records(), lazily.
# STUB:     raise NotImplementedError("export_csv() is not written yet")
# STUB:
# STUB:
# STUB: @app.get("/events")
# STUB: async def events():
# STUB:     # TODO (task 2): a text/event-stream of broker's messages; unsubscribe when the client leaves.
# STUB:     raise NotImplementedError("events() is not written yet")
# STUB:
# STUB:
# STUB: @app.post("/uploads")
# STUB: async def upload(file: UploadFile):
# STUB:     # TODO (task 3): 415 for a type outside ALLOWED_TYPES or bytes that do not match it; else 201.
# STUB:     raise NotImplementedError("upload() is not written yet")
