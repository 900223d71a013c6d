"""Hidden suite for deploy01_settings_health.

Catches: settings read from ``os.environ`` by hand or without the ``APP_`` prefix, a
``.env`` file ignored or winning over the environment (``load_dotenv(override=True)``),
a required setting given a default (the app then starts without a database), values
not validated (``request_timeout=0``, ``debug=maybe``), the API key stored as ``str``
(it shows in ``repr``, logs and JSON dumps); settings read lazily at the first request
instead of at start, ``/config`` leaking the key or the database URL or open without the
key; forwarded headers trusted from anyone (``trusted_hosts="*"``) or never;
readiness that is a constant 200, turns ready before the database is connected, or
stays ready while shutdown closes it; a database never disconnected.

Every test runs in an empty folder of its own (the ``.env`` of the test) with every
``APP_`` variable removed. The lifespan is driven at the ASGI level, so the suite can
ask for ``/health/ready`` while startup or shutdown is still in progress: the given
``Database`` is replaced by one that waits at a gate the test opens. No sleeps.
"""

from __future__ import annotations

import asyncio
import json
import os

import pytest
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_json, expect_status, run
from autograder.kit.fixtures import ContainAbort

KEY = "k3y-7f1c9e2a-never-show-me"
DB_URL = "postgresql://inventory:hunter2-db-password@db.internal:5432/inventory"
FAILSAFE = 5.0


