"""The instructor's gradebook on disk: one SQLite row per (submission, item).

Grading hundreds of submissions takes a while, and a grader can be stopped at any
moment (Ctrl-C, a closed laptop, SIGKILL). Each item's result is committed the moment
it is graded, so nothing graded is ever lost, and the next run of the same command
grades only what is not in the store yet.

A row holds the result (the ItemResult JSON, tests' task numbers and descriptions
included, so every export made from the store matches one made from a fresh run), when
it was graded, the sha256 of the file the student submitted (``"missing"`` when there
was none) and the sha256 of the item's hidden suite. A stored result is reused only
when all of these match: a student who resubmits, or an author who fixes a suite, gets
that item graded again.

The database is in WAL mode, so ``workbook report`` can read it while a grader writes.
One connection is shared by the grading threads behind a lock (each write is a few
hundred bytes, next to an item that takes seconds to grade).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from autograder.manifest import Item
from autograder.paths import suite_file
from autograder.results import ItemResult, SubmissionResult

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


def result_json(result: ItemResult) -> str:
    """The item's JSON, keeping what ``to_json`` leaves out (task numbers, descriptions)."""
    data = result.to_json()
    data["tests"] = [asdict(t) for t in result.tests]
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


class Store:
    """A gradebook file. The connection opens at first use, so a command that fails
    earlier (a missing submission, an unknown item) leaves no file behind."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _connection(self) -> sqlite3.Connection:
        # Called with the lock held.
        if self._db is None:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    db.close()
                    raise StoreError(f"{self.path} was written by a newer workbook (gradebook version {version})")
                db.execute("PRAGMA journal_mode=WAL")
                db.execute(_SCHEMA)
                db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            except (sqlite3.Error, OSError) as exc:
                raise StoreError(f"cannot use {self.path} as a gradebook: {exc}") from None
            self._db = db
        return self._db

    def _run(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            db = self._connection()
            try:
                return db.execute(sql, args).fetchall()
            except sqlite3.Error as exc:
                raise StoreError(f"gradebook {self.path}: {exc}") from None

    def save(self, submission: str, fingerprint: str, suite: str, result: ItemResult,
             graded_at: datetime | None = None) -> None:
        """Record one item's result now (committed before this returns)."""
        when = (graded_at or datetime.now(timezone.utc)).isoformat(timespec="seconds")
        self._run("INSERT OR REPLACE INTO results (submission, item, fingerprint, suite, graded_at, result) "
                  "VALUES (?, ?, ?, ?, ?, ?)", (submission, result.id, fingerprint, suite, when, result_json(result)))

    def lookup(self, submission: str, item: str, fingerprint: str, suite: str) -> ItemResult | None:
        """The stored result, when it was graded from this very file with this very suite."""
        found = self._run("SELECT result FROM results WHERE submission = ? AND item = ? AND fingerprint = ? "
                          "AND suite = ?", (submission, item, fingerprint, suite))
        return ItemResult.from_json(json.loads(found[0][0])) if found else None

    def rows(self) -> list[Row]:
        found = self._run("SELECT submission, item, fingerprint, suite, graded_at, result FROM results "
                          "ORDER BY submission, item")
        return [Row(s, i, f, su, g, ItemResult.from_json(json.loads(r))) for s, i, f, su, g, r in found]

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
