"""The hostile corpus's file format: how a case in ``tests/data/hostile`` becomes a submission.

Each case is a snippet that goes into an item's solution or stub (async01 unless its header
names ``item=``), at import or inside the route for one user (``user_id == 7``); with
``base=none`` the snippet is the whole file. Its first line states what the grader must
give it, the second says why. tests/sandbox/test_hostile.py grades the corpus;
tests/sandbox/test_screen.py screens the same submissions.
"""

from __future__ import annotations

import re
from pathlib import Path

from autograder.paths import EXERCISES, SOLUTIONS

ITEM_ID = "async01_why_async"  # the item a case goes into unless its header names another
CORPUS = Path(__file__).parents[1] / "data" / "hostile"
HEADER = re.compile(r"^# expected: (?P<score>[\d.]+)/(?P<points>[\d.]+) status=(?P<status>\w+) base=(?P<base>\w+)"
                    r"(?: item=(?P<item>\w+))? where=(?P<where>\w+)(?: flags=(?P<flag>.+))?\n# why: (?P<why>.+)\n")
APP = "app = FastAPI()\n"
HANDLER = "async def dashboard(user_id: int = 1) -> dict:\n"


def base_text(item_id: str, base: str) -> str:
    folder = {"solution": SOLUTIONS, "stub": EXERCISES}[base]
    return (folder / f"{item_id}.py").read_text(encoding="utf-8")


def submission_text(case: Path, values: dict[str, str] | None = None) -> tuple[re.Match, str]:
    text = case.read_text(encoding="utf-8")
    header = HEADER.match(text)
    assert header, f"{case.name} must start with '# expected: N/M status=... base=... where=...' and '# why: ...'"
    snippet = text[header.end():]
    for key, value in (values or {}).items():
        snippet = snippet.replace("{" + key + "}", value)
    if header["base"] == "none":
        return header, snippet
    base = base_text(header["item"] or ITEM_ID, header["base"])
    if header["where"] == "import":
        return header, base.replace(APP, f"{APP}{snippet}\n", 1)
    body = "".join(f"        {line}\n" for line in snippet.splitlines())
    return header, base.replace(HANDLER, f"{HANDLER}    if user_id == 7:\n{body}", 1)
