"""The instructor's report in a real browser: the names stay in view, the failure tables start closed.

Renders the report of `make demo`'s class (the solutions, the stubs and the samples: four
submissions, 41 items), opens it from a file in Debian's Chromium driven by Playwright (as
the JupyterLab test does), scrolls the score table to its last column and checks that the
name column is still where it was, that every failure table starts closed and that they
are what keeps the page short. The screenshots are kept in ``artifacts/``. What the HTML
says is tested in test_report.py; this is what a browser makes of it. Skips, with the
reason, where Chromium or Playwright is not installed.
"""

from __future__ import annotations

import pytest

from autograder.outputs import report
from tests.conftest import COURSE
from tests.support.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, sync_api

pytestmark = [pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")]

# The score table's scrolling box, scrolled to its last column; then where the first row's
# name cell and first item cell are, against the box's left edge (viewport pixels).
SCROLL_ACROSS = """() => { const box = document.querySelector('#score-table').closest('div');
  box.scrollLeft = box.scrollWidth;
  const name = document.querySelector('#score-table tbody th.name').getBoundingClientRect();
  const item = document.querySelector('#score-table tbody td').getBoundingClientRect();
  return {scrolled: box.scrollLeft, box: box.getBoundingClientRect().left, name: name.left,
          nameRight: name.right, itemRight: item.right}; }"""
HEIGHT = "() => document.documentElement.scrollHeight"
OPEN_ALL = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"


def test_the_report_keeps_names_in_view_and_its_failure_tables_closed(graded_samples, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    page_file, shot, tests_shot = tmp_path / "report.html", ARTIFACTS / "report.png", ARTIFACTS / "report-tests.png"
    report.write_html(COURSE, graded_samples, list(COURSE.items), page_file)
    with sync_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.goto(page_file.as_uri())
            closed = page.evaluate("() => [...document.querySelectorAll('details')].map(d => d.open)")
            height = page.evaluate(HEIGHT)
            where = page.evaluate(SCROLL_ACROSS)
            page.screenshot(path=str(shot))
            page.goto(f"{page_file.as_uri()}#tests")
            page.screenshot(path=str(tests_shot))
            page.evaluate(OPEN_ALL)
            opened = page.evaluate(HEIGHT)
        finally:
            browser.close()
    print(f"screenshots: {shot} (the score table scrolled to its last column), {tests_shot} (the closed tables)")
    assert where["scrolled"] > 1000, f"the score table did not scroll across its items: {where}"
    assert abs(where["name"] - where["box"]) <= 1, f"the name column scrolled away: {where}"
    assert where["itemRight"] <= where["nameRight"], f"the first item column is still in view: {where}"
    assert len(closed) == len(COURSE.items) and not any(closed), f"failure tables open: {closed}"
    assert height < 10_000 and opened > 2 * height, f"page {height} px tall, {opened} px with every table open"
    assert shot.stat().st_size > 10_000 and tests_shot.stat().st_size > 10_000
