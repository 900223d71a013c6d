"""The grader's reader of the results pipe: frames, deadlines, and the per-item budget."""

from __future__ import annotations

import json
import os
import struct
import time

import pytest

from autograder.sandbox import channel


def frame(event: dict | bytes) -> bytes:
    data = event if isinstance(event, bytes) else json.dumps(event).encode()
    return struct.pack("!i", len(data)) + data


@pytest.fixture
def pipe():
    reader, writer = os.pipe()
    yield reader, writer
    for fd in (reader, writer):
        try:
            os.close(fd)
        except OSError:
            pass


def soon() -> float:
    return time.monotonic() + 0.2


def test_whole_frames_are_events(pipe):
    reader, writer = pipe
    os.write(writer, frame({"event": "start", "name": "t"}) + frame({"event": "done"}))
    stream = channel.Reader(reader, channel.Budget())
    assert stream.next(soon()) == {"event": "start", "name": "t"}
    assert stream.next(soon()) == {"event": "done"}


def test_a_partial_frame_never_blocks_past_the_deadline(pipe):
    reader, writer = pipe
    os.write(writer, struct.pack("!i", 100) + b'{"event": ')
    stream = channel.Reader(reader, channel.Budget())
    assert stream.next(soon()) is None  # the rest never comes: None at the deadline, not a hang
    assert stream.partial


def test_a_closed_pipe_is_the_end(pipe):
    reader, writer = pipe
    os.close(writer)
    with pytest.raises(EOFError):
        channel.Reader(reader, channel.Budget()).next(soon())


@pytest.mark.parametrize("data, reason", [
    (struct.pack("!i", channel.MAX_FRAME_BYTES + 1), f"a frame of {channel.MAX_FRAME_BYTES + 1} bytes"),
    (struct.pack("!i", -5), "a frame of -5 bytes"),
    (frame(b"not json"), "something other than the grader wrote into the results channel"),
    (frame([1, 2]), "something other than the grader wrote into the results channel"),
    (frame({"no": "event"}), "something other than the grader wrote into the results channel"),
])
def test_what_is_not_the_protocol_is_a_violation(pipe, data, reason):
    reader, writer = pipe
    os.write(writer, data)
    with pytest.raises(channel.Violation) as caught:
        channel.Reader(reader, channel.Budget()).next(soon())
    assert caught.value.reason.startswith(reason)


def test_the_event_budget_is_shared_by_an_items_attempts():
    budget = channel.Budget(events_left=3)
    attempts = []
    for count in (2, 2):  # two workers of one item
        reader, writer = os.pipe()
        os.write(writer, frame({"event": "x"}) * count)
        os.close(writer)
        attempts.append(channel.Reader(reader, budget))
    first, second = attempts
    assert [first.next(soon()), first.next(soon())] == [{"event": "x"}] * 2
    assert second.next(soon()) == {"event": "x"}
    with pytest.raises(channel.Violation, match="events"):
        second.next(soon())
    for stream in attempts:
        os.close(stream.fd)


def test_the_byte_budget_ends_a_flood(pipe):
    reader, writer = pipe
    budget = channel.Budget(bytes_left=1000)
    os.write(writer, frame({"event": "flag", "flag": "x" * 2000}))
    with pytest.raises(channel.Violation, match="more than 4 MB"):
        channel.Reader(reader, budget).next(soon())
