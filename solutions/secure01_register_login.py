"""Registration and login: hashed passwords, duplicates refused, no password in any answer.

Users live in memory, in ``USERS`` (username -> stored record). A stored record keeps a
salted hash of the password, made with a password-hashing library (pwdlib with Argon2
here; libpass's ``passlib`` or plain ``bcrypt`` are fine too), never the password itself.
Tokens are JWTs signed with ``SECRET_KEY`` and ``ALGORITHM``; ``sub`` is the username.

Task 1. ``add_user(username, password, **fields)`` stores ``{"username": ..., **fields}``
        with a hash of the password and returns the stored record. ``POST /register``
        takes JSON ``{"username", "email", "password"}``, stores the user the same way
        and answers 201 with ``{"username": ..., "email": ...}``.
Task 2. ``POST /register`` refuses bad input with 422: an invalid e-mail address, a
        username shorter than 3 or longer than 32 characters, a password shorter than 8
        characters. A username already taken answers 409 ``"Username already
        registered"``, an e-mail already used 409 ``"Email already registered"``; the
        existing user is left untouched.
Task 3. ``POST /login`` takes JSON ``{"username", "password"}`` and answers
        ``{"access_token": <JWT>, "token_type": "bearer"}``; the token's ``sub`` is the
        username and it expires after ``ACCESS_TOKEN_MINUTES``. A wrong password and an
        unknown user both answer 401 ``"Incorrect username or password"`` with
        ``WWW-Authenticate: Bearer``, after the same hashing work: verify the password
        of an unknown user against a dummy hash made once, so that the time an answer
        takes does not tell which usernames exist.
Task 4. ``GET /me`` with ``Authorization: Bearer <token>`` answers the user's
        ``{"username", "email"}``. Without a token it answers 401 ``"Not authenticated"``
        (what FastAPI's ``HTTPBearer`` answers); an expired, forged or malformed token,
        or one naming no existing user, 401 ``"Could not validate credentials"``; both
        with ``WWW-Authenticate: Bearer``.
Task 5. No answer ever contains the password or its hash (use response models or build
        the answers by hand).
"""

import secrets
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Annotated, Any

import jwt
from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pwdlib import PasswordHash
from pydantic import BaseModel, EmailStr, Field

SECRET_KEY = "register-login-demo-signing-key-change-me-0123456789abcdef"
ALGORITHM = "HS256"
ACCESS_TOKEN_MINUTES = 30

USERS: dict[str, dict[str, Any]] = {}

app = FastAPI()
bearer = HTTPBearer(auto_error=False)
# Argon2id with pwdlib's recommended settings, as in FastAPI's docs. libpass's passlib or
# plain bcrypt would do as well; a fast digest such as hashlib.sha256 would not.
password_hash = PasswordHash.recommended()


class PublicUser(BaseModel):
    username: str
    email: str | None = None


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


# BEGIN SOLUTION
class UserCreate(BaseModel):
    username: str = Field(min_length=3, max_length=32)
    email: EmailStr
    password: Annotated[str, Field(min_length=8)]


class LoginRequest(BaseModel):
    username: str
    password: str


@cache
def dummy_hash() -> str:
    """Checked when the user does not exist, so that unknown users take as long to refuse
    as wrong passwords (an answer's timing must not reveal who has an account)."""
    return password_hash.hash(secrets.token_urlsafe(16))


BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}  # a 401 must name the scheme it expects
CREDENTIALS_ERROR = HTTPException(
    status.HTTP_401_UNAUTHORIZED, detail="Could not validate credentials", headers=BEARER_CHALLENGE
)


def add_user(username: str, password: str, **fields: Any) -> dict[str, Any]:
    record = {"username": username, **fields, "hashed_password": password_hash.hash(password)}
    USERS[username] = record
    return record


def authenticate(username: str, password: str) -> dict[str, Any] | None:
    record = USERS.get(username)
    if record is None:
        password_hash.verify(password, dummy_hash())  # same work as a real check
        return None
    return record if password_hash.verify(password, record["hashed_password"]) else None


def create_access_token(username: str) -> str:
    expires_at = datetime.now(UTC) + timedelta(minutes=ACCESS_TOKEN_MINUTES)  # aware, never utcnow()
    return jwt.encode({"sub": username, "exp": expires_at}, SECRET_KEY, algorithm=ALGORITHM)


def get_current_user(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> dict[str, Any]:
    if credentials is None:  # no Authorization: Bearer header at all
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="Not authenticated", headers=BEARER_CHALLENGE)
    try:
        token_claims = jwt.decode(credentials.credentials, SECRET_KEY, algorithms=[ALGORITHM])
    except jwt.InvalidTokenError:  # expired, wrong signature, alg none, malformed...
        raise CREDENTIALS_ERROR from None
    subject = token_claims.get("sub")
    record = USERS.get(subject) if isinstance(subject, str) else None  # the user must still exist
    if record is None:
        raise CREDENTIALS_ERROR
    return record


@app.post("/register", status_code=status.HTTP_201_CREATED, response_model=PublicUser)
def register(new_user: UserCreate) -> dict[str, Any]:
    if new_user.username in USERS:
        raise HTTPException(status.HTTP_409_CONFLICT, detail="Username already registered")
    if any(record.get("email") == new_user.email for record in USERS.values()):
        raise HTTPException(status.HTTP_409_CONFLICT, detail="Email already registered")
    return add_user(new_user.username, new_user.password, email=new_user.email)


@app.post("/login", response_model=Token)
def login(credentials: LoginRequest) -> Token:
    record = authenticate(credentials.username, credentials.password)
    if record is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Incorrect username or password", headers=BEARER_CHALLENGE)
    return Token(access_token=create_access_token(record["username"]))


@app.get("/me", response_model=PublicUser)
def me(user: Annotated[dict[str, Any], Depends(get_current_user)]) -> dict[str, Any]:
    return user  # response_model keeps username and email only
# END SOLUTION
# STUB: class UserCreate(BaseModel):
# STUB:     # TODO (task 2): validate the fields (an e-mail address, 3-32 characters, at least 8 characters).
# STUB:     username: str
# STUB:     email: str
# STUB:     password: str
# STUB:
# STUB:
# STUB: def add_user(username: str, password: str, **fields: Any) -> dict[str, Any]:
# STUB:     # TODO (task 1): store {"username": username, **fields} with a HASH of the password in USERS.
# STUB:     raise NotImplementedError("add_user() is not written yet")
# STUB:
# STUB:
# STUB: @app.post("/register", status_code=status.HTTP_201_CREATED)
# STUB: def register(new_user: UserCreate):
# STUB:     # TODO (tasks 1, 2, 5): 409 for a taken username or e-mail, then add_user; answer without the password.
# STUB:     raise NotImplementedError("register() is not written yet")
# STUB:
# STUB:
# STUB: # TODO (task 3): POST /login, JSON {"username", "password"} -> {"access_token", "token_type": "bearer"}.
# STUB: # TODO (task 4): GET /me, the current user from the Bearer token (401 with WWW-Authenticate otherwise).
