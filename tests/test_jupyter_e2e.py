"""End to end in a real browser: JupyterLab opens a lesson, the checks cell renders its table.

Starts JupyterLab on loopback, drives Debian's Chromium with Playwright, runs every
cell of the async01 lesson and asserts the check table the last cell renders. The
screenshot is kept in ``artifacts/``. Skips, with the reason, where Chromium or
Playwright is not installed.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from autograder.paths import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "artifacts"
LESSON = "notebooks/async01_why_async.ipynb"
# Flags for a sandboxed, offline machine: no first-run UI, no background traffic.
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]



# Every cell stays in the page (JupyterLab 4 otherwise renders only the cells in view, so
# the checks cell's output may be missing from the DOM), and no news pop-up in the shot.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false"},
}
# Runs a JupyterLab command and tells how its promise settled (run-all settles when the
# last cell has run), or that it is still pending after 5 minutes.
RUN_COMMAND = ("command => Promise.race([window.jupyterapp.commands.execute(command)"
               ".then(value => 'resolved ' + value, error => 'rejected ' + error), "
               "new Promise(settle => setTimeout(() => settle('pending after 300 s'), 300000))])")


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
def jupyterlab(tmp_path):
    port = free_port()
    settings = tmp_path / "settings"
    for name, values in LAB_SETTINGS.items():
        (settings / name).parent.mkdir(parents=True, exist_ok=True)
        (settings / name).write_text(json.dumps(values), encoding="utf-8")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"),
           "JUPYTERLAB_SETTINGS_DIR": str(settings), "WORKBOOK_STATE": str(tmp_path / "state.json")}
    process = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         "--IdentityProvider.token=", "--ServerApp.password=", "--ServerApp.disable_check_xsrf=True",
         f"--ServerApp.root_dir={ROOT}", "--LabApp.expose_app_in_browser=True", "--allow-root"],
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


def test_checks_cell_renders_the_table_in_jupyterlab(jupyterlab):
    playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "jupyterlab-check.png"
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{jupyterlab}/lab/tree/{LESSON}", timeout=120_000)
            page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=120_000)
            page.wait_for_function(
                "() => window.jupyterapp && document.querySelector('.jp-Notebook-ExecutionIndicator')", timeout=120_000)
            # The built notebook stores outputs: clear them, so what we assert is this run's.
            page.evaluate(RUN_COMMAND, "notebook:clear-all-cell-outputs")  # settles at once
            page.wait_for_function(last_cell("!last.querySelector('.jp-OutputArea-output')"), timeout=60_000)
            page.click(".jp-Notebook .jp-Cell >> nth=1")  # commands act on the focused notebook
            assert page.evaluate(RUN_COMMAND, "notebook:run-all-cells") == "resolved true"
            page.wait_for_function(last_cell("!!last.querySelector('.jp-OutputArea-output') && "
                                             "last.innerText.includes('points')"), timeout=300_000)
            output = page.locator(".jp-Notebook .jp-Cell").last.locator(".jp-OutputArea-output").first
            output.scroll_into_view_if_needed()
            text = output.inner_text()
            page.screenshot(path=str(shot), full_page=False)
        finally:
            browser.close()
    print(f"screenshot: {shot}")
    for fragment in ("async01_why_async", "task", "check", "points", "✗", "hint:", "NotImplementedError"):
        assert fragment in text, f"{fragment!r} missing from the rendered checks table:\n{text}"
    assert shot.stat().st_size > 10_000
