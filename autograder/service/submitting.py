"""The student's side of the API: the items, submitting a file, the feedback, live events.

A submission is checked (the item exists, the file is a Python source of at most 1 MB,
not a zip, the deadline's late rule allows it, the hour's attempts are not spent), then
stored with its sha256, time and attempt number, then queued: in that order, so nothing
is queued that is not stored, and nothing refused is stored. A student reads their own
submissions only; another's id answers 404, as if it did not exist.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Request, Security, UploadFile, status
from fastapi.responses import StreamingResponse
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from autograder.grading.store import suite_fingerprint
from autograder.grading.submissions import MAX_FILE_BYTES
from autograder.manifest import UnknownItem
from autograder.service import jobs, security
from autograder.service.limiter import too_many
from autograder.service.live import Changes
from autograder.service.models import Change, Submission, User
from autograder.service.security import Caller, SessionDep, SettingsDep

router = APIRouter(prefix="/api", tags=["submissions"])
Student = Annotated[Caller, Security(security.caller, scopes=["student"])]
#: A comment line this often keeps proxies from closing a quiet stream.
KEEPALIVE_SECONDS = 15.0
#: The largest id the store can hold (a signed 64-bit integer): a larger one is no row, not an error.
MAX_ID = 2**63 - 1
#: Streams reading the store at once, in one process: fewer than its connection pool holds
#: (5, and 10 more at a peak), so a class's open pages, all woken by one grade, never take
#: the connections that submitting and grading need (with 20 pages open they took them all).
STREAM_READS = 4


def _refuse(code: int, detail: str) -> HTTPException:
    return HTTPException(code, detail)


def check_file(item_id: str, filename: str | None, data: bytes) -> None:
    """The file rules of ``workbook grade``, for one uploaded file; 4xx with one line."""
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(status.HTTP_413_CONTENT_TOO_LARGE, f"the file is larger than {MAX_FILE_BYTES // 1000} kB")
    if data[:4] == b"PK\x03\x04" or (filename or "").lower().endswith(".zip"):
        raise _refuse(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                      f"submit the file {item_id}.py itself, not a zip")
    if not data.strip():
        raise _refuse(status.HTTP_422_UNPROCESSABLE_CONTENT, "the file is empty")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise _refuse(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
                      f"the file is not UTF-8 text; submit {item_id}.py, a Python source file") from None
    if b"\x00" in data:
        raise _refuse(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "the file holds NUL bytes; it is not a Python source")


async def _view(session, settings, sub: Submission, now: datetime, full: bool = False) -> dict:
    """A submission as JSON; its result as the policy lets its student see it now, or in
    ``full`` (every message and flag, for the instructor)."""
    item = settings.course.item(sub.item)
    data = {"id": sub.id, "item": sub.item, "attempt": sub.attempt, "sha256": sub.sha256,
            "submitted_at": sub.submitted_at.isoformat(), "days_late": sub.days_late, "status": sub.status,
            "graded_at": sub.graded_at.isoformat() if sub.graded_at else None, "result": None}
    result = await jobs.result_of(session, sub)
    if result is not None and full:
        data["result"] = {**result.to_json(detail=True), "raw_score": result.score, "score": sub.score}
    elif result is not None:
        data["result"] = settings.rules(item).view(result, now, sub.score)
    return data


@router.get("/items")
async def items(who: Student, session: SessionDep, settings: SettingsDep) -> list[dict]:
    """Every item by section, with its rules, the student's attempts and latest result."""
    now = datetime.now(UTC)
    mine = (await session.execute(select(Submission).where(Submission.user_id == who.user.id)
                                  .order_by(Submission.item, Submission.attempt))).scalars().all()
    latest: dict[str, Submission] = {}
    counts: dict[str, int] = {}
    for sub in mine:
        latest[sub.item] = sub
        counts[sub.item] = counts.get(sub.item, 0) + 1
    out = []
    for section in settings.course.sections:
        entries = []
        for item in settings.course.items:
            if item.section != section.id:
                continue
            sub = latest.get(item.id)
            entries.append({"id": item.id, "title": item.title, "points": item.points,
                            "rules": settings.rules(item).to_json(), "attempts": counts.get(item.id, 0),
                            "latest": await _view(session, settings, sub, now) if sub else None})
        out.append({"id": section.id, "title": section.title, "items": entries})
    return out


