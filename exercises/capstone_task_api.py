"""Capstone: a secure task-manager API (the contract is in notebooks/capstone_task_api.ipynb).

Users register and log in; tasks live in a database and can be assigned to another user,
who is then notified in the background. Access tokens open the API, refresh tokens
(used once each) renew them, admins manage roles, logins are rate-limited, and every
request leaves one audit record. The engine, the session factory, the hashing functions,
the request and answer models and ``send_notification`` are given.

Task 1. Registration. ``add_user(username, password, **fields)`` (``async``) stores a user
        in the ``users`` table (``id``, ``username`` unique, ``hashed_password``, ``role``
        default ``"user"``) with ``hash_password(password)``, and returns
        ``{"id", "username", "role"}``. Hashing is slow on purpose (tens of
        milliseconds of CPU): it never runs on the event loop, so call
        ``hash_password`` through ``run_in_threadpool`` in ``async`` code (or from a
        ``def`` route). ``POST /register (JSON ``{"username",
        "password"}``: username 3 to 32 characters, password 8 to 128) answers 201 with
        that ``UserRead``; a taken username is 409 ``"Username already registered"``.
        No answer ever contains a password or a hash.
Task 2. Login. ``POST /login`` (JSON ``{"username", "password"}``) answers
        ``{"access_token", "refresh_token", "token_type": "bearer"}``. Access tokens
        carry ``sub`` (the username), ``"type": "access"`` and ``exp`` (after
        ``ACCESS_TOKEN_MINUTES``). Wrong password or unknown user: 401 ``"Incorrect
        username or password"`` with ``WWW-Authenticate: Bearer``, and an unknown user
        still costs one ``verify_password`` call (against ``DUMMY_HASH``), made off the
        event loop like every hash. ``GET /me``
        answers the caller's ``UserRead``; no token is 401 ``"Not authenticated"``; a bad,
        expired or non-access token, one without ``sub`` or ``exp``, or an unknown user is
        401 ``"Could not validate credentials"``; both with ``WWW-Authenticate: Bearer``.
Task 3. Token refresh. Refresh tokens carry ``sub``, ``"type": "refresh"``, a unique
        ``jti`` and ``exp`` (after ``REFRESH_TOKEN_DAYS``). ``POST /refresh-token`` (JSON
        ``{"refresh_token"}``) answers a new pair and retires the old refresh token
        (rotation). A used, expired, forged or never-issued refresh token, one without
        ``jti``, or an access token: 401 ``"Invalid refresh token"`` with
        ``WWW-Authenticate: Bearer``.
Task 4. Roles. ``GET /users`` (every ``UserRead``, by id) and ``PATCH
        /users/{user_id}/role`` (JSON ``{"role": "admin" | "user"}``; 404 ``"User not
        found"``) are for admins only: any other caller gets 403 ``"Admin role
        required"``. The role is read from the stored user on every request, never from
        the token's claims, a header or a body (``/register`` always makes a ``"user"``).
Task 5. Persistence. Tables are created in ``lifespan`` (not at import) and the engine is
        disposed of at shutdown; one session per request, always closed. ``tasks`` table:
        ``id``, ``title``, ``description``, ``done``, ``owner`` and ``assignee``
        (usernames). ``POST /tasks`` (``TaskCreate``) answers 201 with ``TaskRead``; an
        unknown assignee is 404 ``"Assignee not found"``. ``GET /tasks`` lists the tasks
        the caller owns or is assigned (an admin: all), by id. ``GET``/``PATCH``/
        ``DELETE /tasks/{task_id}``: a task the caller cannot see is 404 ``"Task not
        found"``; PATCH (``TaskUpdate``) changes the fields sent (null unassigns, and
        changes nothing for the other fields) and answers the task; DELETE answers 204 for
        the owner or an admin, else 403 ``"Only the owner or an admin may delete a task"``.
Task 6. Background notification. Assigning a task to a user (on creation, or a PATCH that
        changes the assignee) schedules ``send_notification(assignee, task_id, title)``
        with ``BackgroundTasks``: it runs after the response, once, and never for a
        refused request or an unchanged assignee.
Task 7. Rate-limited login. Each client (``request.client.host``) may make
        ``LOGIN_ATTEMPTS`` = 5 login attempts (successful or not) per
        ``LOGIN_WINDOW_SECONDS`` = 60 seconds; the next one answers 429 ``"Too many login
        attempts, try again later"`` with a ``Retry-After`` header (the whole seconds until
        the oldest attempt leaves the window), even with the right password. Other routes
        are not limited. The window slides (a log of attempt times); a fixed window, which
        lets 10 attempts through around a minute's boundary, does not pass. With slowapi
        that means ``Limiter(..., strategy="moving-window")``: its default strategy is a
        fixed window. Two attempts at once must not both pass the check: keep the
        check-then-record step free of interleaving (an ``async def`` dependency, which
        runs on the loop without awaiting in between, or a lock).
Task 8. Audit records. A middleware appends exactly one record per request to
        ``AUDIT_LOG``, also for a 500 when a route raises: ``{"request_id", "user",
        "method", "path", "status"}``; ``user``
        is the verified caller (the auth dependency sets ``request.state.user``) or None;
        ``path`` has no query string; ``request_id`` is new per request and sent back in
        ``X-Request-ID``. No password, token or header ever reaches a record or a log.
"""

