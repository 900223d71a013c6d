"""The notes API: the app under test of ``testing01_testing_apps`` (given, never graded).

Students write the tests; this is the app they test. It has the three things that make
an app awkward to test, and that a test suite must deal with on purpose:

* ``get_current_user`` asks the company's identity service, which tests cannot reach:
  replace it with ``app.dependency_overrides[get_current_user]``;
* ``get_db`` opens the production database file ``DATABASE``: give each test its own
  database by overriding ``get_db`` (``open_database(path)`` opens any file);
* ``lifespan`` loads the settings (``app.state.settings``) that ``POST /notes`` reads:
  run it (``with TestClient(app)``, or by hand around an ``httpx.AsyncClient``).

The grader loads a fresh copy of this module for every test, and broken copies of it
(mutants) to see whether the tests notice.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated

import aiosqlite
from fastapi import Depends, FastAPI, Header, HTTPException, status
from pydantic import BaseModel, Field

DATABASE = os.environ.get("NOTES_DATABASE", "notes.db")  # the production database file
IDENTITY_SERVICE = "https://id.example.com/userinfo"
SCHEMA = """
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class Settings:
    max_notes_per_user: int


@dataclass(frozen=True)
class User:
    username: str


class NoteIn(BaseModel):
    title: str = Field(min_length=1, max_length=100)
    body: str = ""


class Note(NoteIn):
    id: int
    owner: str


async def load_settings() -> Settings:
    """In production, read from the configuration service; here, the course's values."""
    return Settings(max_notes_per_user=3)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.settings = await load_settings()
    yield
    del app.state.settings


app = FastAPI(title="Notes", lifespan=lifespan)


async def ask_identity_service(token: str) -> User:
    """Who holds ``token``: a call to IDENTITY_SERVICE, which only production can reach."""
    raise RuntimeError(f"the identity service ({IDENTITY_SERVICE}) cannot be reached from tests: "
                       "override get_current_user with app.dependency_overrides")


async def get_current_user(authorization: Annotated[str | None, Header()] = None) -> User:
    if authorization is None or not authorization.startswith("Bearer "):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Not authenticated", headers={"WWW-Authenticate": "Bearer"})
    return await ask_identity_service(authorization.removeprefix("Bearer "))


@asynccontextmanager
async def open_database(path: str) -> AsyncIterator[aiosqlite.Connection]:
    """A connection to the SQLite file at ``path``, with the schema in place."""
    async with aiosqlite.connect(path) as db:
        db.row_factory = aiosqlite.Row
        await db.executescript(SCHEMA)
        yield db


async def get_db() -> AsyncIterator[aiosqlite.Connection]:
    async with open_database(DATABASE) as db:
        yield db


CurrentUser = Annotated[User, Depends(get_current_user)]
Database = Annotated[aiosqlite.Connection, Depends(get_db)]


@app.post("/notes", status_code=status.HTTP_201_CREATED)
async def create_note(note: NoteIn, user: CurrentUser, db: Database) -> Note:
    settings: Settings = app.state.settings
    async with db.execute("SELECT COUNT(*) FROM notes WHERE owner = ?", (user.username,)) as cursor:
        (count,) = await cursor.fetchone()
    if count >= settings.max_notes_per_user:
        raise HTTPException(status.HTTP_409_CONFLICT, f"At most {settings.max_notes_per_user} notes per user")
    cursor = await db.execute("INSERT INTO notes (owner, title, body) VALUES (?, ?, ?)",
                              (user.username, note.title, note.body))
    await db.commit()
    return Note(id=cursor.lastrowid, owner=user.username, title=note.title, body=note.body)


@app.get("/notes")
async def list_notes(user: CurrentUser, db: Database) -> list[Note]:
    async with db.execute("SELECT * FROM notes ORDER BY id") as cursor:
        rows = await cursor.fetchall()
    return [Note(**row) for row in rows if row["owner"] == user.username]


async def owned_note(note_id: int, user: User, db: aiosqlite.Connection) -> Note:
    """The note, if ``user`` owns it; 404 otherwise."""
    async with db.execute("SELECT * FROM notes WHERE id = ?", (note_id,)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Note not found")
    if row["owner"] != user.username:  # the same answer: another user's note is not even revealed
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Note not found")
    return Note(**row)


@app.get("/notes/{note_id}")
async def read_note(note_id: int, user: CurrentUser, db: Database) -> Note:
    return await owned_note(note_id, user, db)


@app.delete("/notes/{note_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_note(note_id: int, user: CurrentUser, db: Database) -> None:
    await owned_note(note_id, user, db)
    await db.execute("DELETE FROM notes WHERE id = ?", (note_id,))
    await db.commit()
