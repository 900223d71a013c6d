"""Hidden suite for stream01_streaming_uploads.

Catches: an export built in full before the first byte (a list or one joined string),
CSV written with f-strings (a name with a comma or a quote breaks the columns), the
wrong media type or no attachment header; an event stream with the wrong framing
(one newline, no ``data:``, a Python repr instead of JSON) or media type, and one
that leaves its subscription behind (or never ends) when the client goes away;
uploads judged by their filename or declared type instead of their first bytes,
a 400/422 instead of 415; a body limit that reads the whole body before refusing,
trusts only ``Content-Length`` (a body sent without one slips through), or is off by
one at the limit.

The evidence is read at the ASGI level: the suite plays the server, so it knows how
many records were pulled when each chunk was sent, and how many body bytes the app
asked for before it answered. No sleeps: the suite waits for events, never for time.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import json

import httpx
import pytest

from autograder.kit import expect, run

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
JPEG = b"\xff\xd8\xff\xe0" + b"JFIF\x00" + bytes(range(255, -1, -1)) * 8
FAILSAFE = 5.0  # seconds before a stuck app fails the test (a correct one never waits)


class Exchange:
    """One request played against the app at the ASGI level, and what came back."""

    def __init__(self, method: str, path: str, headers: list[tuple[str, str]], chunks: list[bytes],
                 hold_open: asyncio.Event | None = None) -> None:
        self.method, self.path, self.headers = method, path, headers
        self.chunks = list(chunks) or [b""]
        self.hold_open = hold_open
        self.bytes_read = 0
        self.status: int | None = None
        self.response_headers: dict[str, str] = {}
        self.body_messages: list[bytes] = []
        self.error: BaseException | None = None
        self.on_body = None  # called with each body chunk as it is sent
        self.complete = asyncio.Event()

    @property
    def body(self) -> bytes:
        return b"".join(self.body_messages)

    async def receive(self) -> dict:
        if self.chunks:
            chunk = self.chunks.pop(0)
            self.bytes_read += len(chunk)
            return {"type": "http.request", "body": chunk, "more_body": bool(self.chunks)}
        if self.hold_open is not None:
            await self.hold_open.wait()
        else:
            await self.complete.wait()
        return {"type": "http.disconnect"}

    async def send(self, message: dict) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.response_headers = {k.decode().lower(): v.decode() for k, v in message.get("headers", [])}
        elif message["type"] == "http.response.body":
            body = bytes(message.get("body", b""))
            if body:
                self.body_messages.append(body)
                if self.on_body is not None:
                    self.on_body(body)
            if not message.get("more_body", False):
                self.complete.set()

    async def play(self, app) -> None:
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": self.method,
                 "scheme": "http", "path": self.path, "raw_path": self.path.encode(), "query_string": b"",
                 "root_path": "", "headers": [(k.lower().encode(), v.encode()) for k, v in self.headers],
                 "client": ("127.0.0.1", 50000), "server": ("testserver", 80), "state": {}}
        try:
            await app(scope, self.receive, self.send)
        except Exception as exc:  # noqa: BLE001 - the student's app raised: judged by the test
            self.error = exc

    def described(self) -> str:
        if self.error is not None:
            return f"raised {type(self.error).__name__}: {str(self.error)[:100]}"
        return f"answered {self.status} ({self.body[:100]!r})"


async def until(condition, what: str) -> None:
    """Let the loop run until ``condition()`` holds (yields first, then short waits)."""
    for step in range(3000):
        if condition():
            return
        await asyncio.sleep(0 if step < 2000 else 0.001)
    pytest.fail(f"waited in vain: {what}", pytrace=False)


def play(app, method, path, headers=(), chunks=(), on_body=None) -> Exchange:
    exchange = Exchange(method, path, list(headers), list(chunks))
    exchange.on_body = on_body

    async def go():
        await asyncio.wait_for(exchange.play(app), FAILSAFE)

    try:
        run(go())
    except TimeoutError:
        pytest.fail(f"{method} {path} did not finish within {FAILSAFE} s", pytrace=False)
    return exchange


def multipart(content: bytes, filename: str = "picture.png", content_type: str = "image/png"):
    """A multipart body with one file field named ``file``, and its Content-Type header."""
    request = httpx.Request("POST", "http://testserver/uploads", files={"file": (filename, content, content_type)})
    return request.read(), request.headers["content-type"]


def upload(app, content: bytes, filename="picture.png", content_type="image/png", *, declare_length=True,
           chunk=64 * 1024) -> Exchange:
    body, multipart_type = multipart(content, filename, content_type)
    headers = [("content-type", multipart_type)]
    if declare_length:
        headers.append(("content-length", str(len(body))))
    chunks = [body[i:i + chunk] for i in range(0, len(body), chunk)] or [b""]
    return play(app, "POST", "/uploads", headers, chunks)


def sized_content(limit: int, total: int, filename="picture.png", content_type="image/png") -> bytes:
    """PNG content whose multipart body is exactly ``total`` bytes long."""
    overhead = len(multipart(PNG, filename, content_type)[0]) - len(PNG)
    expect(total - overhead >= len(PNG), "MAX_UPLOAD_BYTES is too small for a test image")
    return PNG + b"\x00" * (total - overhead - len(PNG))


# --- task 1: the CSV export ------------------------------------------------------------

TRICKY = [
    {"id": 1, "name": "Smith, Jane", "amount": 12.5},
    {"id": 2, "name": 'The "Best" Shop', "amount": 0.99},
    {"id": 3, "name": "plain", "amount": 7},
]


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_export_is_csv_with_every_record(student):
    """GET /export.csv answers text/csv as an attachment: a header, then each record, quoted where needed"""
    student.load_records = lambda: iter([dict(r) for r in TRICKY])
    exchange = play(student.app, "GET", "/export.csv")
    expect(exchange.status == 200 and exchange.error is None, f"GET /export.csv {exchange.described()}")
    rows = list(csv.reader(io.StringIO(exchange.body.decode())))
    expected = [["id", "name", "amount"]] + [[str(r["id"]), r["name"], str(r["amount"])] for r in TRICKY]
    expect(rows == expected, f"the CSV reads {rows!r}; expected {expected!r} (write the lines with csv.writer: "
                             "a name with a comma or a quote must be quoted)")
    media = exchange.response_headers.get("content-type", "")
    expect(media.startswith("text/csv"), f"the export's Content-Type is {media!r}; expected text/csv")
    disposition = exchange.response_headers.get("content-disposition", "")
    expect("attachment" in disposition and "export.csv" in disposition,
           f"Content-Disposition is {disposition!r}; expected 'attachment; filename=\"export.csv\"'")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_export_streams_one_record_at_a_time(student):
    """each CSV line is its own chunk, and a record is pulled only when its line is about to be sent"""
    count = 200
    pulled = 0

    def counting_records():
        nonlocal pulled
        for number in range(1, count + 1):
            pulled += 1
            yield {"id": number, "name": f"n{number}", "amount": number}

    student.load_records = counting_records
    pulled_at_chunk: list[int] = []
    exchange = play(student.app, "GET", "/export.csv", on_body=lambda chunk: pulled_at_chunk.append(pulled))
    expect(exchange.status == 200 and exchange.error is None, f"GET /export.csv {exchange.described()}")
    expect(len(exchange.body.decode().splitlines()) == count + 1,
           f"the export holds {len(exchange.body.decode().splitlines())} lines for {count} records; expected "
           f"{count + 1} (the header and one per record)")
    expect(len(pulled_at_chunk) >= count,
           f"the body came in {len(pulled_at_chunk)} chunk(s) for {count} records; yield one line at a time "
           "from a generator instead of building the whole file first")
    ahead = max(p - i for i, p in enumerate(pulled_at_chunk))
    expect(ahead <= 2,
           f"when chunk {pulled_at_chunk.index(max(pulled_at_chunk))} was sent, {max(pulled_at_chunk)} records "
           f"had already been pulled; a streaming export pulls a record only when its line is sent "
           "(no list of every row, no ''.join)")


# --- task 2: server-sent events ----------------------------------------------------------

def sse_data(body: bytes) -> list[str]:
    """The ``data`` of each complete event of an SSE stream, as the browser's EventSource
    reads it: CR LF or LF line ends, an event ends with a blank line, comments (``:``),
    ``id:``, ``event:`` and ``retry:`` lines are allowed, a block without data is no event."""
    text = body.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    events = []
    for block in text.split("\n\n")[:-1]:  # what follows the last blank line is not complete
        data = [line[len("data:"):].removeprefix(" ") for line in block.split("\n") if line.startswith("data:")]
        if data:
            events.append("\n".join(data))
    return events


def parse_events(body: bytes) -> list:
    events = []
    for data in sse_data(body):
        try:
            events.append(json.loads(data))
        except ValueError:
            pytest.fail(f"the event data {data!r} is not JSON; send json.dumps(message)", pytrace=False)
    return events


def open_stream(student, messages, hold_open):
    """GET /events, publish ``messages`` one by one (each after the previous one arrived)."""
    exchange = Exchange("GET", "/events", [], [], hold_open=hold_open)

    async def scenario():
        task = asyncio.create_task(exchange.play(student.app))
        await until(lambda: len(student.broker.subscribers) == 1 or task.done(),
                    "GET /events never subscribed to broker")
        expect(not task.done(), f"GET /events ended at once: {exchange.described()}")
        for number, message in enumerate(messages, start=1):
            student.broker.publish(message)
            await until(lambda number=number: len(sse_data(exchange.body)) >= number or task.done(),
                        f"message {number} was published but no complete event carried it; frame each one as "
                        "'data: <json>' and end it with a blank line")
        seen = exchange.body
        subscribers_while_open = len(student.broker.subscribers)
        hold_open.set()  # the client goes away
        try:
            await asyncio.wait_for(task, FAILSAFE)
        except TimeoutError:
            pytest.fail("after the client disconnected, GET /events kept running; let the cancellation end the "
                        "generator (never swallow it)", pytrace=False)
        return seen, subscribers_while_open

    return exchange, run(scenario())


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_events_are_framed_as_sse(student):
    """GET /events is text/event-stream, and each published message arrives as 'data: <json>' and a blank line"""
    messages = [{"n": 1, "text": "hello"}, {"n": 2, "text": "two\nlines"}, {"n": 3, "text": "ünïcode"}]
    exchange, (seen, _) = open_stream(student, messages, asyncio.Event())
    expect(exchange.status == 200, f"GET /events {exchange.described()}")
    media = exchange.response_headers.get("content-type", "")
    expect(media.startswith("text/event-stream"),
           f"the stream's Content-Type is {media!r}; browsers' EventSource needs text/event-stream")
    expect(exchange.response_headers.get("cache-control", "") == "no-cache",
           "an event stream must not be cached: Cache-Control: no-cache")
    events = parse_events(seen)
    expect(events == messages, f"the stream carried {events!r}; expected the published messages {messages!r}")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_disconnect_removes_the_subscription(student):
    """when the client goes away, the stream ends and broker has no subscriber left"""
    _exchange, (_, while_open) = open_stream(student, [{"n": 1}, {"n": 2}], asyncio.Event())
    expect(while_open == 1, f"broker had {while_open} subscribers while one client listened; expected 1")
    left = len(student.broker.subscribers)
    expect(left == 0, f"after the client disconnected broker still has {left} subscriber(s): unsubscribe in a "
                      "finally: around the loop of the generator")
    published = student.broker.publish({"n": 3})
    expect(published == 0, "a message published after the disconnect still reached a queue")


# --- task 3: the upload's content checks ------------------------------------------------------

@pytest.mark.task(3)
@pytest.mark.points(1)
def test_upload_answers_size_and_digest(student, client):
    """a PNG and a JPEG are accepted with 201 and their filename, type, size and sha256"""
    served = client.post("/uploads", files={"file": ("served.png", PNG, "image/png")})
    expect(served.status_code == 201, f"with the app started (lifespan run through every middleware), a PNG upload "
                                      f"answered {served.status_code}; expected 201")
    for content, name, kind in ((PNG, "holiday.png", "image/png"), (JPEG, "portrait.jpg", "image/jpeg")):
        exchange = upload(student.app, content, name, kind)
        expect(exchange.status == 201, f"uploading a real {kind} file {exchange.described()}; expected 201 Created")
        body = json.loads(exchange.body)
        expected = {"filename": name, "content_type": kind, "size": len(content),
                    "sha256": hashlib.sha256(content).hexdigest()}
        expect(body == expected, f"the upload answered {body!r}; expected {expected!r} (count and hash every byte)")


@pytest.mark.task(3)
@pytest.mark.points(2)
def test_upload_is_judged_by_its_bytes(student):
    """415 for a type outside ALLOWED_TYPES or bytes that do not match the type; the filename proves nothing"""
    accepted = upload(student.app, PNG, "notes.txt", "image/png")
    expect(accepted.status == 201, f"a real PNG named notes.txt {accepted.described()}; the filename proves "
                                   "nothing: judge the bytes (expected 201)")
    cases = [
        (b"<?php system($_GET['c']); ?>" * 10, "avatar.png", "image/png", "a script named avatar.png"),
        (b"GIF89a" + bytes(200), "avatar.png", "image/png", "a GIF declared image/png"),
        (PNG, "avatar.jpg", "image/jpeg", "a PNG declared image/jpeg"),
        (JPEG, "avatar.png", "image/png", "a JPEG declared image/png"),
        (PNG[:4], "avatar.png", "image/png", "the first 4 bytes of a PNG signature"),
        (b"", "empty.png", "image/png", "an empty file"),
        (PNG, "avatar.png", "text/plain", "a type outside ALLOWED_TYPES"),
        (PNG, "avatar.png", "image/svg+xml", "an SVG (not allowed, whatever its bytes)"),
    ]
    for content, name, kind, what in cases:
        exchange = upload(student.app, content, name, kind)
        expect(exchange.status == 415, f"{what} {exchange.described()}; expected 415 Unsupported Media Type")


# --- task 4: the body limit ---------------------------------------------------------------------

@pytest.mark.task(4)
@pytest.mark.points(1)
def test_declared_length_over_the_limit_is_refused_unread(student):
    """Content-Length over MAX_UPLOAD_BYTES: 413 before a byte is read; exactly the limit is accepted"""
    limit = student.MAX_UPLOAD_BYTES
    at_limit = upload(student.app, sized_content(limit, limit))
    expect(at_limit.status == 201, f"a body of exactly MAX_UPLOAD_BYTES ({limit}) {at_limit.described()}; "
                                   "it is within the limit (refuse only what is larger)")
    over = upload(student.app, sized_content(limit, limit + 1))
    expect(over.status == 413, f"a body of MAX_UPLOAD_BYTES + 1 bytes {over.described()}; expected 413")
    big = upload(student.app, sized_content(limit, 4 * limit))
    expect(big.status == 413, f"a body of 4 x MAX_UPLOAD_BYTES {big.described()}; expected 413")
    expect(big.bytes_read == 0, f"the app read {big.bytes_read} bytes of a body whose Content-Length already said "
                                "it was too large; check the header before reading")


@pytest.mark.task(4)
@pytest.mark.points(1)
# Older Starlette (0.46, the floor) leaves the form parser's temporary file to the garbage collector
# when the body is cut off; its ResourceWarning is not the student's doing.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_body_without_length_is_counted(student):
    """a body sent without Content-Length is refused as soon as it passes the limit, not after reading it all"""
    limit = student.MAX_UPLOAD_BYTES
    chunk = 16 * 1024
    at_limit = upload(student.app, sized_content(limit, limit), declare_length=False, chunk=chunk)
    expect(at_limit.status == 201, f"a body of exactly MAX_UPLOAD_BYTES sent without Content-Length "
                                   f"{at_limit.described()}; expected 201")
    over = upload(student.app, sized_content(limit, limit + 1), declare_length=False, chunk=chunk)
    expect(over.status == 413, f"a body of MAX_UPLOAD_BYTES + 1 bytes sent without Content-Length "
                               f"{over.described()}; count the bytes as they arrive")
    big = upload(student.app, sized_content(limit, 8 * limit), declare_length=False, chunk=chunk)
    expect(big.status == 413, f"a body of 8 x MAX_UPLOAD_BYTES sent without Content-Length {big.described()}; "
                              "expected 413")
    expect(big.bytes_read <= limit + chunk,
           f"the app read {big.bytes_read} bytes of an {8 * limit}-byte body before refusing it; stop at the "
           f"first chunk that passes MAX_UPLOAD_BYTES ({limit})")
