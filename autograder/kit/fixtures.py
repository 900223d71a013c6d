"""Pytest fixtures and options shared by every suite (loaded by ``suites/conftest.py``).

``--student FILE`` names the exercise file under test; without it a suite runs against
the item's reference solution, which is what a course author wants while writing it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send

from autograder.paths import SOLUTIONS
from autograder.sandbox import integrity, loader
from autograder.sandbox.messages import StudentAbort, describe

__all__ = [
    "client",
    "load_student",
    "pytest_addoption",
    "pytest_configure",
    "student",
    "student_path",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--student", default=None, help="the exercise file to test (default: the solution)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "points(n): what the test is worth")
    config.addinivalue_line("markers", "task(n): the numbered task (and hint) the test belongs to")


class ContainAbort:
    """Outermost user middleware: ``sys.exit`` or Ctrl-C in a route fails one request.

    It passes everything else through untouched, so the student's app behaves as written.
    """

    def __init__(self, app: ASGIApp, student_file: Path) -> None:
        self.app = app
        self.student_file = student_file

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except (SystemExit, KeyboardInterrupt) as exc:
            raise StudentAbort(describe(exc, self.student_file)) from None
        finally:
            integrity.checkpoint()  # while the request's patches, if any, are still in place


def _item_id(request: pytest.FixtureRequest) -> str:
    return request.module.__name__.rpartition(".")[2].removeprefix("test_")


@pytest.fixture
def student_path(request: pytest.FixtureRequest) -> Path:
    """The file under test."""
    given = request.config.getoption("--student")
    return Path(given).resolve() if given else SOLUTIONS / f"{_item_id(request)}.py"


@pytest.fixture
def load_student(student_path: Path, request: pytest.FixtureRequest) -> Callable[[], ModuleType]:
    """A loader for a fresh copy of the student's module.

    For tests that must patch something (``time.sleep``, say) *before* the module is
    executed, so that even ``from time import sleep`` picks up the patch.
    """

    def load() -> ModuleType:
        try:
            module = loader.load(student_path, _item_id(request))
        except loader.StudentImportError as exc:
            pytest.fail(exc.message, pytrace=False)
        app = getattr(module, "app", None)
        if isinstance(app, Starlette):
            app.add_middleware(ContainAbort, student_file=student_path)
        return module

    return load


@pytest.fixture
def student(load_student: Callable[[], ModuleType]) -> ModuleType:
    """A fresh copy of the student's module, private to this test."""
    return load_student()


@pytest.fixture
def client(student: ModuleType) -> Iterator[TestClient]:
    """A ``TestClient`` on the student's ``app``, entered so that ``lifespan`` runs.

    Entered with ``with``: one event loop serves every request of the test, so a
    blocking call inside ``async def`` really blocks, as it would in production.
    """
    app = getattr(student, "app", None)
    if app is None:
        pytest.fail("your module defines no `app` (expected `app = FastAPI()` at top level)", pytrace=False)
    with TestClient(app) as test_client:
        yield test_client
