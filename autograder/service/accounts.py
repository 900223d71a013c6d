"""Signing in and out, signing up from a roster link, and the roster itself.

The instructor imports a roster (a CSV with a ``name`` column, and optionally
``username``) and gets one link per student, each holding a one-time sign-up token; the
store keeps only its sha256. A student opens the link, chooses a password, and is signed
in. The terminal and the notebook sign in with the same password flow, or with a refresh
token copied from the student's page (``workbook login --token``).
"""

from __future__ import annotations

import csv
import io
import re
import secrets
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, Request, Security, UploadFile, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field
from sqlalchemy import select, update

from autograder.service import security
from autograder.service.models import AuditEntry, RefreshToken, User
from autograder.service.security import Caller, SessionDep, SettingsDep

router = APIRouter(prefix="/api", tags=["accounts"])

MAX_ROSTER_BYTES = 1_000_000
MIN_PASSWORD = 8
Instructor = Annotated[Caller, Security(security.caller, scopes=["instructor"])]
Anyone = Annotated[Caller, Security(security.caller, scopes=[])]


class Tokens(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    role: str
    username: str


class RefreshIn(BaseModel):
    refresh_token: str = Field(max_length=4096)


class SignupIn(BaseModel):
    token: str = Field(min_length=8, max_length=200)
    password: str = Field(min_length=MIN_PASSWORD, max_length=200)


class Invite(BaseModel):
    username: str
    name: str
    link: str
    token: str


async def _tokens(request: Request, session, user: User) -> Tokens:
    settings = request.app.state.settings
    refresh = await security.refresh_token(session, settings, user)
    await session.commit()
    return Tokens(access_token=security.access_token(settings, user), refresh_token=refresh, role=user.role,
                  username=user.username)


@router.post("/token", response_model=Tokens)
async def token(request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep,
                settings: SettingsDep) -> Tokens:
    """The OAuth2 password flow: a user name and password for an access and a refresh token."""
    limiter = request.app.state.limiter
    client = request.client.host if request.client else "?"
    limiter.hit(settings.logins_per_minute, "login-user", form.username.lower()[:64], what="sign-in attempts")
    limiter.hit(settings.logins_per_minute * 3, "login-ip", client, what="sign-in attempts from this address")
    user = await security.user_by_name(session, form.username)
    if not await security.verify_password(form.password, user.password_hash if user else None) or user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong user name or password",
                            headers={"WWW-Authenticate": "Bearer"})
    return await _tokens(request, session, user)


@router.post("/refresh", response_model=Tokens)
async def refresh(body: RefreshIn, request: Request, session: SessionDep, settings: SettingsDep) -> Tokens:
    """Spend a refresh token for a new pair (the old one stops working)."""
    user, nxt = await security.rotate(session, settings, body.refresh_token)
    return Tokens(access_token=security.access_token(settings, user), refresh_token=nxt, role=user.role,
                  username=user.username)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(body: RefreshIn, session: SessionDep, settings: SettingsDep) -> None:
    """Sign out everywhere this sign-in reached: the refresh token's whole family is revoked."""
    await security.revoke_family(session, settings, body.refresh_token)


@router.post("/signup", response_model=Tokens)
async def signup(body: SignupIn, request: Request, session: SessionDep, settings: SettingsDep) -> Tokens:
    """Set a password with a one-time sign-up token, and sign in."""
    request.app.state.limiter.hit(settings.logins_per_minute, "signup",
                                  request.client.host if request.client else "?", what="sign-up attempts")
    digest = security.token_digest(body.token)
    user = (await session.execute(select(User).where(User.signup_hash == digest))).scalar_one_or_none()
    if user is None or user.signup_expires is None or user.signup_expires < datetime.now(UTC):
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "this sign-up link is not valid or has expired; "
                            "ask your instructor for a new one")
    user.password_hash = await security.hash_password(body.password)
    user.signup_hash = None
    user.signup_expires = None
    # A new link is how a lost or stolen password is replaced: the sessions the old one
    # started end here too, or a thief's refresh token would outlive the reset.
    await session.execute(update(RefreshToken).where(RefreshToken.user_id == user.id).values(revoked=True))
    return await _tokens(request, session, user)


class TerminalToken(BaseModel):
    refresh_token: str


@router.post("/terminal-token", response_model=TerminalToken)
async def terminal_token(who: Anyone, session: SessionDep, settings: SettingsDep) -> TerminalToken:
    """A refresh token of a new family, for ``workbook login SERVER --token``.

    A sign-in of its own, not the page's next token: the page and the terminal then rotate
    their tokens apart, and neither's use looks like a replay of the other's (which would
    sign both out), nor does signing out of one sign out the other.
    """
    token = await security.refresh_token(session, settings, who.user)
    await session.commit()
    return TerminalToken(refresh_token=token)


