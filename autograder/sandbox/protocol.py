"""The worker-to-grader event stream, declared once: both ends import this module.

Like pytest's ``hookspec.py``, a contract between two processes lives in one place.
The worker (:mod:`autograder.sandbox.worker` and its pytest plugin,
:mod:`autograder.sandbox.plugin`) builds every event it sends from the types below and
writes it with :func:`sender`; the grader (:mod:`autograder.sandbox.channel` and
:mod:`autograder.sandbox.engine`) reads every frame back with :func:`decode` and the
same types' ``parse``. :data:`EVENTS` is the declared set of kinds.

On the wire an event is one JSON object, ``{"event": <kind>, <field>: <value>...}``, in
a ``multiprocessing`` frame (never a pickle: a student who writes into the pipe must not
be able to run code in the grader). In order, a worker sends: ``sandbox`` (or
``sandbox_error``) when it runs sandboxed, ``screen``, ``collected``, then ``imported``
(or ``import_error``/``crashed``), for each test ``start`` and ``result``, and ``done``;
``flag``, ``tampered``, ``collect_error`` and ``worker_error`` whenever they happen.

Student code runs in the worker and can write into the pipe, so a frame proves nothing:
``parse`` checks each field's type, cuts text to its limit and raises :class:`Violation`
(the grader voids the item) for anything that is not the protocol. The grader reads
what it needs kind by kind, and only when it needs it (see ``engine._Watch``): a field
it never reads cannot void an item. The limits on what one item may send are declared
here too.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, get_args

from autograder.results import TestResult, TestStatus
from autograder.sandbox.messages import MAX_LENGTH

Frame = dict[str, Any]  # one decoded event: a JSON object whose "event" is text

# What one item's workers may send (the channel enforces these), and what one event may carry.
MAX_FRAME_BYTES = 256 << 10  # the largest honest event (``collected`` of a big suite) is far below
MAX_TOTAL_BYTES = 4 << 20  # per item, every attempt together
MAX_EVENTS = 5000  # per item: two per test and a few more, for suites of a few dozen tests
MAX_EVENT_BYTES = 1 << 20  # what the worker writes of one event at most
MAX_TESTS = MAX_EVENTS // 2  # in one ``collected`` event
MAX_NAME_CHARS = 200  # a test's name
MAX_MESSAGE_CHARS = 2 * MAX_LENGTH  # the worker shortens to MAX_LENGTH; the grader does not trust it to
MAX_FLAG_CHARS = 200
MAX_FLAGS = 20  # distinct flags kept per item; one more says the rest were dropped
MAX_SCORE = 1000  # a test's points
TOO_MANY_FLAGS = f"channel: more than {MAX_FLAGS} flags were raised; the rest were dropped"
TEST_STATUSES: tuple[str, ...] = get_args(TestStatus)

FOREIGN = "something other than the grader wrote into the results channel"
NO_SCREEN = "the results channel did not carry the screen's findings"
BAD_COLLECTED = "the list of collected tests was malformed"
BAD_STATUS = "a result carried an unknown status"
BAD_SANDBOX = "the sandbox report was malformed"
UNKNOWN = "the results channel carried an event the grader does not know"


class Violation(Exception):
    """The stream broke the protocol: ``reason`` is one line for the flag."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Ended(enum.StrEnum):
    """How one worker's attempt ended, as the grader saw it.

    Only ``done``, ``import_error`` and ``crashed`` are the worker's word (an event says
    so); the others are the grader's: a timeout of its own, the pipe closing, a frame
    that broke the protocol.
    """

    DONE = "done"
    IMPORT_ERROR = "import_error"  # the student's module raised while imported
    CRASHED = "crashed"  # it raised SystemExit/KeyboardInterrupt, or ended the process, while imported
    IMPORT_TIMEOUT = "import_timeout"
    TEST_TIMEOUT = "test_timeout"  # a test did not report within the per-test limit
    DIED = "died"  # the process ended (or fell silent) between or during tests
    ITEM_TIMEOUT = "item_timeout"  # the item's overall limit
    VIOLATION = "violation"  # the stream broke the protocol: the item is voided


