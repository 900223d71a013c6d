"""Sign-up links and the roster under attack: links used twice, expired or replaced, and
roster files the service must refuse with one line (and store nothing from); and the token
a student's page issues for the terminal or a notebook, a sign-in of its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from autograder.service.models import AuditEntry, User
from tests.support.service import PASSWORD, bearer

INVALID_LINK = "this sign-up link is not valid or has expired; ask your instructor for a new one"


def users(service) -> list[str]:
    return sorted(u.username for u in service.db(select(User)))


def test_a_used_link_cannot_be_used_twice(service):
    invite = service.enrol("Ada Lovelace")["Ada Lovelace"]
    service.sign_up(invite["token"])
    again = service.client.post("/api/signup", json={"token": invite["token"], "password": "a thief's password"})
    assert (again.status_code, again.json()) == (400, {"detail": INVALID_LINK})
    assert service.sign_in("ada.lovelace").status_code == 200
    assert service.sign_in("ada.lovelace", "a thief's password").status_code == 401


def test_an_expired_link_is_refused(service):
    invite = service.enrol("Ada Lovelace")["Ada Lovelace"]
    service.db(update(User).where(User.username == "ada.lovelace")
               .values(signup_expires=datetime.now(UTC) - timedelta(seconds=1)))
    response = service.client.post("/api/signup", json={"token": invite["token"], "password": PASSWORD})
    assert (response.status_code, response.json()) == (400, {"detail": INVALID_LINK})
    assert service.db(select(User.password_hash).where(User.username == "ada.lovelace")) == [None]


def test_a_made_up_link_is_refused(service):
    response = service.client.post("/api/signup", json={"token": "A" * 32, "password": PASSWORD})
    assert (response.status_code, response.json()) == (400, {"detail": INVALID_LINK})


def test_a_new_link_kills_the_old_one_and_the_sessions_it_replaces(service):
    """Relinking is how a lost or stolen password is replaced: the old link dies, and once the
    new one is used the sessions signed in before (a thief's included) end too."""
    old = service.enrol("Ada Lovelace")["Ada Lovelace"]
    before = service.sign_up(old["token"])
    new = service.client.post("/api/roster/ada.lovelace/link", headers=service.instructor)
    assert new.status_code == 200 and new.json()["token"] != old["token"]
    stale = service.client.post("/api/signup", json={"token": old["token"], "password": PASSWORD})
    assert (stale.status_code, stale.json()) == (400, {"detail": INVALID_LINK})
    service.sign_up(new.json()["token"], "a brand new password")
    response = service.client.post("/api/refresh", json={"refresh_token": before["refresh_token"]})
    assert (response.status_code, response.json()["detail"]) == (401, "the refresh token is not valid; sign in again")
    assert service.sign_in("ada.lovelace").status_code == 401
    assert service.sign_in("ada.lovelace", "a brand new password").status_code == 200


def test_a_link_for_nobody_is_404(service):
    response = service.client.post("/api/roster/nobody/link", headers=service.instructor)
    assert (response.status_code, response.json()) == (404, {"detail": "no account named 'nobody'"})


@pytest.mark.parametrize(("data", "code", "detail"), [
    (b"username\nada\n", 422, "the roster needs a 'name' column (and may have a 'username' column)"),
    ("name\nZo\u00eb\n".encode("latin-1"), 422, "the roster is not UTF-8 text; save it as CSV (UTF-8)"),
    (b"name\n" + b"a,\n" * 400_000, 413, "the roster is larger than 1 MB"),
    (b"name\n\n  \n", 422, "the roster names nobody"),
    (b"name\n" + b"x" * 201 + b"\n", 422, "row 2: the name is longer than 200 characters"),
    (b"name,username\nAda,ada lovelace\n", 422,
     "row 2: a username holds letters, digits, '.', '_' or '-' only (at most 64)"),
    (b"name\n" + b"x" * 200_000 + b"\n", 422,
     "the roster is not a CSV file this service can read: field larger than field limit (131072)"),
    (b"name\nAda\x00Lovelace\n", 422, "row 2: the name holds control characters"),
], ids=["no-name-column", "not-utf8", "huge", "nobody", "long-name", "bad-username", "huge-field", "nul-in-name"])
def test_a_bad_roster_is_one_line_and_adds_nobody(service, data, code, detail):
    response = service.client.post("/api/roster", headers=service.instructor, files={"file": ("roster.csv", data)})
    assert (response.status_code, response.json()) == (code, {"detail": detail})
    assert users(service) == ["instructor"]
    assert service.db(select(AuditEntry)) == []


def test_roster_import_is_for_instructors_only(service):
    student = service.student("Ada Lovelace")
    response = service.client.post("/api/roster", headers=student, files={"file": ("r.csv", b"name\nMallory\n")})
    assert (response.status_code, response.json()) == (403, {"detail": "this needs the instructor role"})
    assert users(service) == ["ada.lovelace", "instructor"]


def test_duplicate_names_get_distinct_usernames_and_none_is_the_instructors(service):
    invites = service.client.post("/api/roster", headers=service.instructor, files={"file": (
        "roster.csv", "name,username\nJohn Smith,\nJohn Smith,\nInstructor,\nMallory,INSTRUCTOR\nJo\u00eb,\n")})
    assert invites.status_code == 200
    assert [(i["username"], i["name"]) for i in invites.json()] == [
        ("john.smith", "John Smith"), ("john.smith2", "John Smith"), ("instructor2", "Instructor"), ("joe", "Jo\u00eb")]
    roles = {u.username: u.role for u in service.db(select(User))}
    assert roles == {"instructor": "instructor", "john.smith": "student", "john.smith2": "student",
                     "instructor2": "student", "joe": "student"}
    # the instructor's account kept its password: Mallory's row named it and was left out
    assert service.sign_in("instructor").status_code == 200


def test_a_terminal_token_is_a_sign_in_of_its_own(service):
    invite = service.enrol("Grace Hopper")["Grace Hopper"]
    page = service.sign_up(invite["token"])
    issued = service.client.post("/api/terminal-token", headers=bearer(page["access_token"]))
    assert issued.status_code == 200, issued.text
    terminal = service.client.post("/api/refresh", json={"refresh_token": issued.json()["refresh_token"]})
    assert terminal.status_code == 200 and terminal.json()["username"] == "grace.hopper"
    # The page's own token still works: the terminal's use was no replay of it.
    again = service.client.post("/api/refresh", json={"refresh_token": page["refresh_token"]})
    assert again.status_code == 200
    # Signing the terminal out leaves the page signed in.
    out = service.client.post("/api/logout", json={"refresh_token": terminal.json()["refresh_token"]})
    assert out.status_code == 204
    assert service.client.post("/api/refresh", json={"refresh_token": again.json()["refresh_token"]}).status_code == 200


def test_a_terminal_token_needs_a_signed_in_caller(service):
    assert service.client.post("/api/terminal-token").status_code == 401