@pytest.fixture
def env(monkeypatch, tmp_path):
    """An empty working folder and no APP_ variable; returns a setter for both."""
    for name in list(os.environ):
        if name.upper().startswith("APP_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)

    class Env:
        def clear(self):
            for name in list(os.environ):
                if name.upper().startswith("APP_"):
                    monkeypatch.delenv(name)

        def set(self, **values):
            for name, value in values.items():
                monkeypatch.setenv(f"APP_{name.upper()}", value)

        def dotenv(self, **values):
            lines = [f"APP_{name.upper()}={value}" for name, value in values.items()]
            (tmp_path / ".env").write_text("\n".join(lines) + "\n", encoding="utf-8")

    return Env()


def build(student, student_path, settings=None):
    try:
        app = student.create_app() if settings is None else student.create_app(settings)
    except Exception as exc:  # noqa: BLE001 - the student's error, reported in one line
        pytest.fail(f"create_app() raised {type(exc).__name__}: {str(exc).splitlines()[0][:160]}", pytrace=False)
    app.add_middleware(ContainAbort, student_file=student_path)
    return app


def valid(env, **extra):
    env.set(database_url=DB_URL, api_key=KEY, **extra)


# --- task 1: settings ----------------------------------------------------------------------------

@pytest.mark.task(1)
@pytest.mark.points(1)
def test_settings_come_from_env_and_dotenv(student, env):
    """APP_ variables and .env are read, typed and defaulted, and the environment wins over .env"""
    env.dotenv(database_url="sqlite:///from-dotenv.db", api_key="dotenv-key", debug="true",
               request_timeout="9.5")
    env.set(database_url=DB_URL, request_timeout="0.5", trusted_proxies='["10.0.0.1", "10.0.0.2"]')
    settings = student.Settings()
    expect(settings.database_url == DB_URL,
           f"database_url is {settings.database_url!r} with APP_DATABASE_URL={DB_URL!r} in the environment and "
           "another value in .env; the environment must win (read both with pydantic-settings)")
    expect(settings.api_key.get_secret_value() == "dotenv-key",
           "api_key set only in .env was not read from it; SettingsConfigDict(env_file='.env')")
    expect(settings.debug is True, f"APP_DEBUG=true in .env gave debug={settings.debug!r}; expected True")
    expect(settings.request_timeout == 0.5,
           f"APP_REQUEST_TIMEOUT=0.5 gave request_timeout={settings.request_timeout!r}; expected the float 0.5 "
           "(any timeout greater than 0 is valid)")
    expect(settings.trusted_proxies == ["10.0.0.1", "10.0.0.2"],
           f"APP_TRUSTED_PROXIES='[\"10.0.0.1\", \"10.0.0.2\"]' gave {settings.trusted_proxies!r}")
    expect(settings.app_name == "inventory", f"app_name defaults to {settings.app_name!r}; expected 'inventory'")
    os.remove(".env")
    env.clear()
    valid(env)
    plain = student.Settings()
    expect((plain.debug, plain.request_timeout, plain.trusted_proxies) == (False, 5.0, ["127.0.0.1"]),
           f"the defaults are debug={plain.debug!r}, request_timeout={plain.request_timeout!r}, trusted_proxies="
           f"{plain.trusted_proxies!r}; expected False, 5.0 and ['127.0.0.1']")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_missing_or_invalid_settings_are_refused(student, env):
    """a missing database_url or api_key, request_timeout <= 0 or a non-boolean debug raise a ValidationError"""
    from pydantic import ValidationError

    valid(env)
    settings = student.Settings()
    expect(settings.database_url == DB_URL, "APP_DATABASE_URL was not read")
    cases = [({"api_key": KEY}, "database_url", "without APP_DATABASE_URL"),
             ({"database_url": DB_URL}, "api_key", "without APP_API_KEY"),
             ({"database_url": DB_URL, "api_key": KEY, "request_timeout": "0"}, "request_timeout",
              "with APP_REQUEST_TIMEOUT=0"),
             ({"database_url": DB_URL, "api_key": KEY, "request_timeout": "-1"}, "request_timeout",
              "with APP_REQUEST_TIMEOUT=-1"),
             ({"database_url": DB_URL, "api_key": KEY, "debug": "maybe"}, "debug", "with APP_DEBUG=maybe")]
    for values, field, what in cases:
        env.clear()
        env.set(**values)
        try:
            student.Settings()
        except ValidationError as exc:
            named = {str(part) for error in exc.errors() for part in error.get("loc", ())}
            expect(field in named, f"Settings() {what} raised an error about {sorted(named)}; expected {field!r}")
        else:
            pytest.fail(f"Settings() {what} was accepted; it must raise a ValidationError "
                        f"(no default for a required setting; Field(gt=0) for the timeout)", pytrace=False)


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_api_key_is_a_secret(student, env):
    """the key is kept as a SecretStr: absent from repr(), str() and model_dump_json()"""
    valid(env)
    settings = student.Settings()
    getter = getattr(settings.api_key, "get_secret_value", None)
    expect(getter is not None and getter() == KEY,
           f"api_key is a {type(settings.api_key).__name__}; declare it SecretStr (read it with get_secret_value())")
    for shown, text in (("repr(settings)", repr(settings)), ("str(settings)", str(settings)),
                        ("settings.model_dump_json()", settings.model_dump_json())):
        expect(KEY not in text, f"{shown} shows the API key; a SecretStr shows '**********'")


# --- task 2: the factory and /config ---------------------------------------------------------------

@pytest.mark.task(2)
@pytest.mark.points(1)
def test_create_app_checks_the_settings_at_start(student, student_path, env):
    """create_app() fails at once, naming the setting, when one is missing; given settings are used as they are"""
    env.set(api_key=KEY)
    try:
        student.create_app()
    except Exception as exc:  # noqa: BLE001 - a ValidationError, or the student's own error
        expect("database_url" in str(exc).lower(),
               f"create_app() without APP_DATABASE_URL raised {type(exc).__name__} without naming the setting: "
               f"{str(exc)[:120]!r}")
    else:
        pytest.fail("create_app() without APP_DATABASE_URL built an app; load Settings() in create_app so that a "
                    "missing setting stops the start, not the first request", pytrace=False)
    valid(env)
    build(student, student_path)
    explicit = student.Settings(database_url="sqlite://", api_key="explicit-key", app_name="given")
    with TestClient(build(student, student_path, explicit)) as client:
        response = client.get("/config", headers={"X-API-Key": "explicit-key"})
        expect_status(response, 200, "create_app(settings) must use the settings it was given")
        expect(expect_json(response).get("app_name") == "given",
               "create_app(settings) must use the settings it was given, not load new ones")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_config_needs_the_key_and_hides_secrets(student, student_path, env):
    """GET /config: 401 without the right X-API-Key; with it, the public settings only"""
    valid(env, app_name="shop", debug="true")
    with TestClient(build(student, student_path)) as client:
        response = client.get("/config", headers={"X-API-Key": KEY})
        expect_status(response, 200, "the right X-API-Key must be let in")
        expected = {"app_name": "shop", "debug": True, "request_timeout": 5.0, "trusted_proxies": ["127.0.0.1"]}
        expect_json(response, expected, f"expected exactly {expected!r}")
        for leak in (KEY, "hunter2", "db.internal"):
            expect(leak not in response.text, f"GET /config shows {leak!r}; never answer the key or the database URL")
        for headers, what in (({}, "without X-API-Key"), ({"X-API-Key": KEY[:-1]}, "with a wrong key"),
                              ({"X-API-Key": KEY + "x"}, "with a longer key"),
                              ({"X-API-Key": ""}, "with an empty key")):
            refused = client.get("/config", headers=headers)
            expect_status(refused, 401, f"GET /config {what} must be 401")
            expect(KEY not in refused.text, "a refusal must not show the key")


# --- task 3: proxy headers --------------------------------------------------------------------------

FORWARDED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}


