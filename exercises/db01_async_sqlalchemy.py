"""Users CRUD with SQLAlchemy 2 (async): sessions, lifespan, 404 and 409.

The app stores users in a database through SQLAlchemy's asyncio extension. The database
is named by the environment variable ``DATABASE_URL`` (SQLite through ``aiosqlite`` by
default; ``postgresql+asyncpg://...`` works unchanged). The engine, the session factory
and the request/response models are given.

Task 1. Declare the ORM model ``User`` (table ``users``): ``id`` an integer primary key,
        ``email`` a ``String(255)``, unique and not null, ``name`` a ``String(100)``, not
        null. The app's ``lifespan`` creates the tables at startup
        (``Base.metadata.create_all`` through ``conn.run_sync``) and disposes of the
        engine at shutdown. Importing the module must not touch the database.
Task 2. ``get_session`` is a dependency that yields one ``AsyncSession`` per request
        from ``SessionLocal`` and always closes it (``async with``), also when the route
        fails. Every route uses it through ``SessionDep``.
Task 3. ``POST /users`` stores a user (``UserCreate``) and answers ``201`` with the
        ``UserRead`` (``id``, ``email``, ``name``). ``GET /users/{user_id}`` answers one
        user. ``GET /users`` lists users ordered by ``id``, with ``limit`` (1 to 100,
        default 50) and ``offset`` (0 or more, default 0).
Task 4. An unknown id is ``404`` ``{"detail": "User not found"}`` (for GET, PATCH and
        DELETE). An email that another user already has is ``409``
        ``{"detail": "Email already registered"}`` (for POST and PATCH), and the session
        is rolled back, so the app goes on working. ``PATCH /users/{user_id}`` changes
        the fields given (``UserUpdate``) and answers the user; ``DELETE`` answers
        ``204`` with no body.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query, status
from pydantic import BaseModel, ConfigDict, EmailStr, Field
from sqlalchemy import String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Read at import, from the environment: the checks point it at a test database.
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite+aiosqlite:///./app.db")

engine = create_async_engine(DATABASE_URL)  # connects lazily: importing opens nothing
# expire_on_commit=False: after commit, attributes stay readable without another query
# (an implicit query would need I/O, which async SQLAlchemy refuses to do behind your back).
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)


class Base(DeclarativeBase):
    pass


class UserCreate(BaseModel):
    email: EmailStr
    name: Annotated[str, Field(min_length=1, max_length=100)]


class UserUpdate(BaseModel):
    email: EmailStr | None = None
    name: Annotated[str, Field(min_length=1, max_length=100)] | None = None


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)  # built from the ORM object's attributes

    id: int
    email: EmailStr
    name: str


# TODO (task 1): declare the User model (table "users") and a lifespan that creates the tables.
@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield


async def get_session() -> AsyncIterator[AsyncSession]:
    # TODO (task 2): yield one session from SessionLocal per request, and close it.
    raise NotImplementedError("get_session() is not written yet")
    yield


SessionDep = Annotated[AsyncSession, Depends(get_session)]

app = FastAPI(lifespan=lifespan)


@app.post("/users", response_model=UserRead, status_code=status.HTTP_201_CREATED)
async def create_user(data: UserCreate, session: SessionDep):
    # TODO (tasks 3-4): store the user; 409 if the email is taken.
    raise NotImplementedError("create_user() is not written yet")


@app.get("/users", response_model=list[UserRead])
async def list_users(session: SessionDep):
    # TODO (task 3): users ordered by id, with limit (1..100, default 50) and offset (>= 0).
    raise NotImplementedError("list_users() is not written yet")


@app.get("/users/{user_id}", response_model=UserRead)
async def read_user(user_id: int, session: SessionDep):
    # TODO (tasks 3-4): one user, or 404.
    raise NotImplementedError("read_user() is not written yet")


@app.patch("/users/{user_id}", response_model=UserRead)
async def update_user(user_id: int, data: UserUpdate, session: SessionDep):
    # TODO (task 4): change the given fields; 404 or 409 where they apply.
    raise NotImplementedError("update_user() is not written yet")


@app.delete("/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_user(user_id: int, session: SessionDep):
    # TODO (task 4): delete the user and answer 204, or 404.
    raise NotImplementedError("delete_user() is not written yet")