@router.post("/submissions/{item_id}", status_code=status.HTTP_202_ACCEPTED)
async def submit(item_id: str, who: Student, request: Request, session: SessionDep, settings: SettingsDep,
                 file: Annotated[UploadFile, File(description="The exercise file, <item>.py")]) -> dict:
    """Store the file as this student's next attempt at the item, then queue it for grading."""
    try:
        item = settings.course.item(item_id)
    except UnknownItem:
        raise _refuse(status.HTTP_404_NOT_FOUND, f"unknown item {item_id[:100]!r}") from None
    request.app.state.limiter.hit(settings.submissions_per_minute, "submit", str(who.user.id),
                                  what="submissions")
    data = await file.read(MAX_FILE_BYTES + 1)
    check_file(item.id, file.filename, data)
    rules = settings.rules(item)
    now = datetime.now(UTC)
    if rules.refuses(now):
        raise _refuse(status.HTTP_403_FORBIDDEN, f"the deadline for {item.id} passed on "
                      f"{rules.deadline:%Y-%m-%d %H:%M} UTC; late work is not accepted")
    # One submission at a time per student: PostgreSQL locks the account's row until this
    # one is stored or refused (SQLite has no FOR UPDATE, but lets one writer in at a time).
    await session.execute(select(User.id).where(User.id == who.user.id).with_for_update())
    await _attempts_left(session, who.user, item.id, rules.attempts_per_hour, now)
    attempt = 1 + ((await session.execute(select(func.max(Submission.attempt)).where(
        Submission.user_id == who.user.id, Submission.item == item.id))).scalar() or 0)
    sub = Submission(user_id=who.user.id, item=item.id, attempt=attempt, sha256=hashlib.sha256(data).hexdigest(),
                     content=data, submitted_at=now, days_late=rules.days_late(now), suite=suite_fingerprint(item),
                     queued_at=now, dispatches=1, max_score=item.points)
    session.add(sub)
    try:
        await session.flush()
        # Counted again with this row written: a submission stored meanwhile by a request that
        # passed the same check at the same moment is seen now (the writer's lock is ours).
        await _attempts_left(session, who.user, item.id, rules.attempts_per_hour, now, besides=sub.id)
        session.add(Change(submission_id=sub.id, user_id=who.user.id, kind="queued"))
        await session.commit()
    except IntegrityError:
        # Two submissions at once took the same attempt number; the other one was stored.
        await session.rollback()
        raise _refuse(status.HTTP_409_CONFLICT, f"another submission of yours to {item.id} was being stored at "
                      "the same moment; submit again") from None
    request.app.state.notify()  # the student's page shows it queued at once
    await request.app.state.queue.send(sub.id)
    return {"id": sub.id, "item": item.id, "attempt": attempt, "sha256": sub.sha256, "status": "queued",
            "days_late": sub.days_late, "url": f"/api/submissions/{sub.id}"}


async def _attempts_left(session, user: User, item_id: str, per_hour: int, now: datetime,
                         besides: int | None = None) -> None:
    """429 with Retry-After when the student's attempts at this item in the last hour (other
    than submission ``besides``) are spent."""
    since = now - timedelta(hours=1)
    times = (await session.execute(select(Submission.submitted_at).where(
        Submission.user_id == user.id, Submission.item == item_id, Submission.submitted_at > since,
        Submission.id != (besides or 0)).order_by(Submission.submitted_at))).scalars().all()
    if len(times) >= per_hour:
        oldest = times[len(times) - per_hour]
        wait = max(1, math.ceil((oldest + timedelta(hours=1) - now).total_seconds()))
        raise too_many(f"{per_hour} attempts at {item_id} per hour are allowed; try again in {wait} s", wait)


