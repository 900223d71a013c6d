"""Public checks for testing01_testing_apps: your tests, run on the notes app and on two broken copies.

Your tests run in-process on the correct notes app (every one must pass) and on
broken copies of it (mutants), where at least one must fail. The hidden suite does the
same with many more broken copies, task by task, and judges the techniques too.
"""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from autograder.kit import testgrader
from autograder.kit.testgrader import evaluate, expect_all_pass, expect_async_client_with_lifespan, expect_killed

_evaluations: dict[str, object] = {}


@pytest.fixture
def evaluation(load_student, student_path: Path, tmp_path_factory: pytest.TempPathFactory) -> testgrader.Evaluation:
    key = str(student_path)
    if key not in _evaluations:
        _evaluations[key] = evaluate(load_student(), tmp_path_factory.mktemp("student-tests"), student_path)
    return _evaluations[key]


@pytest.fixture
def client():
    """The correct notes app behind a TestClient."""
    with TestClient(testgrader.fresh_notes_app().app) as test_client:
        yield test_client


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_your_tests_pass_on_the_correct_app(evaluation):
    """every test passes on the correct notes app, through your fixtures"""
    expect_all_pass(evaluation)


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_a_post_answering_200_is_caught(evaluation):
    """your tests catch POST /notes answering 200 instead of 201"""
    expect_killed(evaluation, {"status-code:L104:24fd2768": "create_note"}, "POST /notes")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_a_403_for_missing_credentials_is_caught(evaluation):
    """your tests catch a request without credentials answered 403 instead of 401"""
    expect_killed(evaluation, {"status-code:L82:db64a319": "auth"}, "missing credentials")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_an_async_test_uses_asgi_transport_inside_the_lifespan(evaluation):
    """an async test sends its requests through httpx.AsyncClient and ASGITransport, inside the lifespan"""
    expect_async_client_with_lifespan(evaluation)
