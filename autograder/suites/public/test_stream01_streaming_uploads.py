"""Public checks for stream01_streaming_uploads: the export, one event, one upload, one refusal."""

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
def test_a_published_message_arrives_as_an_event(client):
    """GET /events is text/event-stream; a message POSTed to /messages arrives as 'data: <json>'"""
    with client.stream("GET", "/events") as stream:
        expect_status(stream, 200, "the event stream must answer 200")
        media = stream.headers.get("content-type", "")
        expect(media.startswith("text/event-stream"), f"the Content-Type is {media!r}; expected text/event-stream")
        delivered = client.post("/messages", json={"n": 1}).json()["delivered"]
        expect(delivered == 1, f"the message reached {delivered} subscribers; GET /events must subscribe to broker")
        lines = stream.iter_lines()
        first, blank = next(lines), next(lines)
    expect(first.startswith("data:") and json.loads(first[5:]) == {"n": 1} and blank == "",
           f"the stream began {first!r}, {blank!r}; expected 'data: {{\"n\": 1}}' and a blank line")


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
