"""The body cap: a declared or streamed body past 2 MB is 413 and one line, before any
route reads it; nothing is stored."""

from __future__ import annotations

from autograder.service.bodylimit import MAX_BODY_BYTES
from tests.support.service import ITEM

MESSAGE = {"detail": "the request is larger than 2 MB; an exercise file is at most 1 MB"}


def _stored(service) -> int:
    return len(service.client.get("/api/students/ada.lovelace/history", headers=service.instructor).json())


def test_a_declared_body_past_the_cap_is_refused_before_it_is_read(service):
    student = service.student("Ada Lovelace")
    response = service.submit(student, b"#" * (MAX_BODY_BYTES + 1))
    assert (response.status_code, response.json()) == (413, MESSAGE)
    assert _stored(service) == 0


def test_a_streamed_body_past_the_cap_is_cut_off(service):
    student = service.student("Ada Lovelace")
    chunks = (b"x" * 100_000 for _ in range(MAX_BODY_BYTES // 100_000 + 2))
    response = service.client.post(f"/api/submissions/{ITEM}", headers={
        **student, "Content-Type": "multipart/form-data; boundary=b"}, content=chunks)
    assert (response.status_code, response.json()) == (413, MESSAGE)
    assert _stored(service) == 0


def test_a_body_within_the_cap_reaches_the_route(service):
    student = service.student("Ada Lovelace")
    response = service.submit(student, b"#" * 1_000_001)
    assert response.status_code == 413
    assert response.json() == {"detail": "the file is larger than 1000 kB"}
