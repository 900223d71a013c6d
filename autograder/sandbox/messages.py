"""One readable line about the student's code, from any exception.

Students never see a traceback into the grader or pytest: they see the exception type,
its text, and the line of *their* file where it happened, or, for a failed check, the
sentence the check wrote ("GET /books/999 answered 200; a missing book must be 404").
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from types import TracebackType

MAX_LENGTH = 300


def shorten(text: str, limit: int = MAX_LENGTH) -> str:
    """The first non-empty line of ``text``, cut to ``limit`` characters."""
    line = next((part.strip() for part in str(text).splitlines() if part.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


def student_line(tb: TracebackType | None, student_file: Path | None) -> int | None:
    """The deepest line of the traceback that lies in the student's file.

    Frames are compared by name first and resolved only when the name matches: a failure
    through the test client has some fifty frames in Starlette, anyio and pytest, and
    resolving each one's path (and reading its source line, as ``extract_tb`` does) cost
    5 ms per failed test, the larger part of what a stub's checks took.
    """
    if tb is None or student_file is None:
        return None
    target = Path(student_file).resolve()
    found = None
    for frame, lineno in traceback.walk_tb(tb):
        filename = frame.f_code.co_filename
        if Path(filename).name != target.name:
            continue
        try:
            if Path(filename).resolve() == target:
                found = lineno
        except (OSError, ValueError):
            continue
    return found


def describe(exc: BaseException, student_file: Path | None = None) -> str:
    """``Type: text (file.py, line N)`` for an exception raised by student code."""
    name = Path(student_file).name if student_file else None
    if isinstance(exc, SyntaxError) and exc.lineno and name:
        text = exc.msg or "invalid syntax"
        return shorten(f"{type(exc).__name__}: {text} ({name}, line {exc.lineno})")
    if isinstance(exc, SystemExit):
        where = student_line(exc.__traceback__, student_file)
        at = f" ({name}, line {where})" if where and name else ""
        return shorten(f"your code called sys.exit({exc.code!r}){at}; a web app must never exit")
    text = shorten(str(exc))
    asyncio = sys.modules.get("asyncio")  # not imported here: only loaded code can raise it
    if asyncio is not None and isinstance(exc, asyncio.CancelledError) and not text:
        text = "the request was cancelled (a KeyboardInterrupt or a cancelled task in your code?)"
    head = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    if "coroutine" in text and ("serializ" in text.lower() or "not iterable" in text or "subscriptable" in text):
        head = f"a coroutine object came back where a value was expected: is an `await` missing? ({head})"
    line = student_line(exc.__traceback__, student_file)
    if line and name:
        head = f"{head} ({name}, line {line})"
    return shorten(head)


class StudentAbort(Exception):
    """A ``SystemExit``/``KeyboardInterrupt`` from a route, turned into an ordinary error.

    Left alone, either would kill the test client's event-loop thread and the student
    would only see "CancelledError"; as an ordinary exception it fails one test with
    a message naming the line.
    """


def failure(exc: BaseException, student_file: Path | None = None) -> str:
    """The message of a failed check: its own sentence, or a description of the error."""
    if isinstance(exc, StudentAbort):
        return shorten(str(exc))
    if isinstance(exc, AssertionError) and str(exc).strip():
        # pytest appends its own explanation ("assert 200 == 404") after our sentence.
        return shorten(str(exc))
    return describe(exc, student_file)
