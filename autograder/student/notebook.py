"""Calls for the lesson notebooks.

``check(item_id)`` runs the item's public checks on the *saved* exercise file, in a
worker process (the kernel never imports the student's module, so there is no stale
import and no frozen kernel), records the outcome in the progress file, and returns a
report that Jupyter renders as a table. ``hint`` and ``progress`` mirror the CLI, and
``login``/``submit`` reach the course's grading service (:mod:`autograder.student.submit`).
Each call is where the notebook's side starts, so each loads the course once and passes it on.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Group
from rich.text import Text

from autograder import manifest
from autograder.student import hints
from autograder.student import progress as tracker
from autograder.student import submit as service
from autograder.student.check import CheckReport, run_checks
from autograder.student.state import remember


def check(item_id: str, folder: str | Path | None = None) -> CheckReport:
    report = run_checks(manifest.load().item(item_id), Path(folder) if folder else None)
    remember([report])
    return report


class _Rich:
    """Wraps a rich renderable so that Jupyter shows it as HTML (and text elsewhere)."""

    def __init__(self, renderable: object) -> None:
        self.renderable = renderable

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict[str, str]:
        import os

        from rich.console import Console

        with open(os.devnull, "w") as sink:
            console = Console(record=True, width=100, force_jupyter=False, file=sink)
            console.print(self.renderable)
            text = console.export_text(clear=False)
            html = console.export_html(inline_styles=True, code_format="<pre>{code}</pre>")
        return {"text/plain": text, "text/html": html}

    def __repr__(self) -> str:
        return self._repr_mimebundle_()["text/plain"]


def hint(item_id: str, task: int | None = None, folder: str | Path | None = None) -> _Rich:
    """The next level of a task's hint (by default the first task the last check failed):
    one more level at each call, the idea first and code last."""
    lines = hints.lines(manifest.load().item(item_id), Path(folder) if folder else None, task,
                        again=f'hint("{item_id}")')
    return _Rich(Group(Text(lines[0], style="bold"), *(Text(line) for line in lines[1:])))


def progress(folder: str | Path | None = None) -> _Rich:
    """Which items pass their public checks, by section (re-checking edited files)."""
    course, where = manifest.load(), Path(folder) if folder else None
    return _Rich(tracker.render(course, tracker.refresh(course, where), where))


def login(server: str, username: str | None = None, password: str | None = None, token: str | None = None) -> str:
    """Sign in to the grading service once (a password, or the token your page shows);
    asks for the password without echoing it when only a user name is given."""
    if username and password is None and token is None:
        import getpass

        password = getpass.getpass("password: ")
    kept = service.login(server, username, password, token)
    return f"signed in to {kept.server} as {kept.username}"


def submit(item_id: str, folder: str | Path | None = None) -> service.Feedback:
    """Submit the saved exercise file to the grading service; the feedback shows as a table
    once it is graded (what the course's policy allows before the deadline)."""
    return service.submit(manifest.load().item(item_id), Path(folder) if folder else None)
