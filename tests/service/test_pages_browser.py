"""The service's pages in a real browser: a class from the instructor's first link to the CSV.

Serves the real app with uvicorn on a loopback port (a temporary SQLite store, the local
engine) and drives Debian's Chromium through Playwright, as the JupyterLab and report tests
do. The instructor signs up from the link the server printed and imports a roster through
the page; a student signs up from their roster link, submits a wrong answer to an item whose
rule shows each test's outcome but not its message (``tests``) and to one that shows the
score alone (``score``), sees only that, fixes the first with its solution and sees full
marks, and takes a token for the terminal, which signs in. The instructor's page, never
reloaded, shows each attempt as it is graded, the student's history in full, regrades the
student (each result written a second time) and downloads the CSV, whose row is checked.
Nothing the scripts do may be refused by the Content-Security-Policy, and a name with
markup in it is shown as text. Screenshots are kept in ``artifacts/``. Skips, with the
reason, where Chromium or Playwright is not installed.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import httpx
import pytest

from autograder.paths import EXERCISES, SOLUTIONS
from autograder.service.policy import Policy, Rules
from tests.conftest import COURSE
from tests.support.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, sync_api
from tests.support.service import ITEM, PASSWORD, serve_http, settings_for

pytestmark = [pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")]

#: Shows each test's outcome, not its message; SCORED shows the score alone.
TESTS_ONLY, SCORED = ITEM, "async02_async_vs_def"
MARKUP_NAME = '<b>Eve</b> & "Co" <img src=x>'
GRADING_MS = 120_000  # the bound on one grade's arrival in a page (it takes about a second)
DOM_MS = 30_000
expect = sync_api.expect


def _sign_up(page, link: str, landing: str) -> None:
    page.goto(link)
    page.fill("#password", PASSWORD)
    page.fill("#again", PASSWORD)
    page.click("#signup button[type=submit]")
    page.wait_for_url(f"**{landing}", timeout=DOM_MS)
    expect(page.locator("#live")).to_have_text("live", timeout=DOM_MS)


def _upload(page, item: str, path) -> None:
    card = page.locator(f"#item-{item}")
    card.locator("input[type=file]").set_input_files(str(path))
    card.locator("button[type=submit]").click()


def _sign_in(page, url: str, problems: list[str]) -> dict:
    """The sign-in page: a wrong password is one line; the right one lands on the role's page."""
    _watch(page, problems)
    page.goto(f"{url}/")
    page.fill("#username", "ada.lovelace")
    page.fill("#password", "not the password")
    page.click("#signin button[type=submit]")
    expect(page.locator("#status.error")).to_have_text("wrong user name or password", timeout=DOM_MS)
    problems[:] = [p for p in problems if "status of 401" not in p]  # the refused sign-in, as the console reports it
    page.fill("#password", PASSWORD)
    page.click("#signin button[type=submit]")
    page.wait_for_url("**/student", timeout=DOM_MS)
    expect(page.locator(f"#item-{TESTS_ONLY} .score")).to_have_text("10/10", timeout=DOM_MS)
    page.goto(f"{url}/instructor")  # a student sent to an instructor's page is sent back to theirs
    page.wait_for_url("**/student", timeout=DOM_MS)
    expect(page.locator("#who")).to_have_text("Ada Lovelace (ada.lovelace)", timeout=DOM_MS)
    return {"who": page.text_content("#who")}


def _watch(page, problems: list[str]) -> None:
    """Collect what the page could not do: errors in the console (a CSP refusal is one) and uncaught ones."""
    page.on("console", lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))


def _student_flow(page, service) -> dict:
    """The student's side; returns what the test asserts about it afterwards."""
    card, scored = page.locator(f"#item-{TESTS_ONLY}"), page.locator(f"#item-{SCORED}")
    _upload(page, TESTS_ONLY, EXERCISES / f"{TESTS_ONLY}.py")
    expect(card.locator(".score")).to_have_text("0/10", timeout=GRADING_MS)
    expect(card.locator("li.test:not(.passed)").first).to_be_visible()
    seen = {"tests_only": {"tests": card.locator("li.test").count(), "messages": card.locator(".message").count(),
                           "note": card.locator(".level").text_content()}}
    _upload(page, SCORED, EXERCISES / f"{SCORED}.py")
    expect(scored.locator(".score")).to_have_text("0/10", timeout=GRADING_MS)
    seen["scored"] = {"tests": scored.locator("li.test").count(), "messages": scored.locator(".message").count(),
                      "note": scored.locator(".level").text_content()}
    page.screenshot(path=str(ARTIFACTS / "service-student-feedback.png"))
    _upload(page, TESTS_ONLY, SOLUTIONS / f"{TESTS_ONLY}.py")
    expect(card.locator(".score")).to_have_text("10/10", timeout=GRADING_MS)
    seen["fixed"] = {"failed": card.locator("li.test:not(.passed)").count(),
                     "passed": card.locator("li.test.passed").count(),
                     "state": card.locator(".state").text_content(), "progress": page.text_content("#progress")}
    page.click("#terminal-token")
    expect(page.locator("#terminal-command")).to_contain_text("--token ", timeout=DOM_MS)
    command = page.text_content("#terminal-command")
    token = command.rsplit(" ", 1)[-1]
    seen["command"] = command.rsplit(" ", 1)[0]
    seen["terminal"] = httpx.post(f"{service.url}/api/refresh", json={"refresh_token": token}, timeout=30).json()
    page.screenshot(path=str(ARTIFACTS / "service-student.png"))  # the top: progress, token, the first items
    return seen