def whoami(app, peer):
    with TestClient(app, client=(peer, 40000)) as client:
        response = client.get("/whoami", headers=FORWARDED)
        expect_status(response, 200, "GET /whoami must answer 200")
        return expect_json(response)


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_forwarded_headers_from_a_trusted_proxy(student, student_path, env):
    """behind a proxy listed in trusted_proxies, /whoami shows the forwarded client and scheme"""
    valid(env, trusted_proxies='["10.0.0.5"]')
    seen = whoami(build(student, student_path), "10.0.0.5")
    expect(seen == {"client": "203.0.113.9", "scheme": "https"},
           f"a request through the trusted proxy 10.0.0.5 gave {seen!r}; expected the forwarded client "
           "203.0.113.9 and scheme https (ProxyHeadersMiddleware with trusted_hosts=settings.trusted_proxies)")
    env.set(trusted_proxies='["127.0.0.1"]')
    seen = whoami(build(student, student_path, student.Settings()), "127.0.0.1")
    expect(seen == {"client": "203.0.113.9", "scheme": "https"},
           f"with trusted_proxies ['127.0.0.1'], a request from 127.0.0.1 gave {seen!r}")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_forwarded_headers_from_anyone_else_are_ignored(student, student_path, env):
    """a client that is not a trusted proxy cannot choose its address or scheme with X-Forwarded-*"""
    valid(env, trusted_proxies='["10.0.0.5"]')
    app = build(student, student_path)
    expect(whoami(app, "10.0.0.5")["client"] == "203.0.113.9", "the trusted proxy's X-Forwarded-For was ignored")
    for peer in ("198.51.100.7", "127.0.0.1"):
        seen = whoami(build(student, student_path), peer)
        expect(seen == {"client": peer, "scheme": "http"},
               f"a direct request from {peer} (not in trusted_proxies) set its address and scheme with "
               f"X-Forwarded-* headers: {seen!r}; trust only settings.trusted_proxies (never '*')")


# --- task 4: lifespan, liveness and readiness -----------------------------------------------------------

class GatedDatabase:
    """Builds a stand-in Database whose connect and disconnect wait at gates the test opens."""

    def __init__(self, base):
        self.events: list[str] = []
        self.instances = []
        self.connect_gate: asyncio.Event | None = None
        self.disconnect_gate: asyncio.Event | None = None
        outer = self

        class Gated(base):
            def __init__(self, url):
                super().__init__(url)
                outer.instances.append(self)

            async def connect(self):
                outer.events.append("connect")
                if outer.connect_gate is not None:
                    await outer.connect_gate.wait()
                await super().connect()
                outer.events.append("connected")

            async def disconnect(self):
                outer.events.append("disconnect")
                if outer.disconnect_gate is not None:
                    await outer.disconnect_gate.wait()
                await super().disconnect()
                outer.events.append("disconnected")

        self.cls = Gated


class Server:
    """Plays the ASGI server: runs the lifespan and sends requests while it is in progress."""

    def __init__(self, app):
        self.app = app
        self.state: dict = {}
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.said: list[str] = []

    async def _send(self, message):
        self.said.append(message["type"])

    async def start(self):
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.state}
        self.task = asyncio.create_task(self.app(scope, self.inbox.get, self._send))
        await self.inbox.put({"type": "lifespan.startup"})

    async def stop(self):
        await self.inbox.put({"type": "lifespan.shutdown"})

    async def get(self, path):
        answer: dict = {"body": b""}

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
            elif message["type"] == "http.response.body":
                answer["body"] += message.get("body", b"")

        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
                 "headers": [(b"host", b"testserver")], "client": ("127.0.0.1", 50000),
                 "server": ("testserver", 80), "state": dict(self.state)}
        try:
            await asyncio.wait_for(self.app(scope, receive, send), FAILSAFE)
        except Exception as exc:  # noqa: BLE001 - the student's error, reported in one line
            pytest.fail(f"GET {path} raised {type(exc).__name__}: {str(exc)[:120]}", pytrace=False)
        try:
            return answer.get("status"), json.loads(answer["body"] or b"null")
        except ValueError:
            return answer.get("status"), answer["body"][:80]


