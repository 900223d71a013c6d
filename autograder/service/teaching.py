"""The instructor's side of the API: the live gradebook, a student's history, flagged
submissions, regrading, exports and the audit log of what instructors did.

The gradebook counts each student's latest graded attempt per item, its score after any
late penalty, in the same :class:`~autograder.results.SubmissionResult` shape that
``workbook grade`` makes, so the CSV, JSON and Gradescope exports are the grader's own.
"""

from __future__ import annotations

import json
import re
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Request, Security, status
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy import select

from autograder.grading.store import suite_fingerprint
from autograder.manifest import UnknownItem
from autograder.outputs import gradebook, platforms, report
from autograder.results import SubmissionResult, gradebook_json
from autograder.service import jobs, security
from autograder.service.accounts import audit
from autograder.service.models import AuditEntry, Submission, User
from autograder.service.security import Caller, SessionDep, SettingsDep
from autograder.service.submitting import MAX_ID, last_event, stream

router = APIRouter(prefix="/api", tags=["instructor"])
Instructor = Annotated[Caller, Security(security.caller, scopes=["instructor"])]


async def class_results(session, settings) -> list[SubmissionResult]:
    """Each student's latest graded attempt at each item (score after penalty), in course order."""
    students = (await session.execute(select(User).where(User.role == "student").order_by(User.username))).scalars()
    subs = (await session.execute(select(Submission).where(Submission.status == "graded")
                                  .order_by(Submission.user_id, Submission.item, Submission.attempt))).scalars().all()
    latest: dict[tuple[int, str], Submission] = {(s.user_id, s.item): s for s in subs}
    out = []
    for student in students:
        result = SubmissionResult(student.username)
        for item in settings.course.items:
            sub = latest.get((student.id, item.id))
            if sub is None:
                continue
            graded = await jobs.result_of(session, sub)
            if graded is not None:
                result.items.append(replace(graded, score=sub.score if sub.score is not None else graded.score))
        out.append(result)
    return out


@router.get("/gradebook")
async def class_gradebook(who: Instructor, session: SessionDep, settings: SettingsDep) -> dict:
    """The results JSON of ``workbook grade`` (latest graded attempts), plus the report's charts."""
    results = await class_results(session, settings)
    items = list(settings.course.items)
    stats = report.item_stats(results, items)
    data = gradebook_json(results)
    data["charts"] = {"pass_rate": report.pass_rate_chart(stats), "distribution": report.distribution_chart(results)}
    data["items"] = [{"id": i.id, "section": i.section, "points": i.points} for i in items]
    return data


@router.get("/students/{username}/history")
async def history(username: str, who: Instructor, session: SessionDep) -> list[dict]:
    """Every attempt of one student, newest first, each with its full result and flags."""
    student = await security.user_by_name(session, username)
    if student is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"no account named {username!r}")
    subs = (await session.execute(select(Submission).where(Submission.user_id == student.id)
                                  .order_by(Submission.id.desc()))).scalars().all()
    return [await _full(session, s, student) for s in subs]


async def _full(session, sub: Submission, owner: User) -> dict:
    result = await jobs.result_of(session, sub)
    return {"id": sub.id, "username": owner.username, "item": sub.item, "attempt": sub.attempt,
            "sha256": sub.sha256, "submitted_at": sub.submitted_at.isoformat(), "days_late": sub.days_late,
            "status": sub.status, "score": sub.score, "max_score": sub.max_score, "dispatches": sub.dispatches,
            "writes": sub.writes, "result": result.to_json(detail=True) if result else None}


@router.get("/flags")
async def flags(who: Instructor, session: SessionDep) -> list[dict]:
    """Flagged submissions, each with its flags and the lines of the file they point at."""
    subs = (await session.execute(select(Submission).where(Submission.flagged.is_(True))
                                  .order_by(Submission.id.desc()))).scalars().all()
    out = []
    for sub in subs:
        owner = await session.get(User, sub.user_id)
        entry = await _full(session, sub, owner)
        entry["lines"] = flagged_lines(sub.content, entry["result"]["flags"] if entry["result"] else [])
        out.append(entry)
    return out


