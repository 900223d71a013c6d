"""The fixture the student's tools are tested with: an item whose hints have every level.

The manifest's hints are one, two or three levels; these tests need three per task, known
in advance. Used by the hints', the notebook's and the check's tests.
"""

from __future__ import annotations

import dataclasses

import pytest

from autograder import manifest
from tests.conftest import COURSE

ITEM = COURSE.item("async01_why_async")
GRADUATED = ("the idea of task {n}", "the API of task {n}", "the code of task {n}")


@pytest.fixture
def graduated(monkeypatch):
    """The async01 item with a three-level hint per task, in place of the manifest's."""
    item = dataclasses.replace(ITEM, hints=tuple(tuple(level.format(n=n) for level in GRADUATED)
                                                  for n in range(1, ITEM.tasks + 1)))
    course = dataclasses.replace(COURSE, items=tuple(item if i.id == ITEM.id else i for i in COURSE.items))
    monkeypatch.setattr(manifest, "load", lambda *args: course)
    return item
