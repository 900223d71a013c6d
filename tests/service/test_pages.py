"""The pages as files and headers (what a browser makes of them is test_pages_browser.py):
each is served with the strict Content-Security-Policy, runs only the package's own script
files, and no script ever writes data as HTML."""

from __future__ import annotations

import re

import pytest

from autograder.service import pages
from autograder.service.app import SECURITY_HEADERS

PAGES = ["/", "/signup", "/student", "/instructor"]
# A <script> element with no src attribute: inline code, which the CSP would refuse to run.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
# An attribute that runs code (onclick=..., href="javascript:...").
HANDLER = re.compile(r"""\son[a-z]+\s*=|javascript:""", re.IGNORECASE)
# The DOM's ways of parsing a string as HTML or running it as code.
HTML_SINKS = ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function")


@pytest.mark.parametrize("path", PAGES)
def test_each_page_is_served_with_the_strict_headers(service, path):
    response = service.client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["Cache-Control"] == "no-store"
    scripts = re.findall(r'<script src="/static/([^"]+)"', response.text)
    assert scripts[0] == "common.js" and len(scripts) == 2, scripts


def test_the_static_files_are_served_by_name_and_nothing_else(service):
    assert {"common.js", "signin.js", "signup.js", "student.js", "instructor.js", "service.css"} <= set(pages.FILES)
    for name in pages.FILES:
        response = service.client.get(f"/static/{name}")
        assert response.status_code == 200
        assert response.headers["content-type"] == pages.MEDIA[pages.FILES[name].suffix]
        assert response.headers["Content-Security-Policy"] == SECURITY_HEADERS["Content-Security-Policy"]
    for name in ["pages.py", "nothing.js", "..%2Fpages.py", "%2E%2E%2Fapp.py"]:
        assert service.client.get(f"/static/{name}").status_code == 404, name


def test_no_template_runs_inline_code_and_each_names_files_that_exist():
    templates = sorted(pages.TEMPLATES.glob("*.html.j2"))
    assert len(templates) == 5
    for template in templates:
        text = template.read_text(encoding="utf-8")
        assert not INLINE_SCRIPT.search(text), f"{template.name}: an inline <script>"
        assert not HANDLER.search(text), f"{template.name}: an inline event handler"
        for name in re.findall(r'/static/([\w.{} ]+)"', text):
            assert name.startswith("{{") or name in pages.FILES, f"{template.name}: {name} is not a static file"


def test_no_script_writes_data_as_html():
    for name, path in pages.FILES.items():
        if path.suffix != ".js":
            continue
        text = path.read_text(encoding="utf-8")
        assert text.startswith("//") and '"use strict";' in text, name
        for sink in HTML_SINKS:
            assert sink not in text, f"{name} uses {sink}"
