"""Accounts: the token a student's page issues for the terminal or a notebook."""

from __future__ import annotations

from tests.support.service import bearer


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
