"""Correct answers other than the reference earn full marks, and known defects lose points.

A suite is unfair when a correct answer that differs from the reference in a way the
task leaves open (a constant the stub never fixes, the library's default work factor,
the FastAPI version installed) loses points. Each case here is a submission graded
with the item's hidden suite, with the score it must get:

- files in ``tests/data/variants/`` (named ``<item id>__<what differs>.py``), which
  start with ``# expected: N/M`` and ``# why: ...``, as in ``tests/data/source_answers``;
- variants derived from the reference solution by one textual change (so they follow
  the solution when it changes): a different ``FETCH_DELAY``, the reference run
  against ``APIKeyHeader`` as FastAPI 0.115 to 0.121 shipped it (full marks), and the
  capstone with its password hashing back on the event loop (which must lose exactly
  the two checks written for it).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograder.paths import SOLUTIONS
from autograder.sandbox import engine
from tests.conftest import COURSE, SLOW_MACHINE

DATA = Path(__file__).parents[1] / "data" / "variants"
FILES = sorted(DATA.glob("*.py"))
HEADER = re.compile(r"^# expected: (?P<score>[\d.]+)/(?P<points>[\d.]+)\n# why: (?P<why>.+)\n")

# APIKeyHeader as FastAPI shipped it before 0.122: a missing key answered 403 by itself.
# Put before the reference solution, it makes `from fastapi.security import APIKeyHeader`
# get that behaviour, so the item's contract is shown not to depend on the version.
OLD_API_KEY_HEADER = '''
import fastapi.security as _security
from fastapi import HTTPException as _HTTPException
from starlette.requests import Request as _Request


class _APIKeyHeaderBefore0122(_security.APIKeyHeader):
    async def __call__(self, request: _Request):
        key = request.headers.get(self.model.name)
        if not key:
            if self.auto_error:
                raise _HTTPException(status_code=403, detail="Not authenticated")
            return None
        return key


_security.APIKeyHeader = _APIKeyHeaderBefore0122
'''

# name -> (item, the change, the hidden tests that must fail: none for a correct variant).
DERIVED = {
    # async07's stub never says FETCH_DELAY is fixed; the suites set their own anyway.
    "async07_await__own_fetch_delay": ("async07_await", lambda text: text.replace(
        "FETCH_DELAY = 0.5", "FETCH_DELAY = 0.2", 1), set()),
    "secure04_api_keys__fastapi_before_0_122": ("secure04_api_keys", lambda text: OLD_API_KEY_HEADER + text, set()),
    # The capstone as it was first written: Argon2 straight inside the async routes.
    "capstone_task_api__hashing_on_the_loop": ("capstone_task_api", lambda text: text.replace(
        "await run_in_threadpool(hash_password, password)", "hash_password(password)", 1).replace(
        "await run_in_threadpool(verify_password, credentials.password, stored)",
        "verify_password(credentials.password, stored)", 1),
        {"test_registration_hashes_off_the_event_loop", "test_login_verifies_off_the_event_loop"}),
}


def grade(item_id: str, text: str, folder: Path):
    item = COURSE.item(item_id)
    copy = folder / item.filename
    copy.write_text(text, encoding="utf-8")
    return item, engine.grade_item(item, copy, "hidden", SLOW_MACHINE)


def failures(result) -> list[tuple[str, str, str]]:
    return [(t.name, t.status, t.message) for t in result.tests if t.status != "passed"]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_variant_scores_as_stated(path, tmp_path):
    text = path.read_text(encoding="utf-8")
    header = HEADER.match(text)
    assert header, f"{path.name} must start with '# expected: N/M' and '# why: ...'"
    item, result = grade(path.stem.split("__")[0], text, tmp_path)
    assert float(header["points"]) == item.points
    assert result.score == float(header["score"]), failures(result)


@pytest.mark.parametrize("name", sorted(DERIVED))
def test_derived_variant_of_the_solution_scores_as_expected(name, tmp_path):
    item_id, change, must_fail = DERIVED[name]
    solution = (SOLUTIONS / f"{item_id}.py").read_text(encoding="utf-8")
    variant = change(solution)
    assert variant != solution, f"{name}: the change no longer applies to the solution"
    item, result = grade(item_id, variant, tmp_path)
    assert result.status == "graded", result.message
    assert {t.name for t in result.tests if t.status != "passed"} == must_fail, failures(result)
    assert result.score == item.points - sum(t.max_score for t in result.tests if t.name in must_fail)
