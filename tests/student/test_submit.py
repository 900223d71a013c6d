"""Submitting from the terminal and the notebook, against a real service on loopback."""

from __future__ import annotations

import json
import stat

import pytest

from autograder import manifest
from autograder.student import notebook
from autograder.student import submit as client
from tests.support.service import ITEM, PASSWORD, bearer, serve_http, settings_for, solution, stub

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:websockets.*",
                                        "ignore::DeprecationWarning:uvicorn.*")


@pytest.fixture
def server(tmp_path, monkeypatch):
    """A live service with one signed-up student (ada.lovelace), and the student's folder."""
    monkeypatch.setenv("WORKBOOK_LOGIN", str(tmp_path / "login.json"))
    import httpx

    with serve_http(settings_for(tmp_path)) as served, httpx.Client(base_url=served.url) as http:
        url = served.url
        teacher = http.post("/api/signup", json={"token": served.invites[0].token, "password": PASSWORD}).json()
        invite = http.post("/api/roster", headers=bearer(teacher["access_token"]),
                           files={"file": ("r.csv", "name\nAda Lovelace\n")}).json()[0]
        http.post("/api/signup", json={"token": invite["token"], "password": PASSWORD})
        folder = tmp_path / "work"
        folder.mkdir()
        yield url, folder


def test_login_keeps_a_refresh_token_only_the_student_reads_and_each_use_rotates_it(server, tmp_path):
    url, _ = server
    kept = client.login(url, "ada.lovelace", PASSWORD)
    path = tmp_path / "login.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    first = json.loads(path.read_text())["refresh_token"]
    assert first == kept.refresh_token
    client._access()
    assert json.loads(path.read_text())["refresh_token"] != first


def test_a_wrong_password_and_a_missing_login_are_one_line_each(server):
    url, folder = server
    (folder / f"{ITEM}.py").write_bytes(solution())
    with pytest.raises(client.SubmitError, match=r"^not signed in: run `workbook login SERVER` first$"):
        client.submit(manifest.load().item(ITEM), folder)
    with pytest.raises(client.SubmitError, match=r"^wrong user name or password$"):
        client.login(url, "ada.lovelace", "not the password")


def test_a_service_that_does_not_answer_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBOOK_LOGIN", str(tmp_path / "login.json"))
    with pytest.raises(client.SubmitError, match=r"^the grading service at http://127\.0\.0\.1:9 did not answer"):
        client.login("http://127.0.0.1:9", "ada", "pw")


def test_submit_waits_for_the_grade_and_shows_it(server):
    url, folder = server
    client.login(url, "ada.lovelace", PASSWORD)
    item = manifest.load().item(ITEM)
    (folder / item.filename).write_bytes(stub())
    wrong = client.submit(item, folder)
    assert wrong.graded and wrong.lines()[0] == f"{ITEM}, attempt 1: 0/10 points"
    assert any(line.startswith("✗ test_") for line in wrong.lines())
    (folder / item.filename).write_bytes(solution())
    right = notebook.submit(ITEM, folder)
    assert right.lines()[0] == f"{ITEM}, attempt 2: 10/10 points"
    assert "<table class='workbook-submit'>" in right._repr_html_()


def test_a_missing_file_is_named_before_anything_is_sent(server):
    url, folder = server
    client.login(url, "ada.lovelace", PASSWORD)
    with pytest.raises(client.SubmitError, match=f"{ITEM}.py was not found$"):
        client.submit(manifest.load().item(ITEM), folder)


def test_a_login_the_service_revoked_says_to_sign_in_again(server, tmp_path):
    url, _ = server
    kept = client.login(url, "ada.lovelace", PASSWORD)
    client._access()  # spends the kept token; replaying it revokes the family
    path = tmp_path / "login.json"
    path.write_text(json.dumps({"server": url, "username": "ada.lovelace", "refresh_token": kept.refresh_token}))
    with pytest.raises(client.SubmitError, match=r"already used.*\(run `workbook login http"):
        client._access()


def test_a_login_file_this_workbook_did_not_write_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("WORKBOOK_LOGIN", str(tmp_path / "login.json"))
    (tmp_path / "login.json").write_text("[1, 2]")
    with pytest.raises(client.SubmitError, match="is not a login this workbook wrote"):
        client.Login.load()
