"""Public checks for deploy01_settings_health: settings, /config, /whoami, readiness.

Each check runs in an empty folder of its own with every APP_ variable removed, and
sets what it needs with monkeypatch: your own .env file is not read here.
"""

import os

import pytest
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_json, expect_status

KEY = "public-check-key-0123456789"


@pytest.fixture
def env(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.upper().startswith("APP_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("APP_DATABASE_URL", "sqlite:///public-check.db")
    monkeypatch.setenv("APP_API_KEY", KEY)
    return monkeypatch


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_settings_read_from_the_environment(student, env):
    """Settings() reads APP_DATABASE_URL, APP_API_KEY and APP_DEBUG from the environment"""
    env.setenv("APP_DEBUG", "true")
    settings = student.Settings()
    expect(settings.database_url == "sqlite:///public-check.db", f"database_url is {settings.database_url!r}")
    expect(settings.debug is True, f"APP_DEBUG=true gave debug={settings.debug!r}")
    expect(getattr(settings.api_key, "get_secret_value", lambda: None)() == KEY, "api_key must be a SecretStr")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_config_needs_the_key(student, env):
    """GET /config answers the public settings with the right X-API-Key, and 401 without it"""
    with TestClient(student.create_app()) as client:
        response = client.get("/config", headers={"X-API-Key": KEY})
        expect_status(response, 200, "the right key must be let in")
        expect(expect_json(response).get("app_name") == "inventory", f"/config answered {response.json()!r}")
        expect_status(client.get("/config"), 401, "GET /config without X-API-Key must be 401")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_whoami_behind_a_trusted_proxy(student, env):
    """through a trusted proxy (127.0.0.1), /whoami shows the client and scheme it forwarded"""
    app = student.create_app()
    with TestClient(app, client=("127.0.0.1", 40000)) as client:
        response = client.get("/whoami", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"})
    expect_json(response, {"client": "203.0.113.9", "scheme": "https"},
                "expected the forwarded client and scheme (ProxyHeadersMiddleware)")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_ready_only_once_started(student, env):
    """/health/ready is 503 before the lifespan ran and 200 once it started; /health/live is 200"""
    app = student.create_app()
    expect_status(TestClient(app).get("/health/ready"), 503, "before startup the app is not ready")
    with TestClient(app) as client:
        expect_status(client.get("/health/live"), 200, "liveness is always 200")
        expect_status(client.get("/health/ready"), 200, "after startup the app is ready")
