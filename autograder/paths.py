"""Where the course's trees live.

The package sits inside the course repository (``<root>/autograder``), so the
exercises, solutions and notebooks are found next to it. ``WORKBOOK_ROOT`` points the
CLI at another copy of the course, such as an unpacked student bundle.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("WORKBOOK_ROOT") or PACKAGE.parent).resolve()
# Course content, beside the suites and apart from the grader's modules: the manifest, the
# suites, the audit's equivalents and baseline.
COURSE = PACKAGE / "course"
MANIFEST = COURSE / "course.toml"
SUITES = COURSE / "suites"
EXERCISES = ROOT / "exercises"
SOLUTIONS = ROOT / "solutions"
NOTEBOOKS = ROOT / "notebooks"
LESSON_SOURCES = NOTEBOOKS / "src"
SAMPLES = ROOT / "samples"


def suite_file(item_id: str, kind: str) -> Path:
    """The public or hidden pytest suite of an item."""
    if kind not in ("public", "hidden"):
        raise ValueError(f"suite kind must be 'public' or 'hidden', not {kind!r}")
    return SUITES / kind / f"test_{item_id}.py"
