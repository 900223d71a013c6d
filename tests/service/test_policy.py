"""course.toml's [service] rules: every mistake in them is one line; the merge order; what
lateness costs and what the student may see; a refused late file is not stored."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from autograder.results import ItemResult
from autograder.results import TestResult as Outcome
from autograder.service import policy
from autograder.service.models import Submission
from tests.conftest import COURSE
from tests.support.service import ITEM, solution, stub

DEADLINE = datetime(2026, 12, 14, 23, 59, tzinfo=UTC)


def parse(text: str) -> policy.Policy:
    return policy.parse(tomllib.loads(text), COURSE)


@pytest.mark.parametrize(("text", "message"), [
    ('[service]\nfeedbak = "full"', "course.toml: [service] has an unknown key 'feedbak' (known: attempts_per_hour, "
                                    "deadline, feedback, late, penalty_per_day)"),
    ('[service]\nfeedback = "verbose"',
     "course.toml: [service].feedback must be one of full, tests, score, not 'verbose'"),
    ('[service]\nlate = "ignore"', "course.toml: [service].late must be one of penalty, refuse, not 'ignore'"),
    ("[service]\ndeadline = 2026-12-14T23:59:00", "course.toml: [service].deadline must be a date and time with its "
                                                  "zone, such as 2026-12-14T23:59:00Z"),
    ("[service]\ndeadline = 2026-12-14", "course.toml: [service].deadline must be a date and time with its zone, such "
                                         "as 2026-12-14T23:59:00Z"),
    ("[service.sections.nope]\nfeedback = 'full'",
     "course.toml: [service.sections.nope] names no section of the course"),
    ("[service.items.nope]\nfeedback = 'full'", "course.toml: [service.items.nope] names no item of the course"),
    ("[service]\npenalty_per_day = 1.5", "course.toml: [service].penalty_per_day must be a fraction between 0 and 1"),
    ("[service]\nattempts_per_hour = 0", "course.toml: [service].attempts_per_hour must be a whole number, at least 1"),
    ("[service]\nattempts_per_hour = true", "course.toml: [service].attempts_per_hour must be a number, not True"),
    ("[service]\npenalty_per_day = true", "course.toml: [service].penalty_per_day must be a number, not True"),
    ('service = "strict"', "course.toml: [service] must be a table, not 'strict'"),
    ("[service]\nsections = 3", "course.toml: [service.sections] must be a table, not 3"),
    ("[service.sections]\nasync = 3", "course.toml: [service.sections.async] must be a table, not 3"),
], ids=["unknown-key", "feedback", "late", "naive-deadline", "date-only", "section", "item", "penalty", "attempts",
        "bool-attempts", "bool-penalty", "not-a-table", "sections-not-a-table", "section-not-a-table"])
def test_a_mistake_in_the_rules_is_one_line(text, message):
    with pytest.raises(policy.PolicyError) as caught:
        parse(text)
    assert str(caught.value) == message


def test_an_items_rules_win_over_its_sections_which_win_over_the_defaults():
    rules = parse(f"""
