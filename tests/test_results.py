"""The results model: a test's, an item's and a submission's result, and their one JSON form.

Every writer and the store start from these; what each writes is tested with it
(tests/outputs/, tests/grading/test_store.py). Here, the model itself: the two forms of
the JSON (with and without each test's task and description), reading either back, the
totals, and the gradebook's top level.
"""

from __future__ import annotations

import json

import pytest

from autograder import results
from autograder.results import ItemResult, SubmissionResult

DETAILED = results.TestResult("test_answers", 2.5, 5, "failed", "expected 3, got 2", task=2,
                              description="the answer holds")


def an_item(*tests: results.TestResult, flags: list[str] | None = None) -> ItemResult:
    return ItemResult.from_tests("async01_why_async", 10, list(tests or [DETAILED]), flags=flags)


def test_a_tests_task_and_description_are_written_only_with_detail():
    assert DETAILED.to_json() == {"name": "test_answers", "score": 2.5, "max_score": 5, "status": "failed",
                                  "message": "expected 3, got 2"}
    assert DETAILED.to_json(detail=True) == {**DETAILED.to_json(), "task": 2, "description": "the answer holds"}


def test_an_item_written_with_detail_reads_back_equal():
    item = an_item(DETAILED, results.TestResult("test_b", 1, 1, "passed"), flags=["read the hidden suite"])
    data = json.loads(json.dumps(item.to_json(detail=True)))  # through real JSON: nothing but its types
    assert ItemResult.from_json(data) == item
    assert [set(test) for test in data["tests"]] == [{"name", "score", "max_score", "status", "message", "task",
                                                      "description"}] * 2


def test_an_item_written_without_detail_reads_back_without_tasks_and_descriptions():
    item = an_item(flags=["started a process"])
    data = item.to_json()
    assert set(data) == {"id", "score", "max_score", "status", "message", "tests", "flags"}
    assert data["tests"] == [DETAILED.to_json()]
    back = ItemResult.from_json(data)
    assert back.tests == [results.TestResult("test_answers", 2.5, 5, "failed", "expected 3, got 2")]
    assert (back.id, back.score, back.max_score, back.status, back.flags) == (
        item.id, item.score, item.max_score, item.status, item.flags)


def test_reading_keeps_what_it_knows_and_defaults_what_is_missing():
    data = {"id": "x", "score": 1, "max_score": 2, "status": "graded",
            "tests": [{"name": "t", "score": 1, "max_score": 2, "status": "passed", "added_later": True}]}
    test = results.TestResult("t", 1, 2, "passed")
    assert ItemResult.from_json(data) == ItemResult("x", 1, 2, "graded", "", [test], [])


def test_an_items_score_is_its_tests_points_rounded_and_its_flags_a_copy():
    flags = ["canary passed"]
    tests = [results.TestResult(f"test_{n}", 0.1, 1, "passed") for n in range(3)]
    item = ItemResult.from_tests("x", 3, tests, "timeout", "the item timed out", flags)
    assert item.score == 0.3 and sum(t.score for t in tests) != 0.3  # 0.30000000000000004, unrounded
    assert (item.status, item.message, item.tests, item.flags) == ("timeout", "the item timed out", tests, flags)
    flags.append("later")
    assert item.flags == ["canary passed"]
    assert ItemResult.from_tests("x", 3, []).flags == [] and ItemResult.from_tests("x", 3, []).score == 0


def test_a_missing_item_scores_nothing_and_says_why():
    missing = ItemResult.missing("async01_why_async", 10, "async01_why_async.py was not found")
    assert missing == ItemResult("async01_why_async", 0, 10, "missing", "async01_why_async.py was not found")
    assert missing.tests == [] and missing.flags == []


def test_a_submissions_totals_flags_and_items():
    first = ItemResult("a01_x", 0.1, 5, "graded", flags=["read the hidden suite", "started a process"])
    second = ItemResult("b01_y", 0.2, 2.5, "import_error")
    submission = SubmissionResult("alice", [first, second])
    assert (submission.score, submission.max_score) == (0.3, 7.5)
    assert submission.flags == ["a01_x: read the hidden suite", "a01_x: started a process"]
    assert submission.item("b01_y") is second and submission.item("c01_z") is None
    assert (SubmissionResult("nobody").score, SubmissionResult("nobody").max_score) == (0, 0)


def test_a_submission_is_written_with_its_totals_and_its_items_without_detail():
    submission = SubmissionResult("alice", [an_item()])
    assert submission.to_json() == {"submission": "alice", "score": 2.5, "max_score": 10,
                                    "items": [an_item().to_json()]}
    assert "task" not in submission.to_json()["items"][0]["tests"][0]


@pytest.mark.parametrize(("isolation", "keys"), [(None, {"version", "submissions"}),
                                                 ({}, {"version", "submissions", "isolation"}),
                                                 ({"level": "full"}, {"version", "submissions", "isolation"})])
def test_the_gradebook_is_versioned_and_holds_an_isolation_record_only_when_given(isolation, keys):
    data = results.gradebook_json([SubmissionResult("alice", [an_item()]), SubmissionResult("bob")], isolation)
    assert set(data) == keys and data.get("isolation") == isolation
    assert data["version"] == results.VERSION == 1
    assert data["submissions"] == [SubmissionResult("alice", [an_item()]).to_json(), SubmissionResult("bob").to_json()]
