"""The grader's end of the results pipe: reads that never block past a deadline.

The worker writes events as ``multiprocessing`` frames (a 4-byte big-endian length,
then that many bytes of JSON). Student code runs in the worker and can write into the
pipe too, so the grader trusts nothing about the stream: it reads whatever bytes are
there without blocking, assembles frames itself and stops at the deadline even when a
frame is half written (``Connection.recv_bytes`` would wait for the rest forever). It
caps what one item may send: the size of a frame, the number of events and the total
number of bytes, so that a flood costs the flooder and not the grader's memory. The caps,
and what a frame must hold, are declared in :mod:`autograder.sandbox.protocol`.
"""

from __future__ import annotations

import os
import select
import struct
import time
from dataclasses import dataclass

from autograder.sandbox import protocol
from autograder.sandbox.protocol import MAX_EVENTS, MAX_FRAME_BYTES, MAX_TOTAL_BYTES, Violation

READ_BYTES = 64 << 10


@dataclass
class Budget:
    """What one item's workers may still send, shared by its attempts."""

    bytes_left: int = MAX_TOTAL_BYTES
    events_left: int = MAX_EVENTS


class Reader:
    """Frames from one worker's pipe.

    :meth:`next` returns the next event (a :data:`protocol.Frame`), ``None`` when the deadline passed with
    no complete frame, and raises :class:`EOFError` when the worker closed the pipe (or
    died) and :class:`Violation` when the bytes are not the protocol.
    """

    def __init__(self, fd: int, budget: Budget) -> None:
        self.fd = fd
        self.budget = budget
        self.buffer = bytearray()
        self.closed = False

    @property
    def partial(self) -> bool:
        """Whether a frame has begun and not ended."""
        return bool(self.buffer)

    def _frame(self) -> bytes | None:
        if len(self.buffer) < 4:
            return None
        (size,) = struct.unpack("!i", self.buffer[:4])
        header = 4
        if size == -1:
            if len(self.buffer) < 12:
                return None
            (size,) = struct.unpack("!Q", self.buffer[4:12])
            header = 12
        if size < 0 or size > MAX_FRAME_BYTES:
            raise Violation(f"a frame of {size} bytes was written into the results channel "
                            f"(the limit is {MAX_FRAME_BYTES})")
        if len(self.buffer) < header + size:
            return None
        data = bytes(self.buffer[header:header + size])
        del self.buffer[:header + size]
        return data

    def next(self, deadline: float) -> protocol.Frame | None:
        while True:
            data = self._frame()
            if data is not None:
                return self._event(data)
            if self.closed:
                raise EOFError
            wait = deadline - time.monotonic()
            if wait <= 0:
                return None
            ready, _, _ = select.select([self.fd], [], [], wait)
            if not ready:
                return None
            try:
                chunk = os.read(self.fd, READ_BYTES)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                chunk = b""
            if not chunk:
                self.closed = True
                continue
            self.budget.bytes_left -= len(chunk)
            if self.budget.bytes_left < 0:
                raise Violation(f"the results channel carried more than {MAX_TOTAL_BYTES >> 20} MB")
            self.buffer += chunk

    def _event(self, data: bytes) -> protocol.Frame:
        self.budget.events_left -= 1
        if self.budget.events_left < 0:
            raise Violation(f"the results channel carried more than {MAX_EVENTS} events")
        return protocol.decode(data)
