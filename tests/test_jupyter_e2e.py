"""End to end in a real browser: JupyterLab opens a lesson, the checks cell renders its table.

Starts JupyterLab on loopback over a copy of the lesson and its exercise (``WORKBOOK_ROOT``
points the kernel's ``check`` at the copy), drives Debian's Chromium with Playwright, checks
that the lesson's Mermaid diagram (a ```` ```mermaid ```` fence in a Markdown cell, which
JupyterLab 4 renders natively) is drawn as an SVG, runs every cell of the async01 lesson
and asserts the table of failed checks with their hints;
then writes the answer into the exercise in JupyterLab's own editor, saves it, runs the
checks cell again in the same kernel and asserts that every check passes (no stale
import). Both screenshots are kept in ``artifacts/``. Skips, with the reason, where
Chromium or Playwright is not installed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from autograder.paths import ROOT, suite_file
from tests.support.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, sync_api

ITEM = "async01_why_async"
LESSON = f"notebooks/{ITEM}.ipynb"
EXERCISE = f"exercises/{ITEM}.py"
# The points of the item's public checks: the table ends with "0/N points", then "N/N points".
POINTS = sum(int(n) for n in re.findall(r"@pytest\.mark\.points\((\d+)\)",
                                         suite_file(ITEM, "public").read_text()))

# Every cell stays in the page (JupyterLab 4 otherwise renders only the cells in view, so
# the checks cell's output may be missing from the DOM), no news pop-up in the shot, and
# no autosave: the exercise is saved when the test says so, as a student would.
LAB_SETTINGS = {
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
}
# Runs a JupyterLab command and tells how its promise settled (run-all settles when the
# last cell has run), or that it is still pending after 5 minutes.
RUN_COMMAND = ("command => Promise.race([window.jupyterapp.commands.execute(command)"
               ".then(value => 'resolved ' + value, error => 'rejected ' + error), "
               "new Promise(settle => setTimeout(() => settle('pending after 300 s'), 300000))])")


# True once the notebook's session is ready and its kernel connected and idle.
KERNEL_IDLE = ("""() => { const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.isReady && panel.sessionContext.session
    ? panel.sessionContext.session.kernel : null;
  return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle'; }""")
# Opens a file in JupyterLab (or brings its tab forward), as a double click does.
OPEN = "path => window.jupyterapp.commands.execute('docmanager:open', {path}).then(() => true)"
# True once the file editor showing the exercise is the current tab.
EDITOR_OPEN = ("""path => { const widget = window.jupyterapp.shell.currentWidget;
  return !!widget && !!widget.context && widget.context.path === path && widget.context.isReady &&
    !!widget.content.model; }""")
# Replaces the text of the editor in the current tab, as typing would: through the
# document's shared model, which the CodeMirror view shows and the save writes.
# Only once the file's content has loaded: text set before that is replaced by the file's.
SET_EDITOR_TEXT = ("""async text => { const widget = window.jupyterapp.shell.currentWidget;
  await widget.context.ready;
  widget.content.model.sharedModel.setSource(text);
  return widget.content.model.sharedModel.getSource() === text; }""")
# What the page shows when the table does not come: the kernel's state and every cell's
# execution count, inputs' first line and outputs, from JupyterLab's own notebook model.
DIAGNOSE = ("""() => {
  const panel = [...window.jupyterapp.shell.widgets('main')].find(w => w.content && w.content.widgets);
  const kernel = panel && panel.sessionContext && panel.sessionContext.session
    ? panel.sessionContext.session.kernel : null;
  const cells = panel ? panel.content.widgets.map((cell, i) => {
    const model = cell.model.toJSON();
    const source = Array.isArray(model.source) ? model.source.join('') : model.source;
    return `[${i}] ${model.cell_type} count=${model.execution_count} ${source.split('\\n')[0]}\\n` +
      JSON.stringify(model.outputs || []).slice(0, 600); }) : [];
  return `kernel: ${kernel ? kernel.status : 'none'}\\n` + cells.join('\\n'); }""")


# True once a Markdown cell shows a diagram that JupyterLab's Mermaid renderer drew: a
# div.jp-RenderedMermaid holding <figure><img src="data:image/svg+xml,<svg ...>"> (JupyterLab
# shows the SVG as an image, so no script in it runs), loaded by the browser (a non-zero
# natural width). A diagram that fails to parse gets jp-mod-warning and no image.
MERMAID_SVG = ("""() => [...document.querySelectorAll('.jp-MarkdownCell .jp-RenderedMermaid')].some(figure => {
  const img = figure.querySelector('img');
  return !figure.classList.contains('jp-mod-warning') && !!img && img.complete && img.naturalWidth > 0 &&
    img.src.startsWith('data:image/svg+xml,') && decodeURIComponent(img.src).includes('<svg'); })""")


def last_cell(condition: str) -> str:
    """A JavaScript predicate on the notebook's last cell (the checks cell), named `last`."""
    return ("() => { const last = [...document.querySelectorAll('.jp-Notebook .jp-Cell')].pop(); "
            f"return !!last && ({condition}); }}")


pytestmark = [pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def checkout(tmp_path):
    """A copy of the lesson and the stub, as a student's checkout holds them."""
    checkout = tmp_path / "course"
    for relative in (LESSON, EXERCISE):
        (checkout / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / relative, checkout / relative)
    return checkout


@pytest.fixture
def jupyterlab(tmp_path, checkout):
    port = free_port()
    settings = tmp_path / "settings"
    for name, values in LAB_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values), encoding="utf-8")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"),
           "JUPYTERLAB_SETTINGS_DIR": str(settings), "WORKBOOK_STATE": str(tmp_path / "state.json"),
           "WORKBOOK_ROOT": str(checkout)}
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         "--IdentityProvider.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
         f"--ServerApp.root_dir={checkout}", "--LabApp.expose_app_in_browser=True", "--allow-root"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"{url}/api/status", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert process.poll() is None, "JupyterLab exited during start-up"
        assert time.monotonic() < deadline, "JupyterLab did not answer within 90 s"
        time.sleep(0.5)
    yield url
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def fail_with_page(page, shot: Path, what: str) -> None:
    """Fail with one message: what went wrong, a screenshot, and the notebook as the page holds it."""
    page.screenshot(path=str(shot), full_page=False)
    pytest.fail(f"{what}; screenshot {shot}; the page shows:\n{page.evaluate(DIAGNOSE)}")


