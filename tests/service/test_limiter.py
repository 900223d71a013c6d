"""Floods: attempts per item and hour (counted in the store), submissions per minute and
sign-in guesses (the limiter): each answered 429 with Retry-After, the wait in its one
line, and nothing stored past the allowance."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from autograder.service import policy
from autograder.service.models import Submission
from tests.conftest import COURSE
from tests.support.service import ITEM, PASSWORD, solution

OTHER = "async02_async_vs_def"


def assert_429(response, pattern: str, most: int) -> int:
    """The wait a 429 names, checked against its Retry-After header and bounds."""
    assert response.status_code == 429, response.text
    match = re.fullmatch(pattern, response.json()["detail"])
    assert match, response.json()["detail"]
    wait = int(match["wait"])
    assert response.headers["Retry-After"] == str(wait) and 1 <= wait <= most
    return wait


def test_the_hours_attempts_at_an_item_then_429_and_nothing_stored(service_with):
    service = service_with(policy=policy.parse({"service": {"attempts_per_hour": 3}}, COURSE))
    ada = service.student("Ada Lovelace")
    held = service.hold()
    assert [service.submit(ada, f"x = {i}\n".encode()).status_code for i in range(3)] == [202] * 3
    hour = rf"3 attempts at {ITEM} per hour are allowed; try again in (?P<wait>\d+) s"
    assert_429(service.submit(ada, solution()), hour, 3600)
    assert service.submit(ada, solution(OTHER), item=OTHER).status_code == 202  # the allowance is per item
    assert [(s.item, s.attempt) for s in service.db(select(Submission).order_by(Submission.id))] == [
        (ITEM, 1), (ITEM, 2), (ITEM, 3), (OTHER, 1)]
    # An hour after the first attempt, one more is allowed (the store's clock, moved back).
    first = service.db(select(Submission).where(Submission.attempt == 1, Submission.item == ITEM))[0]
    service.db(update(Submission).where(Submission.id == first.id)
               .values(submitted_at=first.submitted_at - timedelta(hours=1, seconds=1)))
    again = service.submit(ada, solution())
    assert (again.status_code, again.json()["attempt"]) == (202, 4)
    assert service.submit(ada, solution()).status_code == 429
    assert len(held.sent) == 5


def test_a_flood_across_items_is_429_past_the_minutes_allowance(service_with):
    service = service_with(submissions_per_minute=4)
    ada, bob = service.student("Ada Lovelace"), service.student("Bob Byron")
    service.hold()
    assert service.submit(ada, b"").status_code == 422  # a refused file spends one too: a flood is a flood
    codes = [service.submit(ada, solution(item), item=item).status_code for item in (ITEM, OTHER, ITEM)]
    assert codes == [202, 202, 202]
    assert_429(service.submit(ada, solution(OTHER), item=OTHER), r"too many submissions; try again in (?P<wait>\d+) s",
               60)
    assert service.submit(bob, solution()).status_code == 202  # per student
    assert len(service.db(select(Submission))) == 4


def test_guessing_a_password_is_429_whatever_the_case_of_the_name(service_with):
    service = service_with(logins_per_minute=3)
    service.student("Ada Lovelace")
    service.student("Bob Byron")
    assert [service.sign_in("ada.lovelace", f"guess {i}").status_code for i in range(3)] == [401] * 3
    user = r"too many sign-in attempts; try again in (?P<wait>\d+) s"
    assert_429(service.sign_in("ada.lovelace", "guess 4"), user, 60)
    assert_429(service.sign_in("ADA.Lovelace", "guess 5"), user, 60)  # the limiter's key ignores case
    assert_429(service.sign_in("ada.lovelace", PASSWORD), user, 60)  # locked for the minute, right or wrong
    assert service.sign_in("bob.byron").status_code == 200  # another account is not
    # From one address: three times the per-account allowance, whatever names are tried.
    assert [service.sign_in(f"user{i}", "guess").status_code for i in range(5)] == [401] * 5
    assert_429(service.sign_in("user5", "guess"), r"too many sign-in attempts from this address; "
                                                  r"try again in (?P<wait>\d+) s", 60)
    assert_429(service.sign_in("bob.byron"), r"too many sign-in attempts from this address; "
                                             r"try again in (?P<wait>\d+) s", 60)


def test_guessing_sign_up_links_is_429(service_with):
    service = service_with(logins_per_minute=3)  # the instructor's sign-up was the first
    service.student("Ada Lovelace")
    bad = service.client.post("/api/signup", json={"token": "A" * 32, "password": PASSWORD})
    assert bad.status_code == 400
    assert_429(service.client.post("/api/signup", json={"token": "B" * 32, "password": PASSWORD}),
               r"too many sign-up attempts; try again in (?P<wait>\d+) s", 60)