[service]
feedback = "score"
attempts_per_hour = 3
penalty_per_day = 0.1
[service.sections.async]
feedback = "tests"
deadline = 2026-12-14T23:59:00Z
attempts_per_hour = 5
[service.items.{ITEM}]
feedback = "full"
""")
    mine = rules.rules(COURSE.item(ITEM))
    assert (mine.feedback, mine.deadline, mine.attempts_per_hour, mine.penalty_per_day) == ("full", DEADLINE, 5, 0.1)
    neighbour = rules.rules(COURSE.item("async02_async_vs_def"))
    assert (neighbour.feedback, neighbour.attempts_per_hour) == ("tests", 5)
    elsewhere = rules.rules(next(i for i in COURSE.items if i.section == "auth"))
    assert (elsewhere.feedback, elsewhere.deadline, elsewhere.attempts_per_hour) == ("score", None, 3)


def test_the_penalty_is_per_started_day():
    rules = policy.Rules(deadline=DEADLINE, penalty_per_day=0.25)
    second, day = timedelta(seconds=1), timedelta(days=1)
    assert [rules.days_late(DEADLINE + d) for d in (-day, 0 * second, second, day, day + second, 5 * day)] == \
        [0, 0, 1, 1, 2, 5]
    assert [rules.score(10, n) for n in (0, 1, 2, 4, 9)] == [10, 7.5, 5.0, 0.0, 0.0]


def test_before_the_deadline_the_level_holds_after_it_all_is_shown():
    result = ItemResult.from_tests(ITEM, 10, [Outcome("test_a", 0, 4, "failed", "expected 3, got 2"),
                                              Outcome("test_b", 6, 6, "passed")], flags=["guard: read the suite"])
    rules = policy.Rules(feedback="tests", deadline=DEADLINE)
    before = rules.view(result, DEADLINE - timedelta(minutes=1))
    assert [(t["name"], t["message"]) for t in before["tests"]] == [("test_a", ""), ("test_b", "")]
    assert "expected 3" not in json.dumps(before) and "guard" not in json.dumps(before)
    score_only = policy.Rules(feedback="score", deadline=DEADLINE).view(result, DEADLINE)
    assert (score_only["tests"], score_only["score"], score_only["feedback"]) == ([], 6, "score")
    after = rules.view(result, DEADLINE + timedelta(seconds=1))
    assert after["feedback"] == "full" and after["tests"][0]["message"] == "expected 3, got 2"
    assert "guard" not in json.dumps(after)


def test_score_only_does_not_name_the_test_a_crash_happened_in():
    """A crash in one test is reported as '<test>: the process ... died'; with the score
    alone the student learns the crash, not the hidden test's name."""
    died = "the process running this test died (os._exit, a crash, or memory exhausted?)"
    result = ItemResult.from_tests(ITEM, 10, [Outcome("test_hidden_name", 0, 2, "error", died),
                                              Outcome("test_b", 8, 8, "passed")], status="crashed",
                                   message=f"test_hidden_name: {died}")
    shown = policy.Rules(feedback="score").view(result, DEADLINE)
    assert (shown["message"], shown["tests"]) == (died, [])
    assert "test_hidden_name" not in json.dumps(shown)
    assert policy.Rules(feedback="tests").view(result, DEADLINE)["message"] == f"test_hidden_name: {died}"


def test_the_service_shows_the_level_the_policy_allows(service_with):
    service = service_with(policy=parse(f'[service.items.{ITEM}]\nfeedback = "score"'))
    ada = service.student("Ada Lovelace")
    state = service.wait(ada, service.submit(ada, stub()).json()["id"])
    assert (state["result"]["feedback"], state["result"]["tests"], state["result"]["message"]) == ("score", [], "")
    seen = json.dumps([state, service.client.get("/api/items", headers=ada).json()])
    assert "test_" not in seen and "flags" not in seen
    history = service.client.get("/api/students/ada.lovelace/history", headers=service.instructor).json()
    assert history[0]["result"]["tests"]  # the instructor sees every test


def test_past_the_deadline_late_work_is_penalised_and_shown_in_full(service_with):
    deadline = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    service = service_with(policy=parse(f'[service]\nfeedback = "score"\npenalty_per_day = 0.25\n'
                                        f'deadline = {deadline}'))
    ada = service.student("Ada Lovelace")
    queued = service.submit(ada, solution()).json()
    assert queued["days_late"] == 1
    state = service.wait(ada, queued["id"])
    assert (state["result"]["feedback"], state["result"]["score"], state["result"]["raw_score"]) == ("full", 7.5, 10)
    assert len(state["result"]["tests"]) == 5


def test_late_refuse_is_403_and_stores_nothing(service_with):
    service = service_with(policy=parse('[service.sections.async]\nlate = "refuse"\n'
                                        'deadline = 2020-01-01T00:00:00Z'))
    ada = service.student("Ada Lovelace")
    response = service.submit(ada, solution())
    refused = f"the deadline for {ITEM} passed on 2020-01-01 00:00 UTC; late work is not accepted"
    assert (response.status_code, response.json()) == (403, {"detail": refused})
    assert service.db(select(Submission)) == []