async def own_submission(session, who: Caller, submission_id: int) -> Submission:
    """The caller's own submission (student routes only); another's is a 404, exactly as a missing one."""
    sub = await session.get(Submission, submission_id) if 0 < submission_id <= MAX_ID else None
    if sub is None or sub.user_id != who.user.id:
        raise _refuse(status.HTTP_404_NOT_FOUND, f"no submission {submission_id}")
    return sub


@router.get("/submissions")
async def mine(who: Student, session: SessionDep, settings: SettingsDep, item: str | None = None) -> list[dict]:
    query = select(Submission).where(Submission.user_id == who.user.id)
    if item is not None:
        query = query.where(Submission.item == item)
    now = datetime.now(UTC)
    subs = (await session.execute(query.order_by(Submission.id))).scalars().all()
    return [await _view(session, settings, s, now) for s in subs]


@router.get("/submissions/{submission_id}")
async def one(submission_id: int, who: Student, session: SessionDep, settings: SettingsDep) -> dict:
    return await _view(session, settings, await own_submission(session, who, submission_id), datetime.now(UTC))


async def stream(request: Request, user_id: int | None, last: int) -> StreamingResponse:
    """Server-sent events: one ``submission`` event per change (queued, graded) after ``last``,
    of ``user_id``'s submissions (every student's when None). The event id is the change's,
    so a reconnecting browser resumes where it left off (``Last-Event-ID``).

    The stream reads with sessions of its own. Its route must close the request's session
    (the one that found the caller) before it returns: FastAPI keeps a dependency's session
    open until the response ends, and a stream's lasts as long as the page is open, so each
    open page held a pooled connection and 15 pages took them all (submitting stalled)."""
    db, settings = request.app.state.db, request.app.state.settings
    changes: Changes = request.app.state.changes
    reads: asyncio.Semaphore = request.app.state.stream_reads

    async def read() -> list[str]:
        """The next changes as messages, read with a connection held only for the reading."""
        nonlocal last
        messages = []
        async with reads, db.session() as session:
            query = select(Change).where(Change.id > last).order_by(Change.id).limit(200)
            if user_id is not None:
                query = query.where(Change.user_id == user_id)
            now = datetime.now(UTC)
            for change in (await session.execute(query)).scalars().all():
                sub = await session.get(Submission, change.submission_id)
                payload = await _view(session, settings, sub, now, full=user_id is None)
                if user_id is None:
                    owner = await session.get(User, sub.user_id)
                    payload["username"] = owner.username
                    payload["score"] = sub.score
                last = change.id
                messages.append(f"id: {change.id}\nevent: submission\ndata: {json.dumps(payload)}\n\n")
        return messages

    async def events():
        yield "retry: 1000\n\n"
        while not await request.is_disconnected():
            signal = changes.signal()  # before reading: a change made meanwhile sets it (live.py)
            for message in await read():
                yield message
            try:
                await asyncio.wait_for(signal.wait(), KEEPALIVE_SECONDS)
            except TimeoutError:
                yield ": keep-alive\n\n"

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def last_event(request: Request, since: int | None) -> int:
    header = request.headers.get("last-event-id", "")
    # isdecimal, not isdigit: int() refuses superscripts ("²") that isdigit accepts.
    last = int(header) if header.isdecimal() else (since or 0)
    return min(max(last, 0), MAX_ID)


@router.get("/events")
async def events(who: Student, request: Request, session: SessionDep, since: int | None = None) -> StreamingResponse:
    """This student's submissions as they change (server-sent events)."""
    await session.close()  # see stream(): the caller's connection goes back to the pool now
    return await stream(request, who.user.id, last_event(request, since))
