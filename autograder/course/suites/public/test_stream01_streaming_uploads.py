"""Public checks for stream01_streaming_uploads: the export, one event, one upload, one refusal."""

import asyncio
import csv
import io
import json

import pytest

from autograder.kit import expect, expect_status

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_export_has_a_header_and_every_record(student, client):
    """GET /export.csv answers text/csv: the header, then one line per record"""
    response = client.get("/export.csv")
    expect_status(response, 200, "the export must answer 200")
    expect(response.headers.get("content-type", "").startswith("text/csv"),
           f"the Content-Type is {response.headers.get('content-type')!r}; expected text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    expect(rows[:1] == [["id", "name", "amount"]], f"the first line reads {rows[:1]!r}; expected the header")
    expect(len(rows) == student.RECORD_COUNT + 1,
           f"the export holds {len(rows) - 1} records; expected {student.RECORD_COUNT}")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_a_published_message_arrives_as_an_event(student):
    """GET /events is text/event-stream; a message published on broker arrives as 'data: <json>' and a blank line"""
    # The check plays the server itself (TestClient would wait for the end of an endless stream).
    sent, gone = [], asyncio.Event()

    async def receive():
        await gone.wait()  # the client stays until the check is done
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    def body():
        return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")

    async def scenario():
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": "/events", "raw_path": b"/events", "query_string": b"",
                 "root_path": "", "headers": [], "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
        task = asyncio.create_task(student.app(scope, receive, send))
        for _ in range(2000):
            await asyncio.sleep(0)
            if student.broker.subscribers or task.done():
                break
        delivered = student.broker.publish({"n": 1})
        for _ in range(2000):
            await asyncio.sleep(0)
            if (b"data:" in body() and body().replace(b"\r\n", b"\n").endswith(b"\n\n")) or task.done():
                break
        gone.set()
        await asyncio.wait_for(task, 5)
        return delivered

    delivered = asyncio.run(scenario())
    start = next((m for m in sent if m["type"] == "http.response.start"), {})
    media = dict(start.get("headers", [])).get(b"content-type", b"").decode()
    expect(start.get("status") == 200 and media.startswith("text/event-stream"),
           f"GET /events answered {start.get('status')} with Content-Type {media!r}; expected 200 text/event-stream")
    expect(delivered == 1, f"the message reached {delivered} subscribers; GET /events must subscribe to broker")
    text = body().decode().replace("\r\n", "\n")
    data = [line[5:] for line in text.split("\n") if line.startswith("data:")]
    try:
        first = json.loads(data[0]) if data else None
    except ValueError:
        first = None
    expect(first == {"n": 1} and text.endswith("\n\n"),
           f"the stream carried {text!r}; expected 'data: {{\"n\": 1}}' and a blank line")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_a_png_is_accepted(client):
    """POST /uploads with a real PNG answers 201 with its size"""
    response = client.post("/uploads", files={"file": ("cat.png", PNG, "image/png")})
    expect_status(response, 201, "a real PNG must be accepted with 201 Created")
    expect(response.json().get("size") == len(PNG), f"the answer {response.json()!r} has the wrong size")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_a_body_over_the_limit_is_refused(student, client):
    """a request body larger than MAX_UPLOAD_BYTES is answered 413"""
    too_big = PNG + bytes(student.MAX_UPLOAD_BYTES)
    response = client.post("/uploads", files={"file": ("big.png", too_big, "image/png")})
    expect_status(response, 413, "a body over MAX_UPLOAD_BYTES must be refused with 413 Content Too Large")