def wait_until(page, shot: Path, predicate: str, what: str, timeout_s: int, **options) -> None:
    """Wait for a JavaScript predicate; on timeout, fail saying ``what`` did not happen."""
    try:
        page.wait_for_function(predicate, timeout=timeout_s * 1000, **options)
    except sync_api.TimeoutError:
        fail_with_page(page, shot, f"{what} within {timeout_s} s")


def table_text(page, shot: Path, condition: str) -> str:
    """Wait until the checks cell shows its HTML table (check()'s ``_repr_html_``, not text in
    a ``<pre>``) and the text meets ``condition``; answer the table's text."""
    wait_until(page, shot, last_cell(f"!!last.querySelector('.jp-OutputArea-output table.workbook-check') && "
                                     f"({condition})"), "the checks cell rendered no such table", 300)
    output = page.locator(".jp-Notebook .jp-Cell").last.locator(".jp-OutputArea-output table.workbook-check").first
    output.scroll_into_view_if_needed()
    return output.inner_text()


def run_command(page, shot: Path, command: str, expected: str = "resolved true") -> None:
    """Run a JupyterLab command; fail with the page's state unless it settles as expected."""
    settled = page.evaluate(RUN_COMMAND, command)
    if not settled.startswith(expected):
        fail_with_page(page, shot, f"{command}: {settled}")


def test_checks_cell_renders_the_table_in_jupyterlab(jupyterlab, checkout):
    ARTIFACTS.mkdir(exist_ok=True)
    shot, passed_shot = ARTIFACTS / "jupyterlab-check.png", ARTIFACTS / "jupyterlab-check-passed.png"
    answer = (ROOT / "solutions" / f"{ITEM}.py").read_text(encoding="utf-8")
    assert any("```mermaid" in "".join(cell["source"]) for cell in json.loads((ROOT / LESSON).read_text())["cells"]
               if cell["cell_type"] == "markdown"), f"{LESSON} has no Mermaid diagram to render"
    with sync_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{jupyterlab}/lab/tree/{LESSON}", timeout=120_000)
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
            page.wait_for_function(
                "() => window.jupyterapp && document.querySelector('.jp-Notebook-ExecutionIndicator')", timeout=120_000)
            wait_until(page, shot, MERMAID_SVG, "the lesson's Mermaid diagram was not drawn as an SVG", 120)
            # The built notebook stores outputs: clear them, so what we assert is this run's.
            # Asked again at each poll: a command given while the notebook is still being
            # attached to the shell does nothing (seen once in a dozen runs).
            wait_until(page, shot, last_cell("window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs') "
                                             "&& !last.querySelector('.jp-OutputArea-output')"),
                       "the stored outputs were not cleared", 60, polling=1000)
            # Run only once the kernel has started: cells run before it is connected are
            # skipped without a word (seen on a loaded machine: run-all resolved, nothing ran).
            wait_until(page, shot, KERNEL_IDLE, "the lesson's kernel was not idle", 240)
            page.click(".jp-Notebook .jp-Cell >> nth=1")  # commands act on the focused notebook
            run_command(page, shot, "notebook:run-all-cells")
            failing = table_text(page, shot, "last.innerText.includes('points')")
            page.screenshot(path=str(shot), full_page=False)

            # The student writes the answer in JupyterLab's editor and saves it (Ctrl+S).
            page.evaluate(OPEN, EXERCISE)
            wait_until(page, shot, EDITOR_OPEN, "the exercise did not open in the editor", 60, arg=EXERCISE)
            assert page.evaluate(SET_EDITOR_TEXT, answer), "the editor did not take the new text"
            run_command(page, shot, "docmanager:save", expected="resolved")  # resolves with no value
            assert (checkout / EXERCISE).read_text(encoding="utf-8") == answer, "the editor did not save the file"
            # Back in the lesson, the checks cell runs again in the same kernel.
            page.evaluate(OPEN, LESSON)
            page.click(".jp-Notebook .jp-Cell >> nth=-1")
            run_command(page, passed_shot, "notebook:run-cell")
            passing = table_text(page, passed_shot, f"last.innerText.includes('{POINTS}/{POINTS} points')")
            page.screenshot(path=str(passed_shot), full_page=False)
        finally:
            browser.close()
    print(f"screenshots: {shot} (the stub: failed checks with hints), {passed_shot} (after the edit)")
    for fragment in (ITEM, "task", "check", f"0/{POINTS} points", "✗", "hint:", "NotImplementedError"):
        assert fragment in failing, f"{fragment!r} missing from the rendered checks table:\n{failing}"
    for fragment in ("✓", f"{POINTS}/{POINTS} points"):
        assert fragment in passing, f"{fragment!r} missing from the table after the edit:\n{passing}"
    for absent in ("✗", "NotImplementedError"):
        assert absent not in passing, f"{absent!r} still in the table after the edit (a stale import?):\n{passing}"
    assert shot.stat().st_size > 10_000 and passed_shot.stat().st_size > 10_000
