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

#: The ``document`` of an item that goes beyond the seed documents; its ``section``
#: names the topic, and it has no question or part to point at.
BEYOND = "beyond the sources"


@dataclass(frozen=True)
class Source:
    """Where an item comes from in the seed documents (or that it goes beyond them)."""

    document: str
    section: str
    question: int | None = None
    part: str | None = None

    @property
    def beyond(self) -> bool:
        """True for an item the course adds to its sources: there is no text to correct."""
        return self.document == BEYOND

    def __str__(self) -> str:
        if self.beyond:
            return f"{BEYOND}: {self.section}"
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
    #: One entry per numbered task; each entry is the task's graduated hint, from the
    #: idea, through the API, to code (the last level). A manifest string is one level.
    hints: tuple[tuple[str, ...], ...]

    @property
    def filename(self) -> str:
        return f"{self.id}.py"

    @property
    def tasks(self) -> int:
        """How many numbered tasks the item has (one hint entry per task)."""
        return len(self.hints)

    def levels(self, task: int) -> tuple[str, ...]:
        """Every level of a task's hint, the gentlest first (empty for an unknown task)."""
        return self.hints[task - 1] if 1 <= task <= len(self.hints) else ()

    def hint(self, task: int | None) -> str:
        """What a failing check shows: the *first* level of its task's hint, so that the
        student meets the idea before the API or the code (the first task's when the
        task is unknown)."""
        if not self.hints:
            return ""
        if task is None or not 1 <= task <= len(self.hints):
            task = 1
        return self.hints[task - 1][0]


@dataclass(frozen=True)
class Course:
    sections: tuple[Section, ...]
    items: tuple[Item, ...]

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise UnknownItem(item_id)

    def select(self, ids: list[str] | None, sections: list[str] | None = None) -> list[Item]:
        """The items named in ``ids`` and every item of ``sections`` (course order kept), or
        all of them when neither names anything: an assignment is a week's section, give
        or take an item, so the two add up rather than narrow each other."""
        if not ids and not sections:
            return list(self.items)
        wanted = {self.item(i).id for i in ids or ()}
        chosen = {self.section(s).id for s in sections or ()}
        return [item for item in self.items if item.id in wanted or item.section in chosen]

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise UnknownSection(section_id, [s.id for s in self.sections])


class UnknownItem(LookupError):
    def __init__(self, item_id: str) -> None:
        super().__init__(f"unknown item {item_id!r} (`workbook list` shows the items)")
        self.item_id = item_id


class UnknownSection(LookupError):
    """A section id the manifest does not have; the message names the ones it has (few)."""

    def __init__(self, section_id: str, known: list[str]) -> None:
        super().__init__(f"unknown section {section_id!r} (sections: {', '.join(known)})")
        self.section_id = section_id


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
        raw["source"] = _source(raw["id"], raw["source"], {s.document for s in sections})
        raw["hints"] = tuple(_levels(raw["id"], n, entry) for n, entry in enumerate(raw.get("hints", ()), start=1))
        items.append(Item(**raw))
    return Course(sections=sections, items=tuple(items))


def _source(item_id: str, raw: dict, documents: set[str]) -> Source:
    """A source names a document the sections name, or says the item goes beyond them."""
    source = Source(**raw)
    if source.beyond:
        if source.question is not None or source.part is not None:
            raise ValueError(f"course.toml: item {item_id!r} goes beyond the sources: "
                             "its source names a topic (section) only, no question or part")
    elif documents and source.document not in documents:
        raise ValueError(f"course.toml: item {item_id!r} names unknown document {source.document!r} "
                         f"(known: {sorted(documents)}, or {BEYOND!r})")
    if not source.section.strip():
        raise ValueError(f"course.toml: item {item_id!r} has a source without a section or topic")
    return source


def _levels(item_id: str, task: int, entry: str | list[str]) -> tuple[str, ...]:
    """A task's hint as levels: a string is one level, a list holds 2 or 3 graduated ones."""
    if isinstance(entry, str):
        return (entry,)
    if (not isinstance(entry, list) or not 2 <= len(entry) <= 3
            or not all(isinstance(level, str) and level.strip() for level in entry)):
        raise ValueError(f"course.toml: item {item_id!r}, hint {task}: a hint is a string or a list of "
                         "2 or 3 non-empty strings (the idea, the API, then the code)")
    return tuple(entry)


@cache
def load(path: Path = MANIFEST) -> Course:
    return parse(path.read_text(encoding="utf-8"))
