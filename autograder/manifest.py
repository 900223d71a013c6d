"""The course manifest (``course.toml``) as typed objects.

Every listing in the workbook reads the manifest through this module, so the order of
items, their titles, points and hints are written down exactly once.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from autograder.paths import MANIFEST


@dataclass(frozen=True)
class Source:
    """Where an item comes from in the seed documents."""

    document: str
    section: str
    question: int | None = None
    part: str | None = None

    def __str__(self) -> str:
        where = f"{self.document}, {self.section}"
        if self.question is not None:
            where += f", Q{self.question}"
        if self.part:
            where += f" ({self.part})"
        return where


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    document: str


@dataclass(frozen=True)
class Item:
    """One course item: a lesson, an exercise, a solution, public and hidden suites."""

    id: str
    title: str
    section: str
    points: int
    source: Source
    hints: tuple[str, ...]

    @property
    def filename(self) -> str:
        return f"{self.id}.py"

    def hint(self, task: int | None) -> str:
        """The hint of a numbered task, or the first hint when the task is unknown."""
        if not self.hints:
            return ""
        if task is None or not 1 <= task <= len(self.hints):
            return self.hints[0]
        return self.hints[task - 1]


@dataclass(frozen=True)
class Course:
    sections: tuple[Section, ...]
    items: tuple[Item, ...]

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise UnknownItem(item_id)

    def select(self, ids: list[str] | None) -> list[Item]:
        """The items named in ``ids`` (course order kept), or all of them."""
        if not ids:
            return list(self.items)
        wanted = {self.item(i).id for i in ids}
        return [item for item in self.items if item.id in wanted]

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)


class UnknownItem(LookupError):
    def __init__(self, item_id: str) -> None:
        super().__init__(f"unknown item {item_id!r} (`workbook list` shows the items)")
        self.item_id = item_id


def parse(text: str) -> Course:
    data = tomllib.loads(text)
    sections = tuple(Section(**s) for s in data.get("sections", []))
    known = {s.id for s in sections}
    items = []
    seen: set[str] = set()
    for raw in data.get("items", []):
        raw = dict(raw)
        if raw["id"] in seen:
            raise ValueError(f"course.toml: item {raw['id']!r} is listed twice")
        if raw["section"] not in known:
            raise ValueError(f"course.toml: item {raw['id']!r} names unknown section {raw['section']!r}")
        seen.add(raw["id"])
        raw["source"] = Source(**raw["source"])
        raw["hints"] = tuple(raw.get("hints", ()))
        items.append(Item(**raw))
    return Course(sections=sections, items=tuple(items))


@cache
def load(path: Path = MANIFEST) -> Course:
    return parse(path.read_text(encoding="utf-8"))