# --- the wire ----------------------------------------------------------------------


def encode(frame: Frame) -> bytes:
    """One event's bytes as :func:`sender` writes them: JSON, cut at ``MAX_EVENT_BYTES``."""
    return json.dumps(frame, default=str).encode()[:MAX_EVENT_BYTES]


def sender(send_bytes: Callable[[bytes], Any]) -> Callable[[Frame], None]:
    """The worker's ``emit``: each frame encoded as :func:`encode` does, then ``send_bytes``.

    Made before any student code runs, with everything it calls held in its own closure
    (which the worker's integrity snapshot watches): replacing ``json.dumps``, this
    module's functions or ``Connection.send_bytes`` later changes nothing that is sent.
    """
    dumps = json.dumps
    limit = MAX_EVENT_BYTES

    def send(frame: Frame) -> None:
        send_bytes(dumps(frame, default=str).encode()[:limit])

    return send


def decode(data: bytes) -> Frame:
    """One frame's bytes as an event's fields: a JSON object whose ``event`` is text, or :class:`Violation`."""
    try:
        frame = json.loads(data)
    except Exception:  # noqa: BLE001 - ValueError, and RecursionError for "[[[[..."
        raise Violation(FOREIGN) from None
    if not isinstance(frame, dict) or not isinstance(frame.get("event"), str):
        raise Violation(FOREIGN)
    return frame


