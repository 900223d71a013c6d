"""What the grader hands to people and to other programs, made safe to hand over.

Names (a submission's folder or zip stem) and messages (an exception's text, a flag)
come from students; hints and titles come from the manifest. None of them is code for
whatever shows them:

* a terminal obeys escape sequences (move the cursor, rewrite a line, set the window
  title, make a hyperlink), so :func:`clean` removes every control character and every
  escape sequence from every name and message printed or exported (terminal table,
  CSV, JSON, HTML, Gradescope and GitHub Classroom results), and gives a line break or
  a tab back as a space, so that one message stays one line;
* a spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
  (``=HYPERLINK(...)`` sends a click anywhere), so :func:`csv_cell` prefixes such a cell
  with a single quote, as OWASP's advice on CSV injection says;
* Rich reads ``[...]`` as markup, so text is printed as :class:`rich.text.Text`
  (:func:`plain`), never interpolated into a markup string;
* a FIFO, a device or a folder at an output path would block the export forever or
  write somewhere unexpected, so :func:`check_output` refuses such a path before any
  grading and :func:`open_output` opens without ever blocking, and refuses anything
  that is not a regular file.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import stat
import unicodedata
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text

    from autograder.results import SubmissionResult

# An escape sequence is removed whole, not just its ESC: "\x1b[2J" must not leave "[2J".
# CSI (ESC [ or the C1 byte 0x9b) with its parameters; OSC, DCS, SOS, PM, APC strings up to
# their terminator (BEL or ST), or to the end when unterminated; any other two-byte ESC form.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)"
    r"|\x1b[ -/]*[0-~]?",
    re.DOTALL,
)
# Line breaks and tabs keep the words apart; every other control character just goes.
_SPACES = re.compile(r"[\t\n\r\x0b\x0c\x85\u2028\u2029]+")
# Bidirectional overrides and isolates reorder what a reader sees ("Trojan Source").
_BIDI = dict.fromkeys(map(ord, "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


class OutputError(Exception):
    """An output path cannot be written (one readable line)."""


def clean(text: object) -> str:
    """``text`` as a string without control characters, escape sequences or bidi overrides.

    Line breaks and tabs become one space. Lone surrogates (a file name that is not
    UTF-8) become ``\\udcXX`` so that printing them cannot raise UnicodeEncodeError.
    """
    text = str(text)
    if text.isprintable():  # the usual case: nothing to do
        return text
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    text = _SPACES.sub(" ", _ESCAPES.sub("", text))
    return "".join(ch for ch in text.translate(_BIDI) if unicodedata.category(ch) != "Cc")


def csv_cell(value: object) -> str:
    """A CSV cell a spreadsheet shows as text: cleaned, and quoted when it would be a formula."""
    text = clean(value)
    return "'" + text if text.lstrip().startswith(_FORMULA) else text


def plain(text: object, style: str = "") -> Text:
    """Cleaned text for Rich that is never read as markup (``[link=...]`` prints as itself)."""
    from rich.text import Text

    return Text(clean(text), style=style)


def isolation_line(isolation: dict | None) -> str:
    """One line about how the graded code was isolated, from the sandbox's record.

    ``{"requested": "strict", "level": "full", "layers": {"landlock": "ABI 7", ...},
    "missing": {}}`` reads ``isolation: full (namespaces, tmpfs, network, capabilities,
    landlock ABI 7, seccomp; --isolation strict)``; each missing layer is named with its
    reason. Empty when there is no record.
    """
    if not isolation:
        return ""
    if isolation.get("error"):
        return clean(f"isolation: none ({isolation['error']})")
    if isolation.get("level") == "off":
        return "isolation: off (--isolation off: student code ran with the grader's rights)"
    layers = isolation.get("layers") or {}
    named = [f"{name} {detail}" if name == "landlock" else name for name, detail in layers.items()]
    line = f"isolation: {isolation.get('level', 'unknown')} ({', '.join(named)}"
    if isolation.get("requested"):
        line += f"; --isolation {isolation['requested']}"
    line += ")"
    missing = isolation.get("missing") or {}
    if missing:
        line += "; missing: " + "; ".join(f"{name} ({why})" for name, why in dict(missing).items())
    return clean(line)


def scrub(results: list[SubmissionResult]) -> list[SubmissionResult]:
    """Copies of ``results`` with every name, message and flag passed through :func:`clean`.

    Every export starts from these, so no writer can forget a field. The store keeps
    what was graded untouched.
    """
    def item(r):
        tests = [dataclasses.replace(t, name=clean(t.name), message=clean(t.message),
                                     description=clean(t.description)) for t in r.tests]
        return dataclasses.replace(r, id=clean(r.id), message=clean(r.message), tests=tests,
                                   flags=[clean(f) for f in r.flags])

    return [dataclasses.replace(s, submission=clean(s.submission), items=[item(r) for r in s.items])
            for s in results]


def _kind(mode: int) -> str | None:
    """What a file is when it is not a regular file (``None`` when it is one)."""
    if stat.S_ISREG(mode):
        return None
    kinds = {stat.S_ISDIR: "a folder", stat.S_ISFIFO: "a FIFO (named pipe)", stat.S_ISCHR: "a character device",
             stat.S_ISBLK: "a block device", stat.S_ISSOCK: "a socket"}
    return next((name for test, name in kinds.items() if test(mode)), "not a regular file")


def not_regular(path: Path) -> str | None:
    """Why ``path`` (followed through symbolic links) is no place for a file, or ``None``.

    ``None`` also when nothing is there yet; a dangling symbolic link counts as nothing.
    """
    try:
        mode = Path(path).stat().st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        return exc.strerror or str(exc)
    return _kind(mode)


def check_output(path: Path | None) -> None:
    """Refuse, before any work, an output path that cannot be written as a regular file."""
    if path is None:
        return
    path = Path(path)
    if not path.parent.is_dir():
        raise OutputError(f"cannot write {clean(path)}: no such folder {clean(path.parent)}")
    problem = not_regular(path)
    if problem:
        raise OutputError(f"cannot write {clean(path)}: it is {problem}, not a regular file")


def open_output(path: Path, binary: bool = False) -> IO:
    """Open ``path`` for writing (truncated) without ever blocking.

    ``O_NONBLOCK`` makes opening a FIFO that nobody reads fail at once (ENXIO) instead
    of waiting for a reader; whatever opens is then checked to be a regular file before
    a byte is written, so a path swapped after :func:`check_output` is refused too.
    """
    path = Path(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        raise OutputError(f"cannot write {clean(path)}: {exc.strerror or exc}") from None
    try:
        problem = _kind(os.fstat(fd).st_mode)
        if problem:
            raise OutputError(f"cannot write {clean(path)}: it is {problem}, not a regular file")
        os.ftruncate(fd, 0)
        os.set_blocking(fd, True)
        stream = os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8", "newline": ""}))
    except BaseException:
        os.close(fd)
        raise
    return stream


def write_output(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through :func:`open_output`."""
    with open_output(path) as stream:
        stream.write(text)


def write_csv_rows(path: Path, rows: list[list[object]]) -> None:
    """A CSV file whose every cell went through :func:`csv_cell`."""
    import csv

    buffer = io.StringIO()
    csv.writer(buffer).writerows([[csv_cell(cell) for cell in row] for row in rows])
    write_output(path, buffer.getvalue())
