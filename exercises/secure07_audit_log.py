"""Audit logging: one structured record per request, and no secrets in it.

An audit trail answers "who did what, when, and what came of it" after the fact. It is
only useful if *every* request leaves exactly one record (failures are the interesting
ones) and harmful if the records themselves leak passwords or tokens: logs are read by
many more people and systems than the database is.

The app below (login, a protected profile, orders) is given. Write the middleware.

Task 1. A middleware appends exactly one record (a JSON-serialisable ``dict``) to
        ``AUDIT_LOG`` for every HTTP request, whatever the answer: 200, 401, 404, 422,
        and 500 when a route crashes. The record's keys are ``request_id``, ``user``,
        ``method``, ``path`` (the URL path, without the query string), ``status`` (the
        status code sent) and ``duration_ms`` (a non-negative number).
Task 2. ``user`` is the name of the authenticated caller, which the given
        ``current_user`` dependency stores in ``request.state.user`` once the token is
        verified; ``None`` for anonymous or refused requests. Do not read the name out of
        the token yourself: an unverified token says whatever its author wants.
Task 3. ``request_id`` is a new unique string for each request, also sent back in the
        ``X-Request-ID`` response header (so a user can quote it to support).
Task 4. No secrets: never put bodies, headers (``Authorization``, cookies), query
        strings or tokens in a record, nor in any other log line or print.
"""

import hashlib
import json
import logging
import secrets
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated

import jwt
from fastapi import Depends, FastAPI, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

SECRET_KEY = "audit-demo-signing-key-that-is-long-enough-0123456789"
ALGORITHM = "HS256"
TOKEN_MINUTES = 15

AUDIT_LOG: list[dict] = []  # the audit sink: one dict per request
audit_logger = logging.getLogger("audit")

app = FastAPI()

# --- given: users, tokens and routes ---------------------------------------------

USERS: dict[str, dict] = {}
ORDERS = {1: {"id": 1, "owner": "alice", "item": "notebook"}}


def _hash(password: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 100_000)


def add_user(username: str, password: str, **fields) -> None:
    salt = secrets.token_bytes(16)
    USERS[username] = {"username": username, "salt": salt, "hash": _hash(password, salt), **fields}


def create_token(username: str) -> str:
    expires = datetime.now(UTC) + timedelta(minutes=TOKEN_MINUTES)
    return jwt.encode({"sub": username, "exp": expires}, SECRET_KEY, algorithm=ALGORITHM)


bearer = HTTPBearer(auto_error=False)


def current_user(request: Request,
                 credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> str:
    refused = HTTPException(status.HTTP_401_UNAUTHORIZED, "Not authenticated",
                            headers={"WWW-Authenticate": "Bearer"})
    if credentials is None:
        raise refused
    try:
        claims = jwt.decode(credentials.credentials, SECRET_KEY, algorithms=[ALGORITHM])
    except jwt.InvalidTokenError:
        raise refused from None
    username = claims.get("sub")
    if username not in USERS:
        raise refused
    request.state.user = username  # what the audit record reports
    return username


class Login(BaseModel):
    username: str
    password: str


@app.post("/login")
async def login(form: Login) -> dict:
    user = USERS.get(form.username)
    if user is None or not secrets.compare_digest(_hash(form.password, user["salt"]), user["hash"]):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Wrong username or password",
                            headers={"WWW-Authenticate": "Bearer"})
    return {"access_token": create_token(form.username), "token_type": "bearer"}


@app.get("/health")
async def health() -> dict:
    return {"status": "ok"}


@app.get("/me")
async def me(username: Annotated[str, Depends(current_user)]) -> dict:
    return {"username": username}


@app.get("/orders/{order_id}")
async def read_order(order_id: int, username: Annotated[str, Depends(current_user)]) -> dict:
    order = ORDERS.get(order_id)
    if order is None or order["owner"] != username:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Order not found")
    return order


@app.get("/boom")
async def boom() -> dict:
    raise RuntimeError("a bug in a route")


# --- the audit middleware ----------------------------------------------------------

# TODO (tasks 1-4): an HTTP middleware that appends one record per request to AUDIT_LOG:
# {"request_id", "user", "method", "path", "status", "duration_ms"}, and sets X-Request-ID.
