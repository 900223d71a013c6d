"""The app as a whole: the instructor's first invite, the headers, the one-line errors,
and a student's round trip from sign-up to full marks."""

from __future__ import annotations

from autograder.service.app import SECURITY_HEADERS
from tests.support.service import ITEM, PASSWORD, Service, bearer, open_service, settings_for, solution, start, stub


def test_a_new_store_invites_one_instructor_and_a_restart_does_not_again(tmp_path):
    client, invites = start(settings_for(tmp_path))
    with client:
        assert [i.username for i in invites] == ["instructor"]
        open_service(client, invites)
    client, again = start(settings_for(tmp_path))
    with client:
        assert again == []


def test_every_response_carries_the_security_headers(service):
    response = service.client.get("/api/me")
    assert response.status_code == 401
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert response.headers["Cache-Control"] == "no-store"


def test_a_wrong_answer_then_the_fix(service):
    student = service.student("Ada Lovelace")
    first = service.submit(student, stub())
    assert first.status_code == 202 and first.json()["attempt"] == 1
    graded = service.wait(student, first.json()["id"])
    assert graded["result"]["score"] == 0 and graded["result"]["tests"]
    fixed = service.wait(student, service.submit(student, solution()).json()["id"])
    assert fixed["attempt"] == 2
    assert fixed["result"]["score"] == fixed["result"]["max_score"] == 10
    history = service.client.get("/api/students/ada.lovelace/history", headers=service.instructor).json()
    assert [(h["item"], h["attempt"], h["score"], h["writes"]) for h in history] == [(ITEM, 2, 10, 1), (ITEM, 1, 0, 1)]


def test_a_request_the_api_cannot_read_is_one_line(service):
    response = service.client.post("/api/signup", json={"token": "x"})
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)


def test_a_store_that_stops_answering_is_503_with_a_wait_not_a_traceback(service, monkeypatch):
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.ext.asyncio import AsyncSession

    async def down(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))

    monkeypatch.setattr(AsyncSession, "execute", down)
    response = service.client.get("/api/roster", headers=service.instructor)
    assert (response.status_code, response.json(), response.headers["Retry-After"]) == \
        (503, {"detail": "the grading service's database is not answering; try again in a moment"}, "5")


def test_what_a_stopped_server_left_queued_is_graded_at_its_next_start(tmp_path):
    """The embedded default keeps no queue but the store: a submission stored and not yet
    graded when the server stopped is graded once it starts again."""
    settings = settings_for(tmp_path)
    client, invites = start(settings)
    with client:
        service = open_service(client, invites)
        student = service.student("Ada Lovelace")
        held = service.hold()  # the server stops before grading it
        submission = service.submit(student, solution()).json()["id"]
        assert held.sent == [submission]
        tokens = service.client.post("/api/token", data={"username": "ada.lovelace", "password": PASSWORD}).json()
    client, _ = start(settings)
    with client:
        again = Service(client)
        graded = again.wait(bearer(tokens["access_token"]), submission)
    assert (graded["status"], graded["result"]["score"], graded["attempt"]) == ("graded", 10, 1)
