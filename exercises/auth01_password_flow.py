"""The OAuth2 password grant: ``POST /token`` trades a username and password for a token.

The client (your own front end) sends the user's credentials as an HTML *form*
(``application/x-www-form-urlencoded``: ``grant_type=password&username=...&password=...``),
as the OAuth2 spec (RFC 6749, section 4.3) requires; the answer is JSON
``{"access_token": "...", "token_type": "bearer"}``. The user store, ``add_user`` and
the password hashing are given: passwords are stored as Argon2 hashes (pwdlib).

Task 1. ``POST /token`` with the form fields ``username`` and ``password`` of a known
        user answers 200 ``{"access_token": <JWT>, "token_type": "bearer"}``. The JWT
        is signed with ``SECRET_KEY`` using ``ALGORITHM``; its ``sub`` is the username
        and its ``exp`` is ``ACCESS_TOKEN_EXPIRE_MINUTES`` from now.
Task 2. The credentials are read from the form (``OAuth2PasswordRequestForm``): a JSON
        body, a missing field or a ``grant_type`` other than ``password`` is answered 422
        (FastAPI does it once the route takes the form).
Task 3. A wrong password and an unknown username get the same answer: 401 with the
        detail ``"Incorrect username or password"`` and the header
        ``WWW-Authenticate: Bearer``.
"""

from datetime import UTC, datetime, timedelta
from typing import Annotated

import jwt
from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm
from pwdlib import PasswordHash

SECRET_KEY = "auth01-demo-signing-key-replace-me-in-production-0123456789"
ALGORITHM = "HS256"
ACCESS_TOKEN_EXPIRE_MINUTES = 30

# Argon2 with pwdlib's recommended settings (the checks swap in a cheaper hasher for speed).
password_hash = PasswordHash.recommended()
USERS: dict[str, dict] = {}  # username -> {"username", "hashed_password", ...}

app = FastAPI()


def add_user(username: str, password: str, **fields) -> None:
    """Store a user with the hash of ``password`` (never the password itself)."""
    USERS[username] = {"username": username, "hashed_password": password_hash.hash(password), **fields}


def verify_password(password: str, hashed_password: str) -> bool:
    return password_hash.verify(password, hashed_password)


@app.post("/token")
def login(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> dict:
    # TODO (tasks 1-3): check form.username / form.password against USERS with verify_password,
    # answer 401 (with WWW-Authenticate: Bearer) on bad credentials, else a signed token.
    raise NotImplementedError("login() is not written yet")
