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


# BEGIN SOLUTION
# --- task 5: tables, lifespan, one session per request ------------------------------


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(32), unique=True)
    hashed_password: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="user")


class Task(Base):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000), default="")
    done: Mapped[bool] = mapped_column(default=False)
    owner: Mapped[str] = mapped_column(ForeignKey("users.username"))
    assignee: Mapped[str | None] = mapped_column(ForeignKey("users.username"))


class RefreshToken(Base):
    """The refresh tokens issued and not used yet (rotation), kept by their jti."""

    __tablename__ = "refresh_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("users.username"))


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    yield
    await engine.dispose()


async def get_session() -> AsyncIterator[AsyncSession]:
    async with SessionLocal() as session:  # closed, connection returned, when the request ends
        yield session
# END SOLUTION
# STUB: # TODO (task 5): declare the User and Task models (tables "users" and "tasks"), make the
# STUB: # tables in the lifespan and dispose of the engine after it.
# STUB: @asynccontextmanager
# STUB: async def lifespan(app: FastAPI) -> AsyncIterator[None]:
# STUB:     yield
# STUB:
# STUB:
# STUB: async def get_session() -> AsyncIterator[AsyncSession]:
# STUB:     # TODO (task 5): yield one session from SessionLocal per request, and close it.
# STUB:     raise NotImplementedError("get_session() is not written yet")
# STUB:     yield


SessionDep = Annotated[AsyncSession, Depends(get_session)]

app = FastAPI(title="Task manager", lifespan=lifespan)
bearer = HTTPBearer(auto_error=False)


# BEGIN SOLUTION
CHALLENGE = {"WWW-Authenticate": "Bearer"}  # every 401 names the scheme it expects


def unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers=CHALLENGE)


# --- task 8: one audit record per request -------------------------------------------


@app.middleware("http")
async def audit(request: Request, call_next):
    request_id = uuid.uuid4().hex
    status_code = 500  # what the client gets if the route raises
    try:
        response = await call_next(request)
        status_code = response.status_code
        response.headers["X-Request-ID"] = request_id
        return response
    finally:
        AUDIT_LOG.append({
            "request_id": request_id,
            "user": getattr(request.state, "user", None),  # set by current_user once the token is verified
            "method": request.method,
            "path": request.url.path,  # no query string, no headers, no body: they may carry secrets
            "status": status_code,
        })


# --- task 1: registration -------------------------------------------------------------


async def find_user(session: AsyncSession, username: str) -> User | None:
    return await session.scalar(select(User).where(User.username == username))


async def store_user(session: AsyncSession, username: str, password: str, **fields: Any) -> User:
    # Argon2 costs tens of milliseconds of CPU: in a worker thread, so that the event
    # loop goes on serving every other request meanwhile.
    hashed = await run_in_threadpool(hash_password, password)
    user = User(username=username, hashed_password=hashed, **fields)
    session.add(user)
    try:
        await session.commit()
    except IntegrityError:  # the unique username: the database is the judge (closing the session rolls back)
        raise HTTPException(status.HTTP_409_CONFLICT, detail="Username already registered") from None
    return user


async def add_user(username: str, password: str, **fields: Any) -> dict[str, Any]:
    async with SessionLocal() as session:
        user = await store_user(session, username, password, **fields)
        return UserRead.model_validate(user).model_dump()


@app.post("/register", response_model=UserRead, status_code=status.HTTP_201_CREATED)
async def register(new_user: UserCreate, session: SessionDep) -> User:
    return await store_user(session, new_user.username, new_user.password)  # role: the column's default


# --- tasks 2 and 3: tokens --------------------------------------------------------------


def encode(claims: dict[str, Any], lifetime: timedelta) -> str:
    return jwt.encode({**claims, "exp": datetime.now(UTC) + lifetime}, SECRET_KEY, algorithm=ALGORITHM)


async def issue_pair(session: AsyncSession, username: str) -> TokenPair:
    jti = uuid.uuid4().hex  # unique: two refresh tokens made in the same second still differ
    session.add(RefreshToken(jti=jti, username=username))
    await session.commit()
    return TokenPair(
        access_token=encode({"sub": username, "type": "access"}, timedelta(minutes=ACCESS_TOKEN_MINUTES)),
        refresh_token=encode({"sub": username, "type": "refresh", "jti": jti}, timedelta(days=REFRESH_TOKEN_DAYS)),
    )


