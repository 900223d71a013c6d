"""The hostile corpus: broken and malicious submissions, graded in one run with honest ones.

Each file in ``tests/data/hostile`` is a snippet that goes into the async01 solution or
stub, at import or inside the route for one user (``user_id == 7``, which exactly one
hidden test, worth 2 points, asks for). Its first line states the exact score, the
item's status and the flag it must get; the second says why. A few cases are about the
submission itself (a zip bomb, a symlink out, an odd name) and are made here.

All of them are graded in a single ``grading.grade`` run, two workers in parallel, with
three honest submissions among them: every case must get exactly what it states, and the
honest ones their full marks, so no case costs anyone but its author.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from autograder import grading
from autograder.engine import Limits
from autograder.paths import EXERCISES, SOLUTIONS
from tests.conftest import COURSE

ITEM = COURSE.item("async01_why_async")
CORPUS = Path(__file__).parent / "data" / "hostile"
CASES = sorted(CORPUS.glob("*.py"))
HEADER = re.compile(r"^# expected: (?P<score>[\d.]+)/(?P<points>[\d.]+) status=(?P<status>\w+) base=(?P<base>\w+) "
                    r"where=(?P<where>\w+)(?: flags=(?P<flag>.+))?\n# why: (?P<why>.+)\n")
BASES = {"solution": (SOLUTIONS / ITEM.filename).read_text(encoding="utf-8"),
         "stub": (EXERCISES / ITEM.filename).read_text(encoding="utf-8")}
APP = "app = FastAPI()\n"
HANDLER = "async def dashboard(user_id: int = 1) -> dict:\n"
TARGET = Path("/tmp/workbook-hostile-target.txt")  # what delete_outside and write_outside aim at
# Short enough to keep the run quick, long enough for a loaded 2-core machine.
LIMITS = Limits(test=5, import_=8, item=120)
HONEST = ("honest-1", "honest-2", "honest-3")
ODD_NAME = "ünï côde's ; $(rm -rf ~) name"


def submission_text(case: Path) -> tuple[re.Match, str]:
    text = case.read_text(encoding="utf-8")
    header = HEADER.match(text)
    assert header, f"{case.name} must start with '# expected: N/M status=... base=... where=...' and '# why: ...'"
    snippet = text[header.end():]
    base = BASES[header["base"]]
    if header["where"] == "import":
        return header, base.replace(APP, f"{APP}{snippet}\n", 1)
    body = "".join(f"        {line}\n" for line in snippet.splitlines())
    return header, base.replace(HANDLER, f"{HANDLER}    if user_id == 7:\n{body}", 1)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    TARGET.write_text("keep me", encoding="utf-8")
    paths, expected = [], {}
    for n, case in enumerate(CASES):
        header, text = submission_text(case)
        folder = root / case.stem
        folder.mkdir()
        (folder / ITEM.filename).write_text(text, encoding="utf-8")
        paths.append(folder)
        expected[case.stem] = header
        if n % 12 == 0:  # honest submissions spread through the run
            honest = root / HONEST[n // 12]
            honest.mkdir()
            (honest / ITEM.filename).write_text(BASES["solution"], encoding="utf-8")
            paths.append(honest)
    # The submission itself is the attack.
    bomb = root / "zip_bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(ITEM.filename, b"#" * (200 << 20))
    link = root / "symlink_outside"
    link.mkdir()
    (link / ITEM.filename).symlink_to("/etc/passwd")
    odd = root / ODD_NAME
    odd.mkdir()
    (odd / ITEM.filename).write_text(BASES["solution"], encoding="utf-8")
    paths += [bomb, link, odd]
    results = grading.grade(paths, [ITEM], workers=2, limits=LIMITS)
    yield {r.submission: r.items[0] for r in results}, expected
    TARGET.unlink(missing_ok=True)


def test_corpus_is_large_enough():
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", [c.stem for c in CASES])
def test_case_gets_exactly_its_stated_outcome(graded, case):
    results, expected = graded
    result, header = results[case], expected[case]
    detail = (result.status, result.message, result.flags, [(t.name, t.status, t.message) for t in result.tests])
    assert result.score == float(header["score"]), detail
    assert result.max_score == float(header["points"]) == ITEM.points
    assert result.status == header["status"], detail
    if header["flag"]:
        assert any(flag.startswith(header["flag"]) for flag in result.flags), detail
    else:
        assert result.flags == [], detail


def test_honest_submissions_in_the_same_run_keep_full_marks(graded):
    results, _ = graded
    for name in (*HONEST, ODD_NAME):
        assert results[name].score == ITEM.points, (name, results[name].message, results[name].flags)
        assert results[name].flags == []


def test_submission_level_attacks_are_refused_with_a_reason(graded):
    results, _ = graded
    assert results["zip_bomb"].status == "missing" and "large" in results["zip_bomb"].message
    assert results["symlink_outside"].status == "missing" and "link" in results["symlink_outside"].message


def test_files_outside_the_students_folder_survive(graded):
    assert TARGET.read_text(encoding="utf-8") == "keep me"
    assert (SOLUTIONS / ITEM.filename).read_text(encoding="utf-8") == BASES["solution"]
