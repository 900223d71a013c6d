"""The OAuth2 password flow, end to end: log in for a token, then use it.

A client sends ``username`` and ``password`` as form fields to ``POST /token`` and gets
back a signed JWT (``{"access_token": ..., "token_type": "bearer"}``). It then calls
``GET /protected`` with ``Authorization: Bearer <token>``. Users live in ``users_db``
(username -> record); their passwords are stored hashed (Argon2, through pwdlib).

Task 1. ``add_user(username, password, **fields)`` stores a record for the user with a
        *hash* of the password (``password_hash.hash``) and the extra fields; the password
        itself is kept nowhere.
Task 2. ``POST /token`` with the right username and password answers 200 with
        ``{"access_token": <JWT>, "token_type": "bearer"}``. The token is signed with
        ``SECRET_KEY`` and ``ALGORITHM``, names the user in ``sub`` and expires
        ``ACCESS_TOKEN_EXPIRE_MINUTES`` (30) minutes from now (a timezone-aware ``exp``).
Task 3. A wrong password and an unknown username get the very same answer: 401,
        ``{"detail": "Incorrect username or password"}``, ``WWW-Authenticate: Bearer``.
        An unknown username still costs one password verification (against a dummy
        hash), so that response times do not reveal which usernames exist.
Task 4. ``GET /protected`` answers ``{"user": <username>}`` for a valid token. Without a
        token, or with a token that is expired, signed with another key, unsigned
        (``alg: none``), tampered with, without ``sub`` or ``exp``, or naming a user who
        does not exist, it answers 401 with ``WWW-Authenticate: Bearer``; the detail is
        ``"Token has expired"`` for an expired token and ``"Invalid token"`` otherwise.
"""

from datetime import UTC, datetime, timedelta
from typing import Annotated

import jwt
from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

SECRET_KEY = "login-flow-demo-signing-key-replace-me-in-production-0123456789"  # >= 32 bytes for HS256
ALGORITHM = "HS256"
ACCESS_TOKEN_EXPIRE_MINUTES = 30

# Argon2 at OWASP's baseline cost (19 MiB, 2 passes): no 72-byte limit, quick enough per login.
password_hash = PasswordHash((Argon2Hasher(time_cost=2, memory_cost=19456, parallelism=1),))
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")
users_db: dict[str, dict] = {}

app = FastAPI()


def add_user(username: str, password: str, **fields) -> None:
    """Store a user with a hash of ``password`` (and any extra fields)."""
    # TODO (task 1): store {"username": ..., "hashed_password": <hash>, **fields} in users_db.
    raise NotImplementedError("add_user() is not written yet")


@app.post("/token")
def login_for_access_token(form_data: Annotated[OAuth2PasswordRequestForm, Depends()]) -> dict:
    # TODO (tasks 2-3): check the password (verify against a dummy hash for unknown users),
    # then answer {"access_token": <JWT with sub and exp>, "token_type": "bearer"}, or 401.
    raise NotImplementedError("login_for_access_token() is not written yet")


@app.get("/protected")
async def read_protected(token: Annotated[str, Depends(oauth2_scheme)]) -> dict:
    # TODO (task 4): decode the token (catch jwt.InvalidTokenError), check that its user exists,
    # and answer {"user": <username>}; every failure is 401 with WWW-Authenticate: Bearer.
    raise NotImplementedError("read_protected() is not written yet")
