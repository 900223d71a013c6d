"""Submitting to the grading service from the terminal or the notebook.

``workbook login SERVER`` (or ``login()`` in a notebook) signs in once, with the password
the student chose on their sign-up page or with a token copied from their page in the
browser; what is kept is the refresh token (in ``login.json`` beside the progress file,
readable by the student only), spent and replaced at each use as the service rotates it.
``workbook submit ITEM`` and ``submit("ITEM")`` send the saved exercise file, wait while
it is graded, and show the feedback the course's policy allows before the deadline.

Every failure is one line (:class:`SubmitError`): no server, a refused file, a spent
attempt allowance with the wait, a token the service no longer accepts.
"""

from __future__ import annotations

import html
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from autograder.manifest import Item
from autograder.paths import EXERCISES
from autograder.safe import clean
from autograder.student.state import state_file

#: How long ``submit`` waits for the grade before saying it is still queued.
WAIT_SECONDS = 120.0
POLL_SECONDS = 0.2


class SubmitError(Exception):
    """Submitting cannot go on (one readable line)."""


def login_file() -> Path:
    return Path(os.environ.get("WORKBOOK_LOGIN") or state_file().with_name("login.json"))


@dataclass
class Login:
    server: str
    username: str
    refresh_token: str

    def save(self) -> None:
        path = login_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"server": self.server, "username": self.username, "refresh_token": self.refresh_token}, out)

    @classmethod
    def load(cls) -> Login:
        path = login_file()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(data["server"], data["username"], data["refresh_token"])
        except FileNotFoundError:
            raise SubmitError("not signed in: run `workbook login SERVER` first") from None
        except (OSError, ValueError, KeyError, TypeError):
            raise SubmitError(f"{path} is not a login this workbook wrote; run `workbook login SERVER` again") from None


def _client(server: str) -> httpx.Client:
    return httpx.Client(base_url=server.rstrip("/"), timeout=30.0)


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except ValueError:
        detail = None
    text = detail if isinstance(detail, str) else response.reason_phrase
    if response.status_code == 429 and "Retry-After" in response.headers and "try again" not in text:
        text += f" (try again in {response.headers['Retry-After']} s)"
    return clean(text)


def _call(server: str, method: str, url: str, **kwargs) -> httpx.Response:
    try:
        with _client(server) as client:
            response = client.request(method, url, **kwargs)
    except httpx.HTTPError as exc:
        raise SubmitError(f"the grading service at {clean(server)} did not answer ({clean(type(exc).__name__)})") \
            from None
    if response.status_code >= 400:
        raise SubmitError(_detail(response))
    return response


def login(server: str, username: str | None = None, password: str | None = None, token: str | None = None) -> Login:
    """Sign in with a password, or with a refresh token from the student's page, and keep it."""
    if token:
        data = _call(server, "POST", "/api/refresh", json={"refresh_token": token}).json()
    elif username and password:
        data = _call(server, "POST", "/api/token", data={"username": username, "password": password}).json()
    else:
        raise SubmitError("give a user name and password, or a token from your page")
    kept = Login(server.rstrip("/"), data["username"], data["refresh_token"])
    kept.save()
    return kept


def _access() -> tuple[Login, str]:
    """A fresh access token, spending (and replacing) the kept refresh token."""
    kept = Login.load()
    try:
        data = _call(kept.server, "POST", "/api/refresh", json={"refresh_token": kept.refresh_token}).json()
    except SubmitError as exc:
        raise SubmitError(f"{exc} (run `workbook login {kept.server}` again)") from None
    kept.refresh_token = data["refresh_token"]
    kept.save()
    return kept, data["access_token"]


@dataclass
class Feedback:
    """A submission's state and, once graded, its result as the policy shows it."""

    item: Item
    submission: dict
    server: str = "the grading service"

    @property
    def graded(self) -> bool:
        return self.submission.get("status") == "graded"

    def lines(self) -> list[str]:
        s, r = self.submission, self.submission.get("result")
        head = f"{self.item.id}, attempt {s['attempt']}"
        if not self.graded or r is None:
            return [clean(f"{head}: stored and queued; not graded yet (your page on {self.server} shows the "
                          "feedback once it is)")]
        late = f", {s['days_late']} day(s) late" if s.get("days_late") else ""
        out = [clean(f"{head}: {r['score']:g}/{r['max_score']:g} points{late}")]
        if r.get("message"):
            out.append(clean(f"✗ {r['message']}"))
        for test in r.get("tests", []):
            mark = "✓" if test["status"] == "passed" else "✗"
            message = f": {test['message']}" if test.get("message") else ""
            out.append(clean(f"{mark} {test['name']} ({test['score']:g}/{test['max_score']:g}){message}"))
        if r.get("feedback") == "score":
            out.append("(before the deadline this item shows the score only)")
        elif r.get("feedback") == "tests":
            out.append("(before the deadline this item shows which tests pass, without messages)")
        return out

    def __repr__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        lines = self.lines()
        colours = {"✓": "#2e7d32", "✗": "#c62828"}
        rows = "".join(f"<tr><td style='text-align:left;color:{colours.get(line[:1], 'inherit')}'>"
                       f"{html.escape(line)}</td></tr>" for line in lines[1:])
        return (f"<table class='workbook-submit'><caption style='text-align:left'><b>{html.escape(lines[0])}</b>"
                f"</caption><tbody>{rows}</tbody></table>")


def submit(item: Item, folder: Path | None = None, wait: float = WAIT_SECONDS) -> Feedback:
    """Send the saved exercise file for ``item`` and wait (up to ``wait`` s) for its feedback."""
    file = Path(folder or EXERCISES) / item.filename
    if not file.is_file():
        raise SubmitError(f"{file} was not found")
    data = file.read_bytes()
    kept, access = _access()
    headers = {"Authorization": f"Bearer {access}"}
    queued = _call(kept.server, "POST", f"/api/submissions/{item.id}", headers=headers,
                   files={"file": (item.filename, data, "text/x-python")}).json()
    deadline = time.monotonic() + wait
    while True:
        state = _call(kept.server, "GET", f"/api/submissions/{queued['id']}", headers=headers).json()
        if state["status"] == "graded" or time.monotonic() >= deadline:
            return Feedback(item, state, kept.server)
        time.sleep(POLL_SECONDS)