import math
import os
import time
import uuid
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

import jwt
from fastapi import BackgroundTasks, Depends, FastAPI, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ForeignKey, String, delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SECRET_KEY = "capstone-task-api-signing-key-change-me-in-production-0123456789"
ALGORITHM = "HS256"
ACCESS_TOKEN_MINUTES = 15
REFRESH_TOKEN_DAYS = 7
LOGIN_ATTEMPTS = 5  # per client and window
LOGIN_WINDOW_SECONDS = 60

# Read at import, from the environment: the checks point it at a test database.
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite+aiosqlite:///./tasks.db")

OUTBOX: list[dict] = []  # every notification sent
AUDIT_LOG: list[dict] = []  # one record per request

engine = create_async_engine(DATABASE_URL)  # connects lazily: importing opens nothing
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


# --- given: password hashing ------------------------------------------------------
# Argon2id at OWASP's minimum cost (19 MiB, 2 passes). Every hash and every check in
# the app goes through these two functions; the checks swap them for a fast stand-in.
password_hasher = PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19456, parallelism=1),))
# A hash of a random password: checked for unknown usernames, so that they cost as
# much as a wrong password (the time of a refusal must not reveal who has an account).
DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$pgA+0csA4ZqlDelwJ3lX3g$AnWxuNQ87rVFQBnft2oJ2czhN7Ohvju9x6eYGKfmrMI"


def hash_password(password: str) -> str:
    return password_hasher.hash(password)


def verify_password(password: str, hashed: str) -> bool:
    return password_hasher.verify(password, hashed)


# --- given: the notification service ------------------------------------------------


def send_notification(username: str, task_id: int, title: str) -> None:
    """Deliver one notification (stands for an e-mail or push service)."""
    OUTBOX.append({"to": username, "task_id": task_id, "title": title})


# --- given: what the API reads and answers ----------------------------------------


class UserCreate(BaseModel):
    username: Annotated[str, Field(min_length=3, max_length=32)]
    password: Annotated[str, Field(min_length=8, max_length=128)]


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    role: str


class Credentials(BaseModel):
    username: str
    password: str


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"


class RefreshRequest(BaseModel):
    refresh_token: str


class RoleChange(BaseModel):
    role: Literal["admin", "user"]


class TaskCreate(BaseModel):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=2000)] = ""
    assignee: str | None = None


class TaskUpdate(BaseModel):
    title: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    description: Annotated[str, Field(max_length=2000)] | None = None
    done: bool | None = None
    assignee: str | None = None  # null unassigns


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    description: str
    done: bool
    owner: str
    assignee: str | None


# TODO (task 5): declare the User and Task models (tables "users" and "tasks"), make the
# tables in the lifespan and dispose of the engine after it.
@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield


async def get_session() -> AsyncIterator[AsyncSession]:
    # TODO (task 5): yield one session from SessionLocal per request, and close it.
    raise NotImplementedError("get_session() is not written yet")
    yield


SessionDep = Annotated[AsyncSession, Depends(get_session)]

app = FastAPI(title="Task manager", lifespan=lifespan)
bearer = HTTPBearer(auto_error=False)


# TODO (task 8): an HTTP middleware that appends one record per request to AUDIT_LOG
# ({"request_id", "user", "method", "path", "status"}) and sets the X-Request-ID header.


async def add_user(username: str, password: str, **fields: Any) -> dict[str, Any]:
    # TODO (task 1): store the user (hash_password, off the event loop: it is slow) and return
    # {"id", "username", "role"}.
    raise NotImplementedError("add_user() is not written yet")


@app.post("/register", response_model=UserRead, status_code=status.HTTP_201_CREATED)
async def register(new_user: UserCreate, session: SessionDep):
    # TODO (task 1): 409 for a taken username; store the user with the role "user".
    raise NotImplementedError("register() is not written yet")


@app.post("/login", response_model=TokenPair)
async def login(credentials: Credentials, session: SessionDep):
    # TODO (tasks 2, 3, 7): check the budget of the client, then the password; answer a token pair.
    raise NotImplementedError("login() is not written yet")


# TODO (task 2): a dependency that turns the Bearer access token into the stored user
# (and sets request.state.user), then GET /me.


@app.post("/refresh-token", response_model=TokenPair)
async def refresh_token(body: RefreshRequest, session: SessionDep):
    # TODO (task 3): verify the refresh token, retire it, and answer a new pair.
    raise NotImplementedError("refresh_token() is not written yet")


# TODO (task 4): GET /users and PATCH /users/{user_id}/role, for admins only.
# TODO (tasks 5, 6): POST /tasks, GET /tasks, GET, PATCH and DELETE /tasks/{task_id};
# notify a new assignee with BackgroundTasks and send_notification.