def text(frame: Frame, key: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``frame[key]`` cut to ``limit`` characters (missing is empty); anything but text is a violation."""
    value = frame.get(key, "")
    if not isinstance(value, str):
        raise Violation(f"an event's {key!r} was not text")
    return value[:limit]


# --- the events ---------------------------------------------------------------------
# Each ``frame()`` writes its kind as a literal: the student's code can rebind a class
# attribute in the worker, not a function's code (the guard refuses that).


@dataclass(frozen=True)
class Event:
    """One message of the stream; ``KIND`` is its ``event`` on the wire."""

    KIND: ClassVar[str]

    def frame(self) -> Frame:
        """The JSON object the worker sends."""
        raise NotImplementedError

    @classmethod
    def parse(cls, frame: Frame) -> Event:
        """The event a frame of this kind carries, each field checked and cut; or :class:`Violation`."""
        raise NotImplementedError


@dataclass(frozen=True)
class Sandboxed(Event):
    """First, before pytest starts: the kernel sandbox is on (each layer, or why it is missing).

    The grader reads only its kind: it is the worker's own record, sent before any
    student code exists, and nothing in it changes a score.
    """

    KIND: ClassVar[str] = "sandbox"
    level: str
    layers: dict[str, str]
    missing: dict[str, str]

    def frame(self) -> Frame:
        return {"event": "sandbox", "level": self.level, "layers": dict(self.layers), "missing": dict(self.missing)}

    @classmethod
    def parse(cls, frame: Frame) -> Sandboxed:
        layers, missing = frame.get("layers"), frame.get("missing")
        for table in (layers, missing):
            if not isinstance(table, dict) or not all(isinstance(v, str) for v in (*table, *table.values())):
                raise Violation(BAD_SANDBOX)
        return cls(text(frame, "level", MAX_FLAG_CHARS), layers, missing)


@dataclass(frozen=True)
class SandboxFailed(Event):
    """First, instead of ``sandbox``: the worker could not enter its sandbox (the grader's fault, not the student's)."""

    KIND: ClassVar[str] = "sandbox_error"
    message: str

    def frame(self) -> Frame:
        return {"event": "sandbox_error", "message": self.message}

    @classmethod
    def parse(cls, frame: Frame) -> SandboxFailed:
        return cls(text(frame, "message"))


@dataclass(frozen=True)
class Screened(Event):
    """Before any student code: the static screen's findings (flags for review, never a change of score)."""

    KIND: ClassVar[str] = "screen"
    findings: tuple[str, ...] = ()

    def frame(self) -> Frame:
        return {"event": "screen", "findings": list(self.findings)}

    @classmethod
    def parse(cls, frame: Frame) -> Screened:
        """The first ``MAX_FLAGS`` findings that are text; findings that are not a list are a violation."""
        findings = frame.get("findings")
        if not isinstance(findings, list):
            raise Violation(NO_SCREEN)
        return cls(tuple(f for f in findings if isinstance(f, str))[:MAX_FLAGS])


@dataclass(frozen=True)
class PlannedTest:
    """One collected test: its name, its points, its task, what it checks."""

    name: str
    max_score: float
    task: int | None = None
    description: str = ""

    def frame(self) -> Frame:
        return {"name": self.name, "max_score": self.max_score, "task": self.task, "description": self.description}

    @classmethod
    def parse(cls, test: object) -> PlannedTest:
        if not isinstance(test, dict) or not isinstance(test.get("name"), str) \
                or not isinstance(test.get("max_score"), (int, float)) or isinstance(test.get("max_score"), bool) \
                or not 0 <= test["max_score"] <= MAX_SCORE or not isinstance(test.get("task"), (int, type(None))):
            raise Violation(BAD_COLLECTED)
        return cls(test["name"][:MAX_NAME_CHARS], test["max_score"], test.get("task"),
                   text(test, "description", MAX_LENGTH))


@dataclass(frozen=True)
class Collected(Event):
    """Every test the worker will run, canaries mixed in, before any student code is imported."""

    KIND: ClassVar[str] = "collected"
    tests: tuple[PlannedTest, ...] = ()

    def frame(self) -> Frame:
        return {"event": "collected", "tests": [test.frame() for test in self.tests]}

    @classmethod
    def parse(cls, frame: Frame) -> Collected:
        tests = frame.get("tests")
        if not isinstance(tests, list) or len(tests) > MAX_TESTS:
            raise Violation(BAD_COLLECTED)
        return cls(tuple(PlannedTest.parse(test) for test in tests))


@dataclass(frozen=True)
class Imported(Event):
    """The student's module imported: the tests start."""

    KIND: ClassVar[str] = "imported"

    def frame(self) -> Frame:
        return {"event": "imported"}

    @classmethod
    def parse(cls, frame: Frame) -> Imported:
        return cls()


@dataclass(frozen=True)
class ImportFailed(Event):
    """The student's module raised while imported; the message is one line about it."""

    KIND: ClassVar[str] = "import_error"
    message: str

    def frame(self) -> Frame:
        return {"event": "import_error", "message": self.message}

    @classmethod
    def parse(cls, frame: Frame) -> ImportFailed:
        return cls(text(frame, "message"))


@dataclass(frozen=True)
class Crashed(Event):
    """The student's module raised ``SystemExit`` or ``KeyboardInterrupt`` while imported."""

    KIND: ClassVar[str] = "crashed"
    message: str

    def frame(self) -> Frame:
        return {"event": "crashed", "message": self.message}

    @classmethod
    def parse(cls, frame: Frame) -> Crashed:
        return cls(text(frame, "message"))


@dataclass(frozen=True)
class Started(Event):
    """A test starts: until its result, it is the one a hang or a crash is charged to."""

    KIND: ClassVar[str] = "start"
    name: str

    def frame(self) -> Frame:
        return {"event": "start", "name": self.name}

    @classmethod
    def parse(cls, frame: Frame) -> Started:
        return cls(text(frame, "name", MAX_NAME_CHARS))


@dataclass(frozen=True)
class Result(Event):
    """A test's outcome, after its teardown."""

    KIND: ClassVar[str] = "result"
    name: str
    status: TestStatus
    message: str = ""

    def frame(self) -> Frame:
        return {"event": "result", "name": self.name, "status": self.status, "message": self.message}

    @staticmethod
    def head(frame: Frame) -> tuple[str, TestStatus]:
        """The name and status alone: the grader refuses a result it did not expect before it reads the message."""
        name = text(frame, "name", MAX_NAME_CHARS)
        status = frame.get("status")
        if status not in TEST_STATUSES:
            raise Violation(BAD_STATUS)
        return name, status

    @classmethod
    def parse(cls, frame: Frame) -> Result:
        return cls(*cls.head(frame), text(frame, "message"))


@dataclass(frozen=True)
class Flagged(Event):
    """The guard refused a call of the student's code (``flag`` completes "your code ...")."""

    KIND: ClassVar[str] = "flag"
    flag: str

    def frame(self) -> Frame:
        return {"event": "flag", "flag": self.flag}

    @classmethod
    def parse(cls, frame: Frame) -> Flagged:
        return cls(text(frame, "flag", MAX_FLAG_CHARS))


@dataclass(frozen=True)
class Tampered(Event):
    """A watched function of pytest or the grader was replaced: the item is voided."""

    KIND: ClassVar[str] = "tampered"
    flag: str

    def frame(self) -> Frame:
        return {"event": "tampered", "flag": self.flag}

    @classmethod
    def parse(cls, frame: Frame) -> Tampered:
        return cls(text(frame, "flag", MAX_FLAG_CHARS))


@dataclass(frozen=True)
class Done(Event):
    """The test run ended; the worker's peak memory (KiB) is for benchmarks only."""

    KIND: ClassVar[str] = "done"
    peak_rss_kb: int = 0

    def frame(self) -> Frame:
        return {"event": "done", "peak_rss_kb": self.peak_rss_kb}

    @classmethod
    def parse(cls, frame: Frame) -> Done:
        peak = frame.get("peak_rss_kb")
        return cls(int(peak) if isinstance(peak, int) and not isinstance(peak, bool) else 0)


@dataclass(frozen=True)
class WorkerFailed(Event):
    """The worker itself raised (outside the tests); the grader keeps the first such message."""

    KIND: ClassVar[str] = "worker_error"
    message: str

    def frame(self) -> Frame:
        return {"event": "worker_error", "message": self.message}

    @classmethod
    def parse(cls, frame: Frame) -> WorkerFailed:
        return cls(text(frame, "message"))


@dataclass(frozen=True)
class CollectFailed(Event):
    """pytest could not collect part of the suite; the grader keeps the first such message."""

    KIND: ClassVar[str] = "collect_error"
    message: str

    def frame(self) -> Frame:
        return {"event": "collect_error", "message": self.message}

    @classmethod
    def parse(cls, frame: Frame) -> CollectFailed:
        return cls(text(frame, "message"))


EVENTS: dict[str, type[Event]] = {cls.KIND: cls for cls in (
    Sandboxed, SandboxFailed, Screened, Collected, Imported, ImportFailed, Crashed, Started, Result, Flagged,
    Tampered, Done, WorkerFailed, CollectFailed)}


def parse(frame: Frame) -> Event:
    """Any frame as its event (the engine reads kind by kind instead, in the order the stream allows)."""
    kind = EVENTS.get(frame.get("event"))  # type: ignore[arg-type]
    if kind is None:
        raise Violation(UNKNOWN)
    return kind.parse(frame)


# --- what the grader keeps of it ----------------------------------------------------


def capped_flags(flags: list[str], new: Sequence[str]) -> list[str]:
    """``flags`` with ``new`` added: distinct, each cut to a line, at most ``MAX_FLAGS``."""
    kept = list(flags)
    for flag in new:
        flag = " ".join(str(flag).split())[:MAX_FLAG_CHARS]
        if flag in kept:
            continue
        if len(kept) >= MAX_FLAGS:
            if TOO_MANY_FLAGS not in kept:
                kept.append(TOO_MANY_FLAGS)
            break
        kept.append(flag)
    return kept


def scored(planned: Sequence[PlannedTest] | None, name: str, status: str, message: str) -> TestResult:
    """A test's result worth the points ``collected`` gave it; a name it did not list is worth 0 of 0."""
    meta = next((t for t in planned or [] if t.name == name), None)
    max_score = meta.max_score if meta is not None else 0
    return TestResult(name=name, score=max_score if status == "passed" else 0, max_score=max_score,
                      status=status,  # type: ignore[arg-type]
                      message=message, task=meta.task if meta is not None else None,
                      description=meta.description if meta is not None else "")
