"""The browser the end-to-end tests drive: Debian's Chromium through Playwright.

Shared by tests/test_jupyter_e2e.py (JupyterLab), tests/outputs/test_report_browser.py
(the instructor's report) and tests/service/test_pages_browser.py (the service's pages).
Importing this module skips the importing test module, with the reason, where Playwright
is not installed; each test module skips itself where Chromium is not.
"""

from __future__ import annotations

import shutil

import pytest

from autograder.paths import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = ROOT / "artifacts"  # the screenshots the tests keep
# Flags for a sandboxed, offline machine: no first-run UI, no background traffic.
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
