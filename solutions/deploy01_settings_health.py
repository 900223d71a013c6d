"""Ready for deployment: settings from the environment, an app factory, proxy headers, health checks.

The same code runs on a laptop, in CI and in production; what differs is configuration,
and it comes from the environment (a ``.env`` file for local work). A setting that is
missing or invalid must stop the start, not the first request an hour later. Behind a
proxy, the client's address and scheme come from headers that only the proxy may set.
An orchestrator needs to ask two questions: is the process alive, and may it have traffic.

Run it with ``uvicorn deploy01_settings_health:create_app --factory`` (see the lesson).

Task 1. ``Settings`` (pydantic-settings) reads variables prefixed ``APP_`` and the file
        ``.env`` in the working directory; a variable of the environment wins over the
        same one in ``.env``. Fields: ``app_name`` (default ``"inventory"``),
        ``database_url`` (required), ``api_key`` (required, a ``SecretStr``), ``debug``
        (default ``False``), ``request_timeout`` (a float greater than 0, default 5.0),
        ``trusted_proxies`` (a list of addresses, default ``["127.0.0.1"]``). Invalid
        values raise a ``ValidationError``; the key never shows in ``repr``, ``str`` or
        ``model_dump_json()``.
Task 2. ``create_app(settings=None)`` builds the app. Without settings it loads
        ``Settings()`` at once, so a missing or invalid setting stops the start with an
        error that names it; it keeps them in ``app.state.settings``. ``GET /config`` answers ``{"app_name", "debug",
        "request_timeout", "trusted_proxies"}`` to a request whose ``X-API-Key`` header
        is the key (compared in constant time), 401 otherwise. Never the key, never
        ``database_url`` (it may hold a password).
Task 3. The app trusts ``X-Forwarded-For`` and ``X-Forwarded-Proto`` only from the
        addresses in ``trusted_proxies`` (uvicorn's ``ProxyHeadersMiddleware``).
        ``GET /whoami`` answers ``{"client": <client host>, "scheme": <http or https>}``.
Task 4. A lifespan connects ``Database(settings.database_url)`` at startup and
        disconnects it at shutdown. ``GET /health/live`` always answers 200
        ``{"status": "alive"}``. ``GET /health/ready`` answers 200 ``{"status": "ready"}``
        only from the end of startup to the start of shutdown, and 503
        ``{"status": "not ready"}`` otherwise: before the database is connected, and
        from the moment shutdown begins (before the database is disconnected).
"""

import asyncio
import secrets
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, Header, HTTPException, Request, status
from fastapi.responses import JSONResponse
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware


class Database:
    """Stand-in for a connection pool (given): connect at startup, disconnect at shutdown."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.connected = False

    async def connect(self) -> None:
        await asyncio.sleep(0)
        self.connected = True

    async def disconnect(self) -> None:
        await asyncio.sleep(0)
        self.connected = False


@asynccontextmanager
async def lifespan(app: FastAPI):
    """Startup before the yield, shutdown after it (task 4)."""
    # BEGIN SOLUTION
    database = Database(app.state.settings.database_url)
    await database.connect()
    app.state.ready = True
    try:
        yield
    finally:
        app.state.ready = False
        await database.disconnect()
    # END SOLUTION
    # STUB: # TODO (task 4): connect Database(...) and say ready; at shutdown say not ready, then disconnect.
    # STUB: yield


# BEGIN SOLUTION
class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_", env_file=".env")

    app_name: str = "inventory"
    database_url: str
    api_key: SecretStr
    debug: bool = False
    request_timeout: float = Field(default=5.0, gt=0)
    trusted_proxies: list[str] = ["127.0.0.1"]


PUBLIC_SETTINGS = {"app_name", "debug", "request_timeout", "trusted_proxies"}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(lifespan=lifespan)  # the lifespan reads app.state.settings
    app.state.settings = settings
    app.state.ready = False
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxies)

    def require_api_key(x_api_key: Annotated[str | None, Header()] = None) -> None:
        expected = settings.api_key.get_secret_value().encode()
        if x_api_key is None or not secrets.compare_digest(x_api_key.encode(), expected):
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Invalid or missing API key")

    @app.get("/config", dependencies=[Depends(require_api_key)])
    async def public_config() -> dict:
        return settings.model_dump(include=PUBLIC_SETTINGS)

    @app.get("/whoami")
    async def whoami(request: Request) -> dict:
        return {"client": request.client.host if request.client else None, "scheme": request.url.scheme}

    @app.get("/health/live")
    async def live() -> dict:
        return {"status": "alive"}

    @app.get("/health/ready")
    async def ready(request: Request):
        if request.app.state.ready:
            return {"status": "ready"}
        return JSONResponse({"status": "not ready"}, status_code=status.HTTP_503_SERVICE_UNAVAILABLE)

    return app
# END SOLUTION
# STUB: class Settings(BaseSettings):
# STUB:     """TODO (task 1): the fields, read from APP_* variables and from .env; the key is a SecretStr."""
# STUB:
# STUB:
# STUB: def create_app(settings: Settings | None = None) -> FastAPI:
# STUB:     # TODO (task 2): load Settings() when none is given (the check at start), keep it in app.state.settings;
# STUB:     #                GET /config.
# STUB:     # TODO (task 3): ProxyHeadersMiddleware trusting settings.trusted_proxies only; GET /whoami.
# STUB:     # TODO (task 4): a lifespan that connects and disconnects Database; /health/live and /health/ready.
# STUB:     raise NotImplementedError("create_app() is not written yet")