@router.get("/me")
async def me(who: Anyone) -> dict:
    return {"username": who.user.username, "name": who.user.name, "role": who.user.role}


def usernames(names: list[tuple[str, str]], taken: set[str]) -> list[tuple[str, str]]:
    """(username, name) for each roster row: the given username, or one made from the name."""
    out = []
    for given, name in names:
        base = given or _slug(name)
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}{n}"
        taken.add(candidate)
        out.append((candidate, name))
    return out


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", ".", ascii_name.lower()).strip(".")[:40] or "student"


def parse_roster(data: bytes) -> list[tuple[str, str]]:
    """(username or "", name) per row of a roster CSV; ValueError with one line otherwise."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("the roster is not UTF-8 text; save it as CSV (UTF-8)") from None
    reader = csv.DictReader(io.StringIO(text))
    try:
        return _rows(reader)
    except csv.Error as exc:
        raise ValueError(f"the roster is not a CSV file this service can read: {exc}") from None


def _rows(reader: csv.DictReader) -> list[tuple[str, str]]:
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "name" not in fields:
        raise ValueError("the roster needs a 'name' column (and may have a 'username' column)")
    rows = []
    for number, row in enumerate(reader, start=2):
        clean = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        name, username = clean.get("name", ""), clean.get("username", "")
        if not name:
            continue
        if len(name) > 200:
            raise ValueError(f"row {number}: the name is longer than 200 characters")
        if any(unicodedata.category(c) == "Cc" for c in name):
            # A NUL is refused by PostgreSQL's text columns; a tab or newline breaks every listing.
            raise ValueError(f"row {number}: the name holds control characters")
        if username and not re.fullmatch(r"[A-Za-z0-9._-]{1,64}", username):
            raise ValueError(f"row {number}: a username holds letters, digits, '.', '_' or '-' only (at most 64)")
        rows.append((username.lower(), name))
    if not rows:
        raise ValueError("the roster names nobody")
    return rows


async def invite(session, settings, user: User) -> Invite:
    """A new one-time sign-up token for ``user`` (any earlier one stops working)."""
    token = secrets.token_urlsafe(24)
    user.signup_hash = security.token_digest(token)
    user.signup_expires = datetime.now(UTC) + timedelta(seconds=settings.signup_seconds)
    return Invite(username=user.username, name=user.name, link=f"{settings.public_url}/signup#{token}", token=token)


async def audit(session, who: Caller, action: str, detail: str = "") -> None:
    session.add(AuditEntry(actor=who.user.username, action=action, detail=detail[:2000]))


@router.post("/roster", response_model=list[Invite])
async def import_roster(who: Instructor, session: SessionDep, settings: SettingsDep,
                        file: Annotated[UploadFile, File(description="CSV with a name column")]) -> list[Invite]:
    """Add the roster's students (new names only) and return a sign-up link for each new one."""
    data = await file.read(MAX_ROSTER_BYTES + 1)
    if len(data) > MAX_ROSTER_BYTES:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "the roster is larger than 1 MB")
    try:
        rows = parse_roster(data)
    except ValueError as exc:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from None
    existing = {u.username: u for u in (await session.execute(select(User))).scalars()}
    known_names = {(u.name, u.role) for u in existing.values()}
    fresh = [(given, name) for given, name in rows if given not in existing and (name, "student") not in known_names]
    invites = []
    for username, name in usernames(fresh, set(existing)):
        user = User(username=username, name=name, role="student")
        session.add(user)
        invites.append(await invite(session, settings, user))
    await audit(session, who, "roster.import", f"{len(invites)} new of {len(rows)} rows")
    await session.commit()
    return invites


@router.get("/roster")
async def roster(who: Instructor, session: SessionDep) -> list[dict]:
    users = (await session.execute(select(User).order_by(User.role, User.username))).scalars()
    return [{"username": u.username, "name": u.name, "role": u.role, "signed_up": u.password_hash is not None}
            for u in users]


@router.post("/roster/{username}/link", response_model=Invite)
async def relink(username: str, who: Instructor, session: SessionDep, settings: SettingsDep) -> Invite:
    """A new sign-up link for one account (a lost link, a forgotten password)."""
    user = await security.user_by_name(session, username)
    if user is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no account named {username!r}")
    link = await invite(session, settings, user)
    await audit(session, who, "roster.link", username)
    await session.commit()
    return link

