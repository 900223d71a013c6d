"""Driving the grading service in tests: a server on a temporary store, its accounts, a
student's submission and the wait for its grade.

Shared by tests/service/*: one place knows the sign-up, roster and submit calls, so a
test reads as the scenario it checks. The server is the real app through ``TestClient``
(its lifespan runs: tables, the instructor's invite, the queue, the sweeper), or the same
app served over HTTP by uvicorn on a loopback port, for a browser (:func:`serve_http`).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import anyio
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


class HeldQueue:
    """A queue that keeps the ids it is sent and grades nothing: for tests about what is
    stored or refused, which need no engine (and so stay fast on a loaded machine)."""

    def __init__(self) -> None:
        self.sent: list[int] = []

    async def send(self, submission_id: int) -> None:
        self.sent.append(submission_id)

    async def close(self) -> None:
        pass


def parse_events(text: str) -> list[dict]:
    """The ``submission`` events of a server-sent stream's text, each its data with its id."""
    out = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line and not line.startswith(":"))
        if fields.get("event") == "submission":
            out.append({**json.loads(fields["data"]), "event_id": int(fields["id"])})
    return out


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

    def sign_in(self, username: str, password: str = PASSWORD):
        """The response to the password flow."""
        return self.client.post("/api/token", data={"username": username, "password": password})

    def hold(self) -> HeldQueue:
        """Stop grading: submissions are stored and their ids kept, nothing is graded."""
        held = HeldQueue()
        self.client.app.state.queue = held
        return held

    def db(self, statement) -> list:
        """Run one statement on the store: a select's rows (scalars), or an update committed."""

        async def run():
            async with self.client.app.state.db.session() as session:
                result = await session.execute(statement)
                if statement.is_select:
                    return list(result.scalars().all())
                await session.commit()
                return []

        return self.client.portal.call(run)

    def events(self, path: str, headers: dict[str, str | bytes], enough: Callable[[list[dict]], bool],
               seconds: float = 60.0) -> tuple[int, list[dict]]:
        """The status and ``submission`` events of a live stream, read until ``enough(events)``
        (then the client disconnects, as a closed browser tab does) or ``seconds`` pass.

        Straight through the ASGI app: the test client waits for a response to end, and a
        live stream ends only when its client goes away."""
        app = self.client.app
        raw = [(k.lower().encode(), v if isinstance(v, bytes) else v.encode()) for k, v in headers.items()]
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
                 "headers": raw, "client": ("testclient", 50000), "server": ("testserver", 80)}

        async def run() -> tuple[int, list[dict]]:
            stop, state = anyio.Event(), {"status": 0, "text": "", "asked": False}

            async def receive():
                if not state["asked"]:
                    state["asked"] = True
                    return {"type": "http.request", "body": b"", "more_body": False}
                await stop.wait()
                return {"type": "http.disconnect"}

            async def send(message):
                if message["type"] == "http.response.start":
                    state["status"] = message["status"]
                elif message["type"] == "http.response.body":
                    state["text"] += message.get("body", b"").decode()
                    if enough(parse_events(state["text"])):
                        stop.set()

            with anyio.move_on_after(seconds):
                await app(scope, receive, send)
            return state["status"], parse_events(state["text"])

        return self.client.portal.call(run)

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
