"""The instructor's routes attacked and misused: a student regrading, regrades of what does
not exist, and the record of who did what (exports follow the latest grade)."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from autograder.service.models import AuditEntry, Submission
from tests.support.service import ITEM, solution, stub


def test_a_student_cannot_regrade_and_nothing_moves(service):
    ada = service.student("Ada Lovelace")
    done = service.wait(ada, service.submit(ada, solution()).json()["id"])
    response = service.client.post("/api/regrade", headers=ada, json={"submission": done["id"]})
    assert (response.status_code, response.json()) == (403, {"detail": "this needs the instructor role"})
    assert [(s.status, s.writes, s.dispatches) for s in service.db(select(Submission))] == [("graded", 1, 1)]


def test_a_regrade_grades_again_and_the_exports_follow_the_latest(service):
    ada = service.student("Ada Lovelace")
    service.wait(ada, service.submit(ada, stub()).json()["id"])
    latest = service.wait(ada, service.submit(ada, solution()).json()["id"])["id"]
    response = service.client.post("/api/regrade", headers=service.instructor, json={"username": "ada.lovelace"})
    assert response.json() == {"queued": [latest]}
    service.wait(ada, latest)
    rows = {s.attempt: (s.status, s.writes, s.dispatches, s.score) for s in service.db(select(Submission))}
    assert rows == {1: ("graded", 1, 1, 0), 2: ("graded", 2, 2, 10)}
    book = service.client.get("/api/exports/csv", headers=service.instructor)
    assert book.status_code == 200
    assert book.headers["content-disposition"].startswith('attachment; filename="gradebook-')
    row = next(r for r in csv.DictReader(io.StringIO(book.text)) if "ada.lovelace" in r.values())
    assert float(row[ITEM]) == 10
    data = service.client.get("/api/exports/json", headers=service.instructor).json()
    assert [(s["submission"], s["score"]) for s in data["submissions"]] == [("ada.lovelace", 10)]


def test_a_regrade_of_nothing_is_404_with_one_line(service):
    for body, detail in [({"item": "no_such_item"}, "unknown item 'no_such_item'"),
                         ({"submission": 4242}, "no submission 4242"),
                         ({"submission": 2**63}, f"no submission {2**63}"),
                         ({"username": "nobody"}, "no account named 'nobody'")]:
        response = service.client.post("/api/regrade", headers=service.instructor, json=body)
        assert (response.status_code, response.json()) == (404, {"detail": detail}), body
    response = service.client.post("/api/regrade", headers=service.instructor, json={"submission": "all of them"})
    assert (response.status_code, response.json()) == (
        422, {"detail": "submission: Input should be a valid integer, unable to parse string as an integer"})


def test_the_audit_log_holds_instructor_actions_and_never_a_students(service):
    ada = service.student("Ada Lovelace")
    service.wait(ada, service.submit(ada, solution()).json()["id"])
    service.client.get("/api/items", headers=ada)
    service.client.post("/api/regrade", headers=ada, json={})
    service.client.get("/api/exports/csv", headers=ada)
    service.client.post("/api/regrade", headers=service.instructor, json={"item": ITEM})
    service.client.get("/api/exports/csv", headers=service.instructor)
    service.client.post("/api/roster/ada.lovelace/link", headers=service.instructor)
    entries = service.db(select(AuditEntry).order_by(AuditEntry.id))
    assert [(e.actor, e.action) for e in entries] == [
        ("instructor", "roster.import"), ("instructor", "regrade"), ("instructor", "export.csv"),
        ("instructor", "roster.link")]
    assert entries[1].detail == f'{{"item":"{ITEM}","changed_suites":false}} -> 1'
