"""The sources' own answers, rewritten as submissions, score what the plan says.

Each file in ``tests/data/source_answers`` makes exactly the mistake its source makes
(a 200 with an error body, ``except jwt.JWTError``, ``Depends(Security(...))``...) and
states on its first lines the score it must get: less than full where the source is
wrong, and the points it earns where it is right.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograder.sandbox import engine
from tests.conftest import COURSE, SLOW_MACHINE

DATA = Path(__file__).parents[1] / "data" / "source_answers"
FILES = sorted(DATA.glob("*.py"))
HEADER = re.compile(r"^# expected: (?P<score>[\d.]+)/(?P<points>[\d.]+)\n# why: (?P<why>.+)\n")


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_source_answer_scores_as_stated(path, tmp_path):
    header = HEADER.match(path.read_text(encoding="utf-8"))
    assert header, f"{path.name} must start with '# expected: N/M' and '# why: ...'"
    item = COURSE.item(path.stem)
    assert float(header["points"]) == item.points
    copy = tmp_path / item.filename
    copy.write_bytes(path.read_bytes())
    result = engine.grade_item(item, copy, "hidden", SLOW_MACHINE)
    assert result.score == float(header["score"]), [(t.name, t.status, t.message) for t in result.tests]