async def until(condition, what):
    for step in range(3000):
        if condition():
            return
        await asyncio.sleep(0 if step < 2000 else 0.001)
    pytest.fail(f"waited in vain: {what}", pytrace=False)


READY = (200, {"status": "ready"})
NOT_READY = (503, {"status": "not ready"})
ALIVE = (200, {"status": "alive"})


def gated_app(student, student_path, env, monkeypatch):
    valid(env)
    database = GatedDatabase(student.Database)
    monkeypatch.setattr(student, "Database", database.cls)
    return build(student, student_path), database


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_liveness_and_readiness_follow_the_lifespan(student, student_path, env, monkeypatch):
    """/health/live is 200 always; /health/ready is 503 until the lifespan ran, 200 while it runs"""
    app, database = gated_app(student, student_path, env, monkeypatch)
    client = TestClient(app)  # not entered: the lifespan has not run
    expect((client.get("/health/live").status_code, client.get("/health/live").json()) == ALIVE,
           "GET /health/live must answer 200 {'status': 'alive'} even before startup")
    early = client.get("/health/ready")
    expect((early.status_code, early.json()) == NOT_READY,
           f"before the lifespan ran, GET /health/ready answered {early.status_code} {early.text[:80]}; "
           "expected 503 {'status': 'not ready'}")
    with TestClient(app) as running:
        ready = running.get("/health/ready")
        expect((ready.status_code, ready.json()) == READY,
               f"after startup GET /health/ready answered {ready.status_code} {ready.text[:80]}; expected 200 "
               "{'status': 'ready'}")
        expect(len(database.instances) == 1 and database.instances[0].url == DB_URL,
               f"the lifespan made {len(database.instances)} Database(...) objects; expected one, with "
               "settings.database_url")
        expect(database.instances[0].connected, "the database was not connected at startup")
    expect(not database.instances[0].connected, "the database was still connected after shutdown: disconnect it "
                                                "after the lifespan's yield")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_not_ready_until_startup_finished(student, student_path, env, monkeypatch):
    """while startup is connecting the database, /health/ready is 503 and /health/live is 200"""
    app, database = gated_app(student, student_path, env, monkeypatch)

    async def scenario():
        database.connect_gate = asyncio.Event()
        server = Server(app)
        await server.start()
        await until(lambda: "connect" in database.events or server.task.done(),
                    "the lifespan never called Database(...).connect()")
        during = await server.get("/health/ready"), await server.get("/health/live")
        database.connect_gate.set()
        await until(lambda: "lifespan.startup.complete" in server.said or server.task.done(),
                    "startup never completed")
        after = await server.get("/health/ready")
        await server.stop()
        await asyncio.wait_for(server.task, FAILSAFE)
        return during, after

    (ready, live), after = run(scenario())
    expect(ready == NOT_READY, f"while startup was still connecting the database, GET /health/ready answered "
                               f"{ready}; expected 503 {{'status': 'not ready'}} (turn ready only once it is done)")
    expect(live == ALIVE, f"during startup GET /health/live answered {live}; liveness is always 200")
    expect(after == READY, f"once startup completed GET /health/ready answered {after}; expected 200")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_not_ready_from_the_start_of_shutdown(student, student_path, env, monkeypatch):
    """shutdown turns readiness to 503 before it disconnects the database, and then disconnects it"""
    app, database = gated_app(student, student_path, env, monkeypatch)

    async def scenario():
        server = Server(app)
        await server.start()
        await until(lambda: "lifespan.startup.complete" in server.said or server.task.done(),
                    "startup never completed")
        before = await server.get("/health/ready")
        database.disconnect_gate = asyncio.Event()
        await server.stop()
        await until(lambda: "disconnect" in database.events or server.task.done(),
                    "shutdown never called disconnect() on the database")
        during = await server.get("/health/ready"), await server.get("/health/live")
        database.disconnect_gate.set()
        await asyncio.wait_for(server.task, FAILSAFE)
        return before, during

    before, (ready, live) = run(scenario())
    expect(before == READY, f"after startup GET /health/ready answered {before}; expected 200")
    expect(ready == NOT_READY, f"while shutdown was disconnecting the database, GET /health/ready answered {ready};"
                               " expected 503: turn readiness off first thing after the yield")
    expect(live == ALIVE, f"during shutdown GET /health/live answered {live}; liveness is 200 while the process runs")
    expect(database.events[-1:] == ["disconnected"] and not database.instances[0].connected,
           f"the database was not disconnected at shutdown (calls: {database.events})")