def flagged_lines(content: bytes, flags: list[str]) -> list[dict]:
    """The source lines a flag names ("line 12", "L12", ":12"), with their numbers."""
    lines = content.decode("utf-8", errors="replace").splitlines()
    wanted = sorted({int(n) for flag in flags for n in re.findall(r"(?:line |L|:)(\d+)", flag)})
    return [{"line": n, "text": lines[n - 1]} for n in wanted if 1 <= n <= len(lines)]


class Regrade(BaseModel):
    """What to grade again: one submission, a student's latest, an item's latest, or all of
    them. ``changed_suites`` limits it to results graded with a suite that has changed since."""

    submission: int | None = None
    username: str | None = None
    item: str | None = None
    changed_suites: bool = False


@router.post("/regrade")
async def regrade(body: Regrade, who: Instructor, request: Request, session: SessionDep,
                  settings: SettingsDep) -> dict:
    subs = await _targets(session, settings, body)
    for sub in subs:
        await jobs.requeue(session, sub, settings, force=not body.changed_suites)
    await audit(session, who, "regrade", body.model_dump_json(exclude_none=True) + f" -> {len(subs)}")
    await session.commit()
    for sub in subs:
        await request.app.state.queue.send(sub.id)
    request.app.state.notify()
    return {"queued": [s.id for s in subs]}


async def _targets(session, settings, body: Regrade) -> list[Submission]:
    if body.submission is not None:
        sub = await session.get(Submission, body.submission) if 0 < body.submission <= MAX_ID else None
        if sub is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no submission {body.submission}")
        subs = [sub]
    else:
        query = select(Submission).where(Submission.status == "graded")
        if body.username is not None:
            student = await security.user_by_name(session, body.username)
            if student is None:
                raise HTTPException(status.HTTP_404_NOT_FOUND, f"no account named {body.username!r}")
            query = query.where(Submission.user_id == student.id)
        if body.item is not None:
            try:
                settings.course.item(body.item)
            except UnknownItem:
                raise HTTPException(status.HTTP_404_NOT_FOUND, f"unknown item {body.item[:100]!r}") from None
            query = query.where(Submission.item == body.item)
        everything = (await session.execute(query.order_by(Submission.attempt))).scalars().all()
        latest = {(s.user_id, s.item): s for s in everything}
        subs = list(latest.values())
    if body.changed_suites:
        current = {i.id: suite_fingerprint(i) for i in settings.course.items}
        subs = [s for s in subs if s.suite != current[s.item]]
    return [s for s in subs if s.status == "graded"]


@router.get("/exports/{kind}")
async def export(kind: Literal["csv", "json", "gradescope"], who: Instructor, session: SessionDep,
                 settings: SettingsDep, username: str | None = None) -> Response:
    """The gradebook as ``workbook grade`` writes it: CSV, results JSON, or one student's
    Gradescope ``results.json``. Recorded in the audit log once it is made."""
    results = await class_results(session, settings)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    if kind == "csv":
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "gradebook.csv"
            gradebook.write_csv(results, list(settings.course.items), path)
            response = _download(path.read_bytes(), "text/csv", f"gradebook-{stamp}.csv")
    elif kind == "json":
        response = _download(json.dumps(gradebook_json(results), indent=2).encode(), "application/json",
                             f"results-{stamp}.json")
    else:
        chosen = next((r for r in results if r.submission == username), None)
        if chosen is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, "name a student: ?username=...")
        body = json.dumps(platforms.gradescope_results(settings.course, chosen), indent=2).encode()
        response = _download(body, "application/json", f"results-{chosen.submission}.json")
    await audit(session, who, f"export.{kind}", username or "")
    await session.commit()
    return response


def _download(body: bytes, media: str, filename: str) -> Response:
    return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/audit")
async def audit_log(who: Instructor, session: SessionDep) -> list[dict]:
    entries = (await session.execute(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(500))).scalars()
    return [{"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "detail": e.detail} for e in entries]


@router.get("/class/events")
async def class_events(who: Instructor, request: Request, session: SessionDep, since: int | None = None):
    """Every student's submissions as they change (server-sent events)."""
    await session.close()  # see stream(): the caller's connection goes back to the pool now
    return await stream(request, None, last_event(request, since))