def claims_of(token: str, expected_type: str) -> dict[str, Any] | None:
    """The claims of a genuine, unexpired token of the expected type; else None."""
    try:
        claims = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
    except jwt.InvalidTokenError:  # expired, forged, alg none, malformed, no exp or sub, sub not a string
        return None
    return claims if claims.get("type") == expected_type else None


# --- task 7: the login budget ---------------------------------------------------------

LOGIN_HISTORY: dict[str, deque[float]] = defaultdict(deque)  # client -> times of its recent attempts


async def login_rate_limit(request: Request) -> None:
    """A sliding window per client address (not per header: X-Forwarded-For is the client's to write).

    ``async def`` on purpose: it runs on the event loop, and nothing between the check and
    the append awaits, so two attempts can never both pass the check. As a ``def``
    dependency it would run in the thread pool, where two threads can both see 4
    attempts and both append (a lock would be needed then).
    """
    now = time.monotonic()  # read on every request: the checks move this clock
    attempts = LOGIN_HISTORY[request.client.host if request.client else "unknown"]
    while attempts and now - attempts[0] >= LOGIN_WINDOW_SECONDS:
        attempts.popleft()
    if len(attempts) >= LOGIN_ATTEMPTS:
        retry_after = math.ceil(LOGIN_WINDOW_SECONDS - (now - attempts[0]))  # the oldest attempt frees up
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, detail="Too many login attempts, try again later",
                            headers={"Retry-After": str(retry_after)})
    attempts.append(now)


@app.post("/login", response_model=TokenPair, dependencies=[Depends(login_rate_limit)])
async def login(credentials: Credentials, session: SessionDep) -> TokenPair:
    user = await find_user(session, credentials.username)
    # One verification either way, off the event loop: an unknown user costs the same
    # work as a wrong password (against DUMMY_HASH), so the refusal's time tells nothing.
    stored = user.hashed_password if user is not None else DUMMY_HASH
    if not await run_in_threadpool(verify_password, credentials.password, stored) or user is None:
        raise unauthorized("Incorrect username or password")
    return await issue_pair(session, user.username)


async def current_user(request: Request, session: SessionDep,
                       credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> User:
    if credentials is None:  # no Bearer header at all
        raise unauthorized("Not authenticated")
    claims = claims_of(credentials.credentials, "access")  # a refresh token is not an access token
    user = await find_user(session, claims["sub"]) if claims else None  # the user must still exist
    if user is None:
        raise unauthorized("Could not validate credentials")
    request.state.user = user.username  # for the audit record: a verified name only
    return user


CurrentUser = Annotated[User, Depends(current_user)]


@app.get("/me", response_model=UserRead)
async def me(user: CurrentUser) -> User:
    return user


@app.post("/refresh-token", response_model=TokenPair)
async def refresh_token(body: RefreshRequest, session: SessionDep) -> TokenPair:
    claims = claims_of(body.refresh_token, "refresh")
    if claims is None or not isinstance(claims.get("jti"), str):
        raise unauthorized("Invalid refresh token")
    # One statement retires the token: of two concurrent uses, only one deletes the row.
    retired = await session.execute(delete(RefreshToken).where(RefreshToken.jti == claims["jti"]))
    if retired.rowcount != 1:  # used already, or never issued
        raise unauthorized("Invalid refresh token")
    return await issue_pair(session, claims["sub"])  # its commit makes the retirement final


# --- task 4: roles ----------------------------------------------------------------------


def require_admin(user: CurrentUser) -> User:
    if user.role != "admin":  # the stored role, loaded on this request
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Admin role required")
    return user


AdminUser = Annotated[User, Depends(require_admin)]


@app.get("/users", response_model=list[UserRead], summary="Every user, by id (admins only)")
async def list_users(admin: AdminUser, session: SessionDep) -> list[User]:
    return list(await session.scalars(select(User).order_by(User.id)))


@app.patch("/users/{user_id}/role", response_model=UserRead)
async def change_role(user_id: int, change: RoleChange, admin: AdminUser, session: SessionDep) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="User not found")  # no such id
    user.role = change.role
    await session.commit()
    return user


# --- tasks 5 and 6: tasks and notifications --------------------------------------------


def can_see(user: User, task: Task) -> bool:
    return user.role == "admin" or user.username in (task.owner, task.assignee)


async def visible_task(session: AsyncSession, user: User, task_id: int) -> Task:
    task = await session.get(Task, task_id)
    if task is None or not can_see(user, task):  # another user's task: as if it did not exist
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Task not found")
    return task


