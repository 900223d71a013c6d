"""The student's progress: one small JSON file that only the CLI writes.

It records, per item, the outcome of the last public check (with the hash of the file
it checked, so an edited file is never reported with a stale result, and the tasks
whose checks failed) and, per task, how many levels of its graduated hint the student
has already seen. Deleting the file resets progress; nothing else
depends on it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.paths import ROOT

if TYPE_CHECKING:
    from autograder.manifest import Item
    from autograder.student.check import CheckReport

VERSION = 1


def state_file() -> Path:
    return Path(os.environ.get("WORKBOOK_STATE") or ROOT / ".workbook" / "state.json")


def digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


class UnknownTask(ValueError):
    """A task number the item does not have (a front end shows the message)."""

    def __init__(self, item: Item, task: int) -> None:
        super().__init__(f"{item.id} has no task {task} (tasks 1 to {item.tasks})")


@dataclass
class CheckRecord:
    passed: bool
    score: float
    max_score: float
    sha256: str | None
    checked_at: str
    #: The tasks with a failing check; None when unknown (the file did not import, or
    #: the record predates this field), which counts every task as unfinished.
    failed_tasks: list[int] | None = None


@dataclass(frozen=True)
class Reveal:
    """One hint shown: which task, which level of how many, and its text."""

    task: int
    level: int
    levels: int
    text: str
    #: True when this level was the last and had already been shown: the student asked
    #: for more than there is, and is told so instead of starting over silently.
    exhausted: bool = False

    @property
    def last(self) -> bool:
        return self.level == self.levels


@dataclass
class State:
    checks: dict[str, CheckRecord] = field(default_factory=dict)
    #: item id -> task number (as a string, JSON keys are strings) -> levels shown
    hints_seen: dict[str, dict[str, int]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> State:
        try:
            data = json.loads(state_file().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if data.get("version") != VERSION:
            return cls()
        checks = {k: CheckRecord(**v) for k, v in data.get("checks", {}).items()}
        # A count per item (the first edition's format) is dropped: it said nothing of levels.
        seen = {item: {str(task): int(n) for task, n in tasks.items()}
                for item, tasks in data.get("hints_seen", {}).items() if isinstance(tasks, dict)}
        return cls(checks=checks, hints_seen=seen)

    def save(self) -> None:
        """Write atomically: a crash never leaves half a file."""
        path = state_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"version": VERSION, "checks": {k: asdict(v) for k, v in self.checks.items()},
                "hints_seen": self.hints_seen}
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".state-")
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            json.dump(data, stream, indent=2)
        os.replace(tmp, path)

    def record_check(self, item_id: str, file: Path, passed: bool, score: float, max_score: float,
                     failed_tasks: list[int] | None = None) -> None:
        self.checks[item_id] = CheckRecord(passed, score, max_score, digest(file),
                                           datetime.now(UTC).isoformat(timespec="seconds"), failed_tasks)

    def record_report(self, report: CheckReport) -> None:
        """Record a public check's outcome, with the tasks it found unfinished."""
        result = report.result
        failed = (sorted({t.task for t in result.tests if t.status != "passed" and t.task})
                  if result.status == "graded" and result.tests else None)
        self.record_check(report.item.id, report.file, report.passed, result.score,
                          sum(t.max_score for t in result.tests), failed)

    def is_current(self, item_id: str, file: Path) -> bool:
        record = self.checks.get(item_id)
        return record is not None and record.sha256 == digest(file)

    def unfinished_tasks(self, item: Item, file: Path) -> list[int]:
        """The tasks the last check of this very file failed; every task when that check
        is unknown (none yet, the file changed since, or it did not import)."""
        record = self.checks.get(item.id)
        if record is None or record.sha256 != digest(file) or record.failed_tasks is None:
            return list(range(1, item.tasks + 1))
        return [] if record.passed else [t for t in record.failed_tasks if 1 <= t <= item.tasks]

    def next_hint(self, item: Item, task: int) -> Reveal:
        """The next level of one task's hint, and remember it was shown. After the last
        level the last one is shown again, marked ``exhausted``: no silent wrap-around."""
        levels = item.levels(task)
        if not levels:
            raise UnknownTask(item, task)
        seen = self.hints_seen.setdefault(item.id, {})
        shown = seen.get(str(task), 0)
        level = min(shown + 1, len(levels))
        seen[str(task)] = level
        return Reveal(task, level, len(levels), levels[level - 1], exhausted=shown >= len(levels))


def remember(reports: Iterable[CheckReport], state: State | None = None) -> State:
    """Record public checks in the progress file (``state``, or the one on disk) and save it.

    Every front end records its checks here (``workbook check``, ``check()`` in a
    notebook, the progress view's re-checks). A progress file that cannot be written
    never fails a check: the student still gets the report.
    """
    state = state if state is not None else State.load()
    for report in reports:
        state.record_report(report)
    try:
        state.save()
    except OSError:
        pass
    return state
