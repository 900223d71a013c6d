"""What a student may see of a result, when work is due, and what lateness costs.

The rules live in ``course.toml`` under ``[service]``: course-wide defaults, then a
``[service.sections.<id>]`` or ``[service.items.<id>]`` table for any key that differs
(an item's table wins over its section's, which wins over the defaults)::

    [service]
    feedback = "full"          # before the deadline: "full", "tests" or "score"
    attempts_per_hour = 10     # per student and item; the next one gets 429
    late = "penalty"           # after the deadline: "penalty" per started day, or "refuse"
    penalty_per_day = 0.1      # a fraction of the item's points

    [service.sections.auth]
    deadline = 2026-12-14T23:59:00Z
    feedback = "tests"

Before the deadline a student sees what ``feedback`` allows: every test with its message
(``full``), each test's name and outcome but no message (``tests``), or the item's score
alone (``score``). After the deadline every result is shown in full. An item that does
not load (a syntax error, an import that fails) says so in every mode: the message is
about the student's own file, not about the tests. Flags are for the instructor only.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path

from autograder.manifest import Course, Item
from autograder.paths import MANIFEST
from autograder.results import ItemResult

FEEDBACK = ("full", "tests", "score")
LATE = ("penalty", "refuse")


class PolicyError(ValueError):
    """course.toml's [service] tables say something the service cannot apply (one line)."""


@dataclass(frozen=True)
class Rules:
    """The rules of one item, after the course's, its section's and its own are merged."""

    feedback: str = "full"
    deadline: datetime | None = None
    late: str = "penalty"
    penalty_per_day: float = 0.0
    attempts_per_hour: int = 10

    def days_late(self, when: datetime) -> int:
        """Started days past the deadline at ``when`` (0 when on time or with no deadline)."""
        if self.deadline is None or when <= self.deadline:
            return 0
        return math.ceil((when - self.deadline).total_seconds() / 86400)

    def refuses(self, when: datetime) -> bool:
        return self.late == "refuse" and self.days_late(when) > 0

    def score(self, raw: float, days_late: int) -> float:
        """The score after the late penalty (never below 0)."""
        if days_late <= 0:
            return raw
        return round(max(0.0, raw * (1 - self.penalty_per_day * days_late)), 4)

    def shown(self, now: datetime) -> str:
        """The feedback level in force at ``now``: the policy's before the deadline, full after."""
        return "full" if self.deadline is not None and now > self.deadline else self.feedback

    def view(self, result: ItemResult, now: datetime, score: float | None = None) -> dict:
        """The result as the student may see it now (JSON), with the score after any penalty."""
        level = self.shown(now)
        data = {"id": result.id, "status": result.status, "score": result.score if score is None else score,
                "raw_score": result.score, "max_score": result.max_score, "feedback": level,
                "message": _about_the_file(result, level) if result.status != "graded" else ""}
        if level == "score":
            data["tests"] = []
        else:
            data["tests"] = [{"name": t.name, "status": t.status, "score": t.score, "max_score": t.max_score,
                              "message": t.message if level == "full" else ""} for t in result.tests]
        return data

    def to_json(self) -> dict:
        return {"feedback": self.feedback, "deadline": self.deadline.isoformat() if self.deadline else None,
                "late": self.late, "penalty_per_day": self.penalty_per_day,
                "attempts_per_hour": self.attempts_per_hour}


def _about_the_file(result: ItemResult, level: str) -> str:
    """The item's message; with the score alone, without the test it names ("test_x: the
    process running this test died"): the tests' names are what that level hides."""
    if level == "score":
        for test in result.tests:
            if result.message.startswith(f"{test.name}: "):
                return result.message[len(test.name) + 2:]
    return result.message


@dataclass(frozen=True)
class Policy:
    default: Rules
    sections: dict[str, dict]
    items: dict[str, dict]

    def rules(self, item: Item) -> Rules:
        merged = replace(self.default, **self.sections.get(item.section, {}))
        return replace(merged, **self.items.get(item.id, {}))


def _check(where: str, raw: dict) -> dict:
    """One [service] table's keys, validated; anything else is one clear error."""
    known = {f.name for f in fields(Rules)}
    raw = _check_table(where, raw)
    out: dict = {}
    for key, value in raw.items():
        if key not in known:
            raise PolicyError(f"course.toml: {where} has an unknown key {key!r} (known: {', '.join(sorted(known))})")
        if key == "feedback" and value not in FEEDBACK:
            raise PolicyError(f"course.toml: {where}.feedback must be one of {', '.join(FEEDBACK)}, not {value!r}")
        if key == "late" and value not in LATE:
            raise PolicyError(f"course.toml: {where}.late must be one of {', '.join(LATE)}, not {value!r}")
        if key == "deadline":
            if not isinstance(value, datetime) or value.tzinfo is None:
                raise PolicyError(f"course.toml: {where}.deadline must be a date and time with its zone, "
                                  "such as 2026-12-14T23:59:00Z")
            value = value.astimezone(UTC)
        if isinstance(value, bool) and key in ("penalty_per_day", "attempts_per_hour"):
            raise PolicyError(f"course.toml: {where}.{key} must be a number, not {value!r}")
        if key == "penalty_per_day" and not (isinstance(value, int | float) and 0 <= value <= 1):
            raise PolicyError(f"course.toml: {where}.penalty_per_day must be a fraction between 0 and 1")
        if key == "attempts_per_hour" and not (isinstance(value, int) and value >= 1):
            raise PolicyError(f"course.toml: {where}.attempts_per_hour must be a whole number, at least 1")
        out[key] = value
    return out


def parse(data: dict, course: Course) -> Policy:
    service = _check_table("[service]", data.get("service", {}))
    sections = _check_table("[service.sections]", service.pop("sections", {}))
    items = _check_table("[service.items]", service.pop("items", {}))
    default = Rules(**_check("[service]", service))
    known_sections = {s.id for s in course.sections}
    known_items = {i.id for i in course.items}
    for name in sections:
        if name not in known_sections:
            raise PolicyError(f"course.toml: [service.sections.{name}] names no section of the course")
    for name in items:
        if name not in known_items:
            raise PolicyError(f"course.toml: [service.items.{name}] names no item of the course")
    return Policy(default, {k: _check(f"[service.sections.{k}]", v) for k, v in sections.items()},
                  {k: _check(f"[service.items.{k}]", v) for k, v in items.items()})


def _check_table(where: str, value) -> dict:
    if not isinstance(value, dict):
        raise PolicyError(f"course.toml: {where} must be a table, not {value!r}")
    return dict(value)


def load(course: Course, path: Path = MANIFEST) -> Policy:
    return parse(tomllib.loads(path.read_text(encoding="utf-8")), course)
