"""Access and refresh tokens, with rotation.

A short-lived **access** token opens the API; a long-lived **refresh** token is good for
one thing only: getting a new pair from ``POST /refresh-token``. Each refresh token works
ONCE (rotation): using it hands out a new refresh token and retires the old one, so a
stolen refresh token that was already used is worthless.

Tokens are JWTs signed with ``SECRET_KEY`` and ``ALGORITHM``, naming the user in ``sub``
and their kind in a ``type`` claim. Users are created with ``add_user``.

Task 1. ``POST /login`` (JSON ``{"username", "password"}``) answers
        ``{"access_token", "refresh_token", "token_type": "bearer"}``. The access token
        has ``"type": "access"`` and expires after ``ACCESS_TOKEN_MINUTES``; the refresh
        token has ``"type": "refresh"``, a unique ``jti`` (so that two refresh tokens are
        never equal) and expires after ``REFRESH_TOKEN_DAYS``. Wrong credentials: 401
        ``"Incorrect username or password"`` with ``WWW-Authenticate: Bearer``.
Task 2. ``GET /me`` answers ``{"username": ...}`` for a valid ACCESS token only. A refresh
        token, or a missing, expired, forged or malformed token, or one without ``exp``
        (it would never expire), answers 401 ``"Could not validate credentials"`` with
        ``WWW-Authenticate: Bearer``.
Task 3. ``POST /refresh-token`` (JSON ``{"refresh_token": "..."}``) answers a new pair,
        shaped as the login's answer, for the same user.
Task 4. Rotation: remember the ``jti`` of every refresh token still unused
        (``ACTIVE_REFRESH_TOKENS``) and forget it when the token is used; a refresh token
        used a second time answers 401 ``"Invalid refresh token"``.
Task 5. ``POST /refresh-token`` also answers 401 ``"Invalid refresh token"`` (with
        ``WWW-Authenticate: Bearer``) for an access token, an expired refresh token, one
        without ``exp``, and any forged, tampered or malformed token.
"""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import jwt
from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pwdlib import PasswordHash
from pydantic import BaseModel

SECRET_KEY = "refresh-rotation-demo-signing-key-change-me-0123456789"
ALGORITHM = "HS256"
ACCESS_TOKEN_MINUTES = 15
REFRESH_TOKEN_DAYS = 7

USERS: dict[str, dict[str, Any]] = {}
ACTIVE_REFRESH_TOKENS: dict[str, str] = {}  # jti of each unused refresh token -> username

password_hash = PasswordHash.recommended()
app = FastAPI()
bearer = HTTPBearer(auto_error=False)


def add_user(username: str, password: str, **fields: Any) -> dict[str, Any]:
    USERS[username] = {"username": username, **fields, "hashed_password": password_hash.hash(password)}
    return USERS[username]


class Credentials(BaseModel):
    username: str
    password: str


class RefreshRequest(BaseModel):
    refresh_token: str


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"


# TODO (task 1): POST /login -> {"access_token", "refresh_token", "token_type": "bearer"}
#                ("type" claims, a jti in refresh tokens, ACCESS_TOKEN_MINUTES and REFRESH_TOKEN_DAYS).
# TODO (task 2): GET /me -> {"username": ...} for access tokens only (401 + WWW-Authenticate otherwise).
@app.post("/refresh-token")
def refresh_token(body: RefreshRequest):
    # TODO (tasks 3-5): verify the refresh token (type, expiry, signature), retire its jti
    # from ACTIVE_REFRESH_TOKENS, and answer a new pair; 401 "Invalid refresh token" otherwise.
    raise NotImplementedError("refresh_token() is not written yet")
