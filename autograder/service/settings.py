"""What one run of the service is configured with, gathered in one frozen object.

Every part of the service reads its settings from here, and tests build their own: a
temporary SQLite file, the local engine, short token lifetimes. The signing secret is
made once per data folder and kept in a file only its owner may read, so tokens stay
valid across restarts and are never the same for two installs.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from autograder import manifest
from autograder.sandbox.limits import Limits, default_workers
from autograder.service import policy as rules

#: Where ``workbook server`` keeps its database and secret unless told otherwise.
DEFAULT_DATA = Path(".workbook") / "service"


@dataclass(frozen=True)
class Settings:
    #: SQLAlchemy URL of the store: SQLite (the default) or ``postgresql+asyncpg://...``.
    database_url: str
    #: The signing key of every token (HS256).
    secret: str
    #: ``redis://...`` sends grading to Celery workers; None grades in this process.
    broker_url: str | None = None
    course: manifest.Course = field(default_factory=manifest.load)
    limits: Limits = field(default_factory=Limits)
    #: Items graded at once by the local engine (each in its own worker process).
    workers: int = field(default_factory=default_workers)
    access_seconds: int = 15 * 60
    refresh_seconds: int = 14 * 24 * 3600
    signup_seconds: int = 14 * 24 * 3600
    #: A submission not graded this long after it was queued is queued again.
    requeue_after: float = 120.0
    #: How often the server looks for such submissions.
    sweep_every: float = 10.0
    #: Sign-in attempts allowed per account and per client address, per minute.
    logins_per_minute: int = 10
    #: Submissions allowed per student per minute, whatever the item (a flood's bound).
    submissions_per_minute: int = 30
    #: The address the sign-up links point at.
    public_url: str = "http://127.0.0.1:8000"
    #: The feedback, deadline and attempt rules (course.toml's [service] tables by default).
    policy: rules.Policy | None = None

    def __post_init__(self) -> None:
        if self.policy is None:
            object.__setattr__(self, "policy", rules.load(self.course))

    def rules(self, item: manifest.Item) -> rules.Rules:
        assert self.policy is not None
        return self.policy.rules(item)


def secret_for(folder: Path) -> str:
    """The secret kept in ``folder`` (made on first use, readable by its owner only)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secret"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as out:
        value = secrets.token_urlsafe(48)
        out.write(value)
    return value


def sqlite_url(folder: Path) -> str:
    return f"sqlite+aiosqlite:///{(folder / 'service.db').resolve()}"