def _instructor_after(page) -> dict:
    """The instructor's page once the student is done: live rows, history, regrade, CSV."""
    rows = page.locator("#activity-table tbody tr")
    expect(rows).to_have_count(3, timeout=GRADING_MS)
    expect(page.locator("#activity-table tbody td.state", has_text="queued")).to_have_count(0, timeout=GRADING_MS)
    seen = {"activity": [[c.strip() for c in r.locator("td").all_text_contents()[1:6]] for r in rows.all()]}
    total = page.locator('#score-table tr[data-student="ada.lovelace"] td.total')
    expect(total).to_have_text("10/20", timeout=DOM_MS)
    page.locator('#score-table tr[data-student="ada.lovelace"] button').click()
    history = page.locator("#history-table tbody tr")
    expect(history).to_have_count(3, timeout=DOM_MS)
    first = history.last  # the oldest: the stub of TESTS_ONLY
    seen["history_messages"] = first.locator(".message").count()
    page.select_option("#regrade-username", "ada.lovelace")
    page.click("#regrade-student button")
    expect(page.locator("#regrade-result")).to_have_text(re.compile(r"^Queued 2 submissions: "), timeout=DOM_MS)
    for submission in (2, 3):
        expect(page.locator(f'#history-table tr[data-submission="{submission}"] td.writes')).to_have_text(
            "2", timeout=GRADING_MS)
    expect(page.locator("#audit-table tbody td", has_text="regrade")).to_have_count(1, timeout=DOM_MS)
    with page.expect_download(timeout=DOM_MS) as info:
        page.click("#export-csv")
    download = info.value
    seen["csv_name"] = download.suggested_filename
    seen["csv"] = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    seen["kept"] = page.evaluate("() => window.keptSinceLoad === true")
    page.locator("#gradebook").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "service-instructor.png"), full_page=True)
    return seen


def test_a_class_through_the_pages(tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    policy = Policy(Rules(), {}, {TESTS_ONLY: {"feedback": "tests"}, SCORED: {"feedback": "score"}})
    roster = tmp_path / "roster.csv"
    with roster.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([["name"], ["Ada Lovelace"], [MARKUP_NAME]])
    problems: list[str] = []
    with serve_http(settings_for(tmp_path, policy=policy)) as service, sync_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            teacher = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True).new_page()
            _watch(teacher, problems)
            _sign_up(teacher, service.invites[0].link, "/instructor")
            teacher.evaluate("() => { window.keptSinceLoad = true; }")  # gone if the page ever reloads
            teacher.set_input_files("#roster-file", str(roster))
            teacher.click("#roster-form button")
            expect(teacher.locator("#link-table tbody tr")).to_have_count(2, timeout=DOM_MS)
            link = teacher.text_content('#link-table tr[data-username="ada.lovelace"] code')
            names = teacher.locator("#link-table td.person").all_text_contents()
            markup = teacher.locator("#link-table b, #link-table img, #account-table b, #account-table img").count()
            teacher.locator("#roster").screenshot(path=str(ARTIFACTS / "service-roster.png"))
            student = browser.new_context(viewport={"width": 1100, "height": 1000}).new_page()
            _watch(student, problems)
            _sign_up(student, link, "/student")
            seen = _student_flow(student, service)
            seen["sign_in"] = _sign_in(browser.new_context().new_page(), service.url, problems)
            teacher_seen = _instructor_after(teacher)
        finally:
            browser.close()
    print(f"screenshots: {ARTIFACTS / 'service-student.png'} (the student's page, full marks), "
          f"{ARTIFACTS / 'service-student-feedback.png'} (feedback limited by the policy), "
          f"{ARTIFACTS / 'service-instructor.png'} (the live gradebook), {ARTIFACTS / 'service-roster.png'}")
    assert link.startswith(f"{service.url}/signup#")
    assert names == ["Ada Lovelace", MARKUP_NAME] and markup == 0, (names, markup)
    _check_student(seen, service.url)
    _check_instructor(teacher_seen)
    assert not problems, problems


def _check_student(seen: dict, url: str) -> None:
    # `tests`: every test's outcome, no message; `score`: no test at all; both say why.
    assert seen["tests_only"]["tests"] > 0 and seen["tests_only"]["messages"] == 0, seen
    assert "feedback: tests" in seen["tests_only"]["note"]
    assert seen["scored"]["tests"] == seen["scored"]["messages"] == 0, seen
    assert "feedback: score" in seen["scored"]["note"]
    assert seen["fixed"]["failed"] == 0 and seen["fixed"]["passed"] > 0 and "2 attempts" in seen["fixed"]["state"]
    total = sum(item.points for item in COURSE.items)
    assert seen["fixed"]["progress"].startswith(f"10 / {total} points"), seen["fixed"]
    assert seen["sign_in"]["who"] == "Ada Lovelace (ada.lovelace)"
    assert seen["command"] == f"workbook login {url} --token"
    assert seen["terminal"]["username"] == "ada.lovelace", seen["terminal"]


def _check_instructor(seen: dict) -> None:
    # The instructor's page, never reloaded, saw each attempt graded, newest first.
    assert seen["kept"] is True
    assert seen["activity"] == [["ada.lovelace", TESTS_ONLY, "2", "graded", "10/10"],
                                ["ada.lovelace", SCORED, "1", "graded", "0/10"],
                                ["ada.lovelace", TESTS_ONLY, "1", "graded", "0/10"]], seen
    assert seen["history_messages"] > 0  # the instructor reads what the student's rule withheld
    assert seen["csv_name"].startswith("gradebook-") and seen["csv_name"].endswith(".csv")
    ada = next(r for r in seen["csv"] if r["submission"] == "ada.lovelace")
    assert (ada[TESTS_ONLY], ada[SCORED], ada["total"], ada["max_score"]) == ("10", "0", "10", "20"), ada
