"""Driving the grading service in tests: a server on a temporary store, its accounts, a
student's submission and the wait for its grade.

Shared by tests/service/*: one place knows the sign-up, roster and submit calls, so a
test reads as the scenario it checks. The server is the real app through ``TestClient``
(its lifespan runs: tables, the instructor's invite, the queue, the sweeper), or the same
app served over HTTP by uvicorn on a loopback port, for a browser (:func:`serve_http`).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import uvicorn
from fastapi.testclient import TestClient

from autograder.paths import EXERCISES, SOLUTIONS
from autograder.service.app import create_app
from autograder.service.settings import Settings

SECRET = "s" * 48
PASSWORD = "correct horse battery"
#: The item most service tests submit: small, quick to grade, full marks or none.
ITEM = "async01_why_async"


def settings_for(folder: Path, **changes) -> Settings:
    """Settings on a fresh SQLite store in ``folder`` (changes override any field)."""
    return Settings(database_url=f"sqlite+aiosqlite:///{folder / 'service.db'}", secret=SECRET, **changes)


def solution(item: str = ITEM) -> bytes:
    return (SOLUTIONS / f"{item}.py").read_bytes()


def stub(item: str = ITEM) -> bytes:
    return (EXERCISES / f"{item}.py").read_bytes()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Service:
    """A running app, its instructor signed in, and helpers to act as its students."""

    client: TestClient
    invites: list = field(default_factory=list)
    instructor: dict[str, str] = field(default_factory=dict)

    def sign_up(self, token: str, password: str = PASSWORD) -> dict:
        response = self.client.post("/api/signup", json={"token": token, "password": password})
        assert response.status_code == 200, response.text
        return response.json()

    def enrol(self, *names: str) -> dict[str, dict]:
        """Import a roster of ``names``; the invite of each new student, by name."""
        roster = "name\n" + "\n".join(names) + "\n"
        response = self.client.post("/api/roster", headers=self.instructor, files={"file": ("roster.csv", roster)})
        assert response.status_code == 200, response.text
        return {invite["name"]: invite for invite in response.json()}

    def student(self, name: str) -> dict[str, str]:
        """Enrol ``name``, sign them up, and return their authorisation header."""
        invite = self.enrol(name)[name]
        return bearer(self.sign_up(invite["token"])["access_token"])

    def submit(self, headers: dict[str, str], content: bytes, item: str = ITEM, filename: str | None = None):
        return self.client.post(f"/api/submissions/{item}", headers=headers,
                                files={"file": (filename or f"{item}.py", content, "text/x-python")})

    def wait(self, headers: dict[str, str], submission: int, seconds: float = 120.0) -> dict:
        """The submission once graded (polls; fails the test past ``seconds``)."""
        deadline = time.monotonic() + seconds
        while True:
            state = self.client.get(f"/api/submissions/{submission}", headers=headers).json()
            if state["status"] == "graded":
                return state
            assert time.monotonic() < deadline, f"submission {submission} not graded within {seconds} s: {state}"
            time.sleep(0.05)


def start(settings: Settings) -> tuple[TestClient, list]:
    """The app for ``settings`` and the list its invites are appended to (not yet entered)."""
    invites: list = []
    return TestClient(create_app(settings, on_invite=invites.append)), invites


def open_service(client: TestClient, invites: list) -> Service:
    """An entered client's service with its instructor signed up from the first invite."""
    service = Service(client, invites)
    tokens = service.sign_up(invites[0].token)
    service.instructor = bearer(tokens["access_token"])
    return service


@dataclass
class HttpService:
    """The app served over HTTP: its address and the invites it printed."""

    url: str
    invites: list


@contextmanager
def serve_http(settings: Settings, seconds: float = 60.0) -> Iterator[HttpService]:
    """Serve ``settings``' app with uvicorn in a thread, on a free loopback port, until the block ends.

    The socket is bound here (port 0: the system picks a free one), so the sign-up links
    the app prints already name the port, and no other test can take it in between.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    invites: list = []
    app = create_app(replace(settings, public_url=url), on_invite=invites.append)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on",
                                           timeout_graceful_shutdown=int(seconds) // 2))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="uvicorn", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + seconds
        while not server.started:
            assert thread.is_alive(), "the server stopped while starting"
            assert time.monotonic() < deadline, f"the server did not start within {seconds} s"
            time.sleep(0.05)
        yield HttpService(url, invites)
    finally:
        server.should_exit = True
        thread.join(seconds)
        sock.close()
        assert not thread.is_alive(), f"the server did not stop within {seconds} s"