async def check_assignee(session: AsyncSession, username: str) -> None:
    if await find_user(session, username) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="Assignee not found")


@app.post("/tasks", response_model=TaskRead, status_code=status.HTTP_201_CREATED)
async def create_task(data: TaskCreate, user: CurrentUser, session: SessionDep,
                      background_tasks: BackgroundTasks) -> Task:
    if data.assignee is not None:
        await check_assignee(session, data.assignee)
    task = Task(title=data.title, description=data.description, owner=user.username, assignee=data.assignee)
    session.add(task)
    await session.commit()
    if task.assignee is not None:  # runs after the response has been sent
        background_tasks.add_task(send_notification, task.assignee, task.id, task.title)
    return task


@app.get("/tasks", response_model=list[TaskRead])
async def list_tasks(user: CurrentUser, session: SessionDep) -> list[Task]:
    query = select(Task).order_by(Task.id)
    if user.role != "admin":
        query = query.where(or_(Task.owner == user.username, Task.assignee == user.username))
    return list(await session.scalars(query))


@app.get("/tasks/{task_id}", response_model=TaskRead)
async def read_task(task_id: int, user: CurrentUser, session: SessionDep) -> Task:
    return await visible_task(session, user, task_id)


@app.patch("/tasks/{task_id}", response_model=TaskRead)
async def update_task(task_id: int, data: TaskUpdate, user: CurrentUser, session: SessionDep,
                      background_tasks: BackgroundTasks) -> Task:
    task = await visible_task(session, user, task_id)
    changes = data.model_dump(exclude_unset=True)
    new_assignee = changes.get("assignee")
    if new_assignee is not None:
        await check_assignee(session, new_assignee)
    notify = new_assignee is not None and new_assignee != task.assignee
    for field, value in changes.items():
        if value is not None or field == "assignee":  # null unassigns; for the other fields it changes nothing
            setattr(task, field, value)
    await session.commit()
    if notify:
        background_tasks.add_task(send_notification, task.assignee, task.id, task.title)
    return task


@app.delete("/tasks/{task_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_task(task_id: int, user: CurrentUser, session: SessionDep) -> None:
    task = await visible_task(session, user, task_id)
    if user.role != "admin" and task.owner != user.username:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Only the owner or an admin may delete a task")
    await session.delete(task)
    await session.commit()  # the 204 goes out with no body
# END SOLUTION
# STUB: # TODO (task 8): an HTTP middleware that appends one record per request to AUDIT_LOG
# STUB: # ({"request_id", "user", "method", "path", "status"}) and sets the X-Request-ID header.
# STUB:
# STUB:
# STUB: async def add_user(username: str, password: str, **fields: Any) -> dict[str, Any]:
# STUB:     # TODO (task 1): store the user (hash_password, off the event loop: it is slow) and return
# STUB:     # {"id", "username", "role"}.
# STUB:     raise NotImplementedError("add_user() is not written yet")
# STUB:
# STUB:
# STUB: @app.post("/register", response_model=UserRead, status_code=status.HTTP_201_CREATED)
# STUB: async def register(new_user: UserCreate, session: SessionDep):
# STUB:     # TODO (task 1): 409 for a taken username; store the user with the role "user".
# STUB:     raise NotImplementedError("register() is not written yet")
# STUB:
# STUB:
# STUB: @app.post("/login", response_model=TokenPair)
# STUB: async def login(credentials: Credentials, session: SessionDep):
# STUB:     # TODO (tasks 2, 3, 7): check the budget of the client, then the password; answer a token pair.
# STUB:     raise NotImplementedError("login() is not written yet")
# STUB:
# STUB:
# STUB: # TODO (task 2): a dependency that turns the Bearer access token into the stored user
# STUB: # (and sets request.state.user), then GET /me.
# STUB:
# STUB:
# STUB: @app.post("/refresh-token", response_model=TokenPair)
# STUB: async def refresh_token(body: RefreshRequest, session: SessionDep):
# STUB:     # TODO (task 3): verify the refresh token, retire it, and answer a new pair.
# STUB:     raise NotImplementedError("refresh_token() is not written yet")
# STUB:
# STUB:
# STUB: # TODO (task 4): GET /users and PATCH /users/{user_id}/role, for admins only.
# STUB: # TODO (tasks 5, 6): POST /tasks, GET /tasks, GET, PATCH and DELETE /tasks/{task_id};
# STUB: # notify a new assignee with BackgroundTasks and send_notification.
