"""Hidden suite for testing01_testing_apps: grading the student's tests.

The student's file holds tests of the given notes app (autograder/kit/notes_app.py).
The suite runs them in-process (autograder/kit/testgrader.py: no nested pytest, no
subprocess) on the correct app, where every one must pass, and on mutants of the app
made by the audit's mutator, where some test must fail: the score follows how many
mutants the tests kill, task by task, and a failed check names a surviving mutant.
While the tests run, the app records what they did to it, so the techniques are
judged by behaviour: the production database never opened and no database file
shared between tests; get_current_user overridden and every override removed
afterwards; every request inside a running lifespan that also shut down; an async test
whose requests went through an httpx.AsyncClient on its own loop, inside the lifespan.

Catches: tests that fail on a correct app, tests that skip (the stub), a shared or
production database, overrides left behind, a TestClient used without `with`, an
async test through TestClient or outside the lifespan, and weak assertions: a status
code or a field not checked, a read-back or a deletion not verified, another user's
access, a missing credential or a wrong scheme not tried, the quota's boundary missed.

The student's tests run once per worker (the evaluation is cached by file): each
check reads the same evidence, and a run takes a few seconds, not ten times that.
"""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from autograder.kit import testgrader
from autograder.kit.testgrader import (
    evaluate,
    expect_all_pass,
    expect_async_client_with_lifespan,
    expect_killed,
    expect_lifespan_around_requests,
    expect_overrides_used_and_cleared,
    expect_private_databases,
    fresh_notes_app,
)

# Mutants of the notes app by task (ids as `workbook audit` prints them), each with where
# a request meets it: the route functions that run the mutated line, or "auth" for the
# real get_current_user. Each is a bug a good suite for its task catches; none is
# equivalent to the app.
NOTES_AND_DATA = {
    "status-code:L104:24fd2768": "create_note",               # POST /notes answers 200 instead of 201
    "drop-keyword:L114:bbdd993f": "create_note",              # the created note comes back without its body
    "drop-keyword:L50:12ff862d": "create_note",               # an empty title is accepted
    "delete-stmt:L113:68c16707": "create_note",               # the new note is never committed
    "return-none:L132:22b0108c": "read_note delete_note",     # an existing note is read as nothing
    "status-code:L140:5480ca52": "delete_note",               # DELETE answers 200 instead of 204
    "delete-stmt:L143:62ce04fd": "delete_note",               # DELETE deletes nothing
    "status-code:L129:6db96039": "read_note delete_note",     # a missing note answers 200
}
WHO_MAY_DO_WHAT = {
    "delete-stmt:L130:71ec9706": "read_note delete_note",     # the owner is not checked
    "flip-compare:L130:84a0d02d": "read_note delete_note",    # the owner check inverted
    "flip-compare:L121:bb8bbbef": "list_notes",               # the list shows the other users' notes
    "flip-compare:L81:2ab748c5": "auth",                      # no Authorization header gets past the check
    "drop-keyword:L82:58a484ab": "auth",                      # 401 without WWW-Authenticate
    "status-code:L82:db64a319": "auth",                       # 403 instead of 401
    "drop-not:L81:04b5c392": "auth",                          # a non-bearer header reaches the identity service
}
QUOTA = {
    "flip-compare:L109:e567728f": "create_note",              # a 4th note accepted
    "status-code:L110:8961b2e5": "create_note",               # 400 instead of 409
    "number:L61:66a234ed": "create_note",                     # the limit read as 2
}

_evaluations: dict[str, object] = {}


@pytest.fixture
def evaluation(load_student, student_path: Path, tmp_path_factory: pytest.TempPathFactory) -> testgrader.Evaluation:
    key = str(student_path)
    if key not in _evaluations:
        student = load_student()
        _evaluations[key] = evaluate(student, tmp_path_factory.mktemp("student-tests"), student_path)
    return _evaluations[key]


@pytest.fixture
def client():
    """The correct notes app behind a TestClient (what the suite's own requests reach)."""
    with TestClient(fresh_notes_app().app) as test_client:
        yield test_client


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_every_test_passes_on_the_correct_app(evaluation):
    """every test passes on the correct notes app (and at least one runs)"""
    expect_all_pass(evaluation)


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_each_test_has_its_own_database(evaluation):
    """no test opens the production database, and no two tests share a database file"""
    expect_private_databases(evaluation)


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_overrides_are_used_and_removed(evaluation):
    """requests run with get_current_user overridden, and no override outlives its test"""
    expect_overrides_used_and_cleared(evaluation)


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_requests_run_inside_the_lifespan(evaluation):
    """every request is sent while the app's lifespan runs, and the lifespan shuts down"""
    expect_lifespan_around_requests(evaluation)


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_half_of_the_notes_bugs_are_caught(evaluation):
    """the tests catch at least half of the bugs in creating, reading and deleting notes"""
    expect_killed(evaluation, NOTES_AND_DATA, "creating, reading and deleting notes", at_least=0.5)


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_every_notes_bug_is_caught(evaluation):
    """the tests catch every bug in creating, reading and deleting notes"""
    expect_killed(evaluation, NOTES_AND_DATA, "creating, reading and deleting notes")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_half_of_the_access_bugs_are_caught(evaluation):
    """the tests catch at least half of the bugs in who may read or delete what"""
    expect_killed(evaluation, WHO_MAY_DO_WHAT, "who may read or delete what", at_least=0.5)


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_every_access_bug_is_caught(evaluation):
    """the tests catch every bug in who may read or delete what"""
    expect_killed(evaluation, WHO_MAY_DO_WHAT, "who may read or delete what")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_an_async_test_uses_asgi_transport_inside_the_lifespan(evaluation):
    """an async test sends its requests through httpx.AsyncClient and ASGITransport, inside the lifespan"""
    expect_async_client_with_lifespan(evaluation)


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_every_quota_bug_is_caught(evaluation):
    """the tests catch every bug in the quota of 3 notes per user"""
    expect_killed(evaluation, QUOTA, "the quota of 3 notes per user")
