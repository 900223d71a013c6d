"""The instructor's gradebook on disk: one SQLite row per (submission, item).

Grading hundreds of submissions takes a while, and a grader can be stopped at any
moment (Ctrl-C, a closed laptop, SIGKILL). Each item's result is committed the moment
it is graded, so nothing graded is ever lost, and the next run of the same command
grades only what is not in the store yet.

A row holds the result (:meth:`ItemResult.to_json` with ``detail``: tests' task numbers
and descriptions included, so every export made from the store matches one made from a
fresh run), when
it was graded, the sha256 of the file the student submitted (``"missing"`` when there
was none) and the sha256 of the item's hidden suite. A stored result is reused only
when all of these match: a student who resubmits, or an author who fixes a suite, gets
that item graded again.

The database is in WAL mode, so ``workbook report`` can read it while a grader writes.
One connection is shared by the grading threads behind a lock (each write is a few
hundred bytes, next to an item that takes seconds to grade).

A gradebook is a file anyone may hand the instructor, so it is checked before use: it
must hold exactly what this module creates (the ``results`` table with its columns and
the index of its primary key). A trigger would rewrite every score saved; a view, a
stray index, table or column has no business there; each is refused with one line.
Two graders on one gradebook would both grade and overwrite each other's rows: a
writer holds an advisory lock (``flock`` on ``<gradebook>.lock``) from the moment it
opens the database until it closes, and a second writer is refused while it is held.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from autograder.manifest import Item
from autograder.paths import suite_file
from autograder.results import ItemResult, SubmissionResult
from autograder.safe import clean, not_regular

SCHEMA_VERSION = 1
MISSING = "missing"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    submission  TEXT NOT NULL,
    item        TEXT NOT NULL,
    fingerprint TEXT NOT NULL,  -- sha256 of the submitted file, or 'missing'
    suite       TEXT NOT NULL,  -- sha256 of the item's hidden suite
    graded_at   TEXT NOT NULL,  -- ISO 8601, UTC
    result      TEXT NOT NULL,  -- the ItemResult as JSON
    PRIMARY KEY (submission, item)
)
"""
# What sqlite_master holds in a gradebook, and nothing else: the table and the index
# SQLite makes for its primary key.
_OBJECTS = {("table", "results", "results"), ("index", "sqlite_autoindex_results_1", "results")}
# PRAGMA table_xinfo: (name, declared type, not null, default, primary-key position, hidden).
_COLUMNS = [("submission", "TEXT", 1, None, 1, 0), ("item", "TEXT", 1, None, 2, 0),
            ("fingerprint", "TEXT", 1, None, 0, 0), ("suite", "TEXT", 1, None, 0, 0),
            ("graded_at", "TEXT", 1, None, 0, 0), ("result", "TEXT", 1, None, 0, 0)]


class StoreError(Exception):
    """The gradebook file cannot be used (one readable line)."""


@dataclass(frozen=True)
class Row:
    submission: str
    item: str
    fingerprint: str
    suite: str
    graded_at: str
    result: ItemResult


def fingerprint(path: Path | None) -> str:
    """The sha256 of a submitted file's bytes, or ``"missing"``."""
    if path is None:
        return MISSING
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def suite_fingerprint(item: Item) -> str:
    """The sha256 of the item's hidden suite (``"missing"`` in a bundle without one)."""
    suite = suite_file(item.id, "hidden")
    return fingerprint(suite) if suite.is_file() else MISSING


def _dumps(result: ItemResult) -> str:
    """A row's ``result`` column: the result's JSON form with its details, keys sorted."""
    return json.dumps(result.to_json(detail=True), ensure_ascii=False, sort_keys=True)


def _loads(text: str) -> ItemResult:
    return ItemResult.from_json(json.loads(text))


def lock_path(path: Path) -> Path:
    """The lock file beside a gradebook (a separate file: SQLite's own locks come and go)."""
    path = Path(path)
    return path.with_name(path.name + ".lock")


