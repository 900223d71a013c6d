"""The student's progress: one small JSON file that only the CLI writes.

It records, per item, the outcome of the last public check (with the hash of the file
it checked, so an edited file is never reported with a stale result) and how many
hints the student has already seen. Deleting the file resets progress; nothing else
depends on it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from autograder.paths import ROOT

VERSION = 1


def state_file() -> Path:
    return Path(os.environ.get("WORKBOOK_STATE") or ROOT / ".workbook" / "state.json")


def digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@dataclass
class CheckRecord:
    passed: bool
    score: float
    max_score: float
    sha256: str | None
    checked_at: str


@dataclass
class State:
    checks: dict[str, CheckRecord] = field(default_factory=dict)
    hints_seen: dict[str, int] = field(default_factory=dict)

    @classmethod
    def load(cls) -> State:
        try:
            data = json.loads(state_file().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if data.get("version") != VERSION:
            return cls()
        checks = {k: CheckRecord(**v) for k, v in data.get("checks", {}).items()}
        return cls(checks=checks, hints_seen=dict(data.get("hints_seen", {})))

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

    def record_check(self, item_id: str, file: Path, passed: bool, score: float, max_score: float) -> None:
        self.checks[item_id] = CheckRecord(passed, score, max_score, digest(file),
                                           datetime.now(UTC).isoformat(timespec="seconds"))

    def is_current(self, item_id: str, file: Path) -> bool:
        record = self.checks.get(item_id)
        return record is not None and record.sha256 == digest(file)

    def next_hint(self, item_id: str, available: int) -> int:
        """The number (1-based) of the next hint to show, cycling after the last."""
        seen = self.hints_seen.get(item_id, 0)
        number = seen % available + 1 if available else 0
        self.hints_seen[item_id] = seen + 1
        return number
