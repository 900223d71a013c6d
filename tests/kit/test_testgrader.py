"""The notes app that testing01's suites run a student's tests against (autograder.kit.testgrader)."""

from autograder.kit import testgrader


def test_the_app_is_compiled_without_the_graders_future_imports():
    # testgrader.py has `from __future__ import annotations`; inherited by the app, `-> None`
    # became the string "None", which FastAPI before 0.116 turns into a response model,
    # and the 204 DELETE route refused to build (the minimum-versions leg caught it).
    module = testgrader.fresh_notes_app()
    assert module.delete_note.__annotations__["return"] is None
    assert any(getattr(route, "path", "") == "/notes/{note_id}" and "DELETE" in route.methods
               for route in module.app.routes)


def test_each_call_builds_a_fresh_app():
    first, second = testgrader.fresh_notes_app(), testgrader.fresh_notes_app()
    assert first.app is not second.app
    first.app.dependency_overrides[first.get_db] = lambda: None
    assert second.app.dependency_overrides == {}
