"""Passwords, tokens and who may call what: the course's auth lessons, applied.

* Passwords are hashed with Argon2 through pwdlib, in a worker thread: a hash takes tens
  of milliseconds of CPU, which on the event loop would stall every other request.
* An access token is a short-lived JWT (15 minutes) carrying the user's scopes. A refresh
  token is a JWT too, recorded by its ``jti``: each is good for one use and is rotated on
  use; presenting a used one again (a stolen copy replayed) revokes its whole family.
* Roles are OAuth2 scopes: ``student`` and ``instructor``, checked by ``Security`` on
  every route, so a student's token never reaches an instructor's route.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

import anyio
import jwt
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordBearer, SecurityScopes
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from autograder.service.models import RefreshToken, User
from autograder.service.settings import Settings

ALGORITHM = "HS256"
ROLES = {"student": "Submit your own work and read your own feedback.",
         "instructor": "Manage the roster, read every result, regrade and export."}

_hasher = PasswordHash((Argon2Hasher(),))
oauth2 = OAuth2PasswordBearer(tokenUrl="/api/token", scopes=ROLES, auto_error=False)
# A hash to verify against when the account does not exist, so that a wrong user name
# takes as long as a wrong password (no user enumeration by timing).
_DUMMY = _hasher.hash(secrets.token_urlsafe(16))


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password)


async def verify_password(password: str, hashed: str | None) -> bool:
    return await anyio.to_thread.run_sync(_hasher.verify, password, hashed or _DUMMY) and hashed is not None


def token_digest(token: str) -> str:
    """What the store keeps of a one-time sign-up token."""
    return hashlib.sha256(token.encode()).hexdigest()


def _unauthorized(detail: str, scopes: SecurityScopes | None = None) -> HTTPException:
    value = f'Bearer scope="{scopes.scope_str}"' if scopes and scopes.scopes else "Bearer"
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": value})


def _encode(settings: Settings, claims: dict, seconds: int) -> tuple[str, datetime]:
    issued = datetime.now(UTC)
    expires = issued + timedelta(seconds=seconds)
    token = jwt.encode({**claims, "iat": issued, "exp": expires}, settings.secret, algorithm=ALGORITHM)
    return token, expires


def access_token(settings: Settings, user: User) -> str:
    return _encode(settings, {"sub": str(user.id), "scope": user.role, "type": "access"}, settings.access_seconds)[0]


async def refresh_token(session: AsyncSession, settings: Settings, user: User, family: str | None = None) -> str:
    """A new refresh token for ``user`` (in ``family``, or a new one at sign-in), recorded."""
    jti = uuid.uuid4().hex
    family = family or uuid.uuid4().hex
    token, expires = _encode(settings, {"sub": str(user.id), "type": "refresh", "jti": jti, "fam": family},
                             settings.refresh_seconds)
    session.add(RefreshToken(jti=jti, user_id=user.id, family=family, expires=expires))
    return token


def decode(settings: Settings, token: str, kind: str) -> dict:
    """The claims of a valid token of ``kind``; 401 with one line for anything else."""
    try:
        claims = jwt.decode(token, settings.secret, algorithms=[ALGORITHM],
                            options={"require": ["exp", "iat", "sub", "type"]})
    except jwt.ExpiredSignatureError:
        raise _unauthorized("the token has expired; sign in again") from None
    except jwt.InvalidTokenError:
        raise _unauthorized("the token is not valid") from None
    if claims.get("type") != kind:
        raise _unauthorized(f"this is not an {kind} token" if kind == "access" else f"this is not a {kind} token")
    return claims


async def rotate(session: AsyncSession, settings: Settings, token: str) -> tuple[User, str]:
    """Spend a refresh token and return its user and the next token of its family.

    A token presented a second time means two holders: the family is revoked, so the
    thief's copy and the student's next one both stop working, and the student signs in again.
    """
    claims = decode(settings, token, "refresh")
    record = await session.get(RefreshToken, claims.get("jti", ""))
    if record is None or record.revoked:
        raise _unauthorized("the refresh token is not valid; sign in again")
    if record.used:
        await session.execute(update(RefreshToken).where(RefreshToken.family == record.family).values(revoked=True))
        await session.commit()
        raise _unauthorized("the refresh token was already used; every session it started is signed out")
    # One use, even when two requests race: only the update that flips `used` wins.
    spent = await session.execute(update(RefreshToken).where(RefreshToken.jti == record.jti,
                                                             RefreshToken.used.is_(False)).values(used=True))
    if spent.rowcount != 1:
        raise _unauthorized("the refresh token was already used; sign in again")
    user = await session.get(User, record.user_id)
    if user is None:
        raise _unauthorized("the account no longer exists")
    nxt = await refresh_token(session, settings, user, record.family)
    await session.commit()
    return user, nxt


async def revoke_family(session: AsyncSession, settings: Settings, token: str) -> None:
    claims = decode(settings, token, "refresh")
    await session.execute(update(RefreshToken).where(RefreshToken.family == claims.get("fam", "")).values(revoked=True))
    await session.commit()


@dataclass(frozen=True)
class Caller:
    """Who made a request: their account and the role their token carries."""

    user: User


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


async def session_of(request: Request):
    async with request.app.state.db.session() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(session_of)]
SettingsDep = Annotated[Settings, Depends(settings_of)]


async def caller(scopes: SecurityScopes, token: Annotated[str | None, Depends(oauth2)], session: SessionDep,
                 settings: SettingsDep) -> Caller:
    """The signed-in caller, whose token must carry every scope the route asks for."""
    if not token:
        raise _unauthorized("sign in first: this needs a bearer token", scopes)
    claims = decode(settings, token, "access")
    granted = set(str(claims.get("scope", "")).split())
    missing = [s for s in scopes.scopes if s not in granted]
    if missing:
        raise HTTPException(status.HTTP_403_FORBIDDEN, f"this needs the {missing[0]} role",
                            headers={"WWW-Authenticate": f'Bearer scope="{scopes.scope_str}"'})
    try:
        user = await session.get(User, int(claims["sub"]))
    except ValueError:
        user = None
    if user is None or user.password_hash is None:
        raise _unauthorized("the account no longer exists")
    return Caller(user)


async def user_by_name(session: AsyncSession, username: str) -> User | None:
    """The account named ``username``; None for a name no account can have (too long, or
    holding a control character, which PostgreSQL would refuse rather than not find)."""
    if len(username) > 64 or any(ord(c) < 32 or ord(c) == 127 for c in username):
        return None
    return (await session.execute(select(User).where(User.username == username))).scalar_one_or_none()