def _take_lock(path: Path) -> int:
    """Hold the gradebook's advisory lock; refuse at once when another run holds it.

    The descriptor is the lock: closing it (or the process ending, even by SIGKILL)
    releases it, so a crashed grader never leaves a gradebook locked.
    """
    target = lock_path(path)
    try:
        fd = os.open(target, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise StoreError(f"cannot use {clean(path)} as a gradebook: cannot open its lock file {clean(target)}: "
                         f"{exc.strerror or exc}") from None
    try:
        if not_regular(target):
            raise StoreError(f"cannot use {clean(path)} as a gradebook: its lock file {clean(target)} is not a "
                             "regular file")
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            raise StoreError(f"{clean(path)} is in use by another run of `workbook grade`; wait for it to finish "
                             "(or give this run another --db)") from None
        raise StoreError(f"cannot lock {clean(target)}: {exc.strerror or exc}") from None
    except BaseException:
        os.close(fd)
        raise
    return fd


def _verify(db: sqlite3.Connection, path: Path) -> None:
    """Refuse a database holding anything this module does not create (a trigger, a view...)."""
    found = set(db.execute("SELECT type, name, tbl_name FROM sqlite_master").fetchall())
    if not found:
        return  # a new gradebook
    extra = sorted(found - _OBJECTS)
    if extra:
        kind, name, _ = extra[0]
        more = f" (and {len(extra) - 1} more)" if len(extra) > 1 else ""
        raise StoreError(f"{clean(path)} is not a gradebook this workbook wrote: it holds the {kind} {clean(name)!r}"
                         f"{more}, which a gradebook never has; refusing to use it")
    if found != _OBJECTS:
        raise StoreError(f"{clean(path)} is not a gradebook this workbook wrote: its results table is missing")
    columns = [tuple(row) for row in db.execute("PRAGMA table_xinfo(results)").fetchall()]
    if [c[1:] for c in columns] != _COLUMNS:
        names = ", ".join(clean(c[1]) for c in columns)
        raise StoreError(f"{clean(path)} is not a gradebook this workbook wrote: its results table has other "
                         f"columns ({names})")


class Store:
    """A gradebook file. The connection opens at first use, so a command that fails
    earlier (a missing submission, an unknown item) leaves no file behind.

    A ``writer`` (``workbook grade``) holds the gradebook's lock while open; a reader
    (``workbook report``) takes none, as WAL lets it read while a grader writes.
    """

    def __init__(self, path: Path, writer: bool = True) -> None:
        self.path = Path(path)
        self.writer = writer
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._lock_fd: int | None = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None

    def open(self) -> None:
        """Open (and, for a writer, lock) the gradebook now: a run calls this before it grades
        anything, so that a busy or forged gradebook stops it before any work is done."""
        with self._lock:
            self._connection()

    def _connection(self) -> sqlite3.Connection:
        # Called with the lock held.
        if self._db is None:
            problem = not_regular(self.path)
            if problem:
                raise StoreError(f"cannot use {clean(self.path)} as a gradebook: it is {problem}")
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot use {clean(self.path)} as a gradebook: {exc}") from None
            if self.writer and self._lock_fd is None:
                self._lock_fd = _take_lock(self.path)
            db = None
            try:
                db = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
                # Nothing in a schema may call functions with side effects, even before it is verified.
                db.execute("PRAGMA trusted_schema=OFF")
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise StoreError(f"{clean(self.path)} was written by a newer workbook (gradebook version "
                                     f"{version})")
                _verify(db, self.path)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(_SCHEMA)
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            except (sqlite3.Error, OSError, StoreError) as exc:
                if db is not None:
                    db.close()
                if self._lock_fd is not None:
                    os.close(self._lock_fd)
                    self._lock_fd = None
                if isinstance(exc, StoreError):
                    raise
                raise StoreError(f"cannot use {clean(self.path)} as a gradebook: {clean(exc)}") from None
            self._db = db
        return self._db

    def _run(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            db = self._connection()
            try:
                return db.execute(sql, args).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"gradebook {clean(self.path)}: {clean(exc)}") from None

    def save(self, submission: str, fingerprint: str, suite: str, result: ItemResult,
             graded_at: datetime | None = None) -> None:
        """Record one item's result now (committed before this returns)."""
        when = (graded_at or datetime.now(UTC)).isoformat(timespec="seconds")
        self._run("INSERT OR REPLACE INTO results (submission, item, fingerprint, suite, graded_at, result) "
                  "VALUES (?, ?, ?, ?, ?, ?)", (submission, result.id, fingerprint, suite, when, _dumps(result)))

    def lookup(self, submission: str, item: str, fingerprint: str, suite: str) -> ItemResult | None:
        """The stored result, when it was graded from this very file with this very suite."""
        found = self._run("SELECT result FROM results WHERE submission = ? AND item = ? AND fingerprint = ? "
                          "AND suite = ?", (submission, item, fingerprint, suite))
        return _loads(found[0][0]) if found else None

    def rows(self) -> list[Row]:
        found = self._run("SELECT submission, item, fingerprint, suite, graded_at, result FROM results "
                          "ORDER BY submission, item")
        return [Row(s, i, f, su, g, _loads(r)) for s, i, f, su, g, r in found]

    def __len__(self) -> int:
        return self._run("SELECT count(*) FROM results")[0][0]

    def results(self, items: list[Item]) -> list[SubmissionResult]:
        """Every stored submission (by name), with its results for ``items`` in course order."""
        order = {item.id: k for k, item in enumerate(items)}
        by_name: dict[str, SubmissionResult] = {}
        for row in self.rows():
            submission = by_name.setdefault(row.submission, SubmissionResult(row.submission))
            if row.item in order:
                submission.items.append(row.result)
        for submission in by_name.values():
            submission.items.sort(key=lambda r: order[r.id])
        return [s for s in by_name.values() if s.items]
