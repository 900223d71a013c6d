"""The results model and its JSON form, the one every writer and the gradebook store use.

``version`` changes only when a field changes meaning; readers of version 1 can rely on
the shape documented in the README. That shape leaves out each test's task number and
description; the store keeps them (``detail=True``), so that every export made from a
stored result (the HTML report, Gradescope's tests) matches one made from a fresh run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

VERSION = 1

TestStatus = Literal["passed", "failed", "error", "timeout"]
ItemStatus = Literal["graded", "missing", "import_error", "timeout", "crashed"]


@dataclass
class TestResult:
    name: str
    score: float
    max_score: float
    status: TestStatus
    message: str = ""
    task: int | None = None
    description: str = ""

    def to_json(self, detail: bool = False) -> dict:
        """The test as JSON; its task and description only with ``detail`` (see the module docstring)."""
        return {k: v for k, v in asdict(self).items() if detail or k not in ("task", "description")}


@dataclass
class ItemResult:
    id: str
    score: float
    max_score: float
    status: ItemStatus
    message: str = ""
    tests: list[TestResult] = field(default_factory=list)
    # What the grader caught the code doing ("reads the hidden suite", "canary passed"...):
    # an instructor reviews a flagged item; a flag never raises a score.
    flags: list[str] = field(default_factory=list)

    @classmethod
    def from_tests(cls, item_id: str, max_score: float, tests: list[TestResult], status: ItemStatus = "graded",
                   message: str = "", flags: list[str] | None = None) -> ItemResult:
        score = round(sum(t.score for t in tests), 4)
        return cls(item_id, score, max_score, status, message, tests, list(flags or []))

    @classmethod
    def missing(cls, item_id: str, max_score: float, message: str) -> ItemResult:
        """No file to grade, and why: the caller that knows the reason says it, once."""
        return cls(item_id, 0, max_score, "missing", message)

    def to_json(self, detail: bool = False) -> dict:
        """The item as JSON; each test's task and description only with ``detail`` (the store's form)."""
        data = asdict(self)
        data["tests"] = [t.to_json(detail) for t in self.tests]
        return data

    @classmethod
    def from_json(cls, data: dict) -> ItemResult:
        """Either form back (a test's task and description are read when present)."""
        tests = [TestResult(**{k: v for k, v in t.items() if k in TestResult.__dataclass_fields__})
                 for t in data.get("tests", [])]
        return cls(data["id"], data["score"], data["max_score"], data["status"], data.get("message", ""), tests,
                   list(data.get("flags", [])))


@dataclass
class SubmissionResult:
    submission: str
    items: list[ItemResult] = field(default_factory=list)

    @property
    def score(self) -> float:
        return round(sum(i.score for i in self.items), 4)

    @property
    def max_score(self) -> float:
        return round(sum(i.max_score for i in self.items), 4)

    @property
    def flags(self) -> list[str]:
        return [f"{i.id}: {flag}" for i in self.items for flag in i.flags]

    def item(self, item_id: str) -> ItemResult | None:
        return next((i for i in self.items if i.id == item_id), None)

    def to_json(self) -> dict:
        return {
            "submission": self.submission,
            "score": self.score,
            "max_score": self.max_score,
            "items": [i.to_json() for i in self.items],
        }


def gradebook_json(submissions: list[SubmissionResult], isolation: dict | None = None) -> dict:
    """The results JSON. ``isolation``, the engine's record of how the code was isolated
    (level, mechanisms, what is missing), is a top-level key only when there is one."""
    data: dict = {"version": VERSION, "submissions": [s.to_json() for s in submissions]}
    if isolation is not None:
        data["isolation"] = isolation
    return data
