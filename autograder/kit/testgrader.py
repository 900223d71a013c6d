"""Grading a student's *tests*: run them on the notes app, and on broken copies of it.

Item ``testing01_testing_apps`` turns the usual roles around: the app is given
(:mod:`autograder.kit.notes_app`) and the student writes the tests. The suites grade
those tests the way mutation testing grades any test suite:

1. every test must pass on the correct app (a test that fails there is wrong);
2. every test is run again on *mutants* of the app, copies with one small bug each made
   by the audit's own mutator (:func:`autograder.audit.mutants.make_mutants`); a mutant is
   *killed* when at least one test fails on it. The more mutants killed, the better
   the tests;
3. while the tests run, the app records what they did to it (which dependencies were
   overridden, and whether the overrides were cleared afterwards; whether the lifespan
   ran around the requests; which database files were opened; whether a request came
   through an ``httpx.AsyncClient`` on the test's own event loop), so that the suites
   judge the techniques by what happened, never by reading the code.

Everything runs in-process: no nested pytest, no subprocess. A small fixture resolver
stands in for pytest's: it gives the student's tests their own fixtures (plain or
generator, sync or async, function scope), ``tmp_path``, ``monkeypatch`` and
``notes`` (the app module under test: a fresh copy, or a mutant, for every test),
and understands ``@pytest.mark.parametrize`` and ``@pytest.mark.skip``.

The correct app is the unparsed source (``ast.unparse``), exactly as the mutants are
written, so a test cannot tell the correct app from a mutant by its formatting or line
numbers, only by its behaviour.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import itertools
import os
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from autograder.kit import notes_app
from autograder.sandbox.messages import describe

__all__ = ["APP_FILE", "Evaluation", "Evidence", "FixtureError", "MutantResult", "Run", "StudentTest", "evaluate",
           "expect_all_pass", "expect_async_client_with_lifespan", "expect_killed", "expect_lifespan_around_requests",
           "expect_overrides_used_and_cleared", "expect_private_databases", "fresh_notes_app", "mutants_of_app",
           "reaches", "run_test", "student_tests"]

APP_FILE = Path(notes_app.__file__).resolve()
APP_MODULE = "notes_app_under_test"
GIVEN_FIXTURES = ("notes", "tmp_path", "monkeypatch", "anyio_backend")
ASYNC_MARKS = ("anyio", "asyncio")  # what makes pytest (with anyio's or pytest-asyncio's plugin) run an async test


# --- the app under test -----------------------------------------------------------------

def fresh_notes_app(source: str | None = None) -> ModuleType:
    """A brand-new copy of the notes app module (of ``source``, a mutant, when given).

    A fresh module means a fresh ``app`` with empty ``dependency_overrides``: nothing a
    test does to it reaches the next test.
    """
    code = _compiled(source if source is not None else APP_FILE.read_text(encoding="utf-8"))
    module = ModuleType(APP_MODULE)
    module.__file__ = str(APP_FILE)
    previous = sys.modules.get(APP_MODULE)
    sys.modules[APP_MODULE] = module  # pydantic resolves the models' annotations through it
    try:
        exec(code, module.__dict__)
    finally:
        if previous is not None:
            sys.modules[APP_MODULE] = previous
        else:
            sys.modules.pop(APP_MODULE, None)
    return module


@cache
def _compiled(source: str) -> Any:
    # dont_inherit: this module's ``from __future__ import annotations`` must not reach the
    # app, or ``-> None`` becomes the string "None", which FastAPI before 0.116 resolves
    # to NoneType, a response model, and a 204 route that "must not have a body" fails.
    return compile(source, str(APP_FILE), "exec", dont_inherit=True)


@cache
def reference_source() -> str:
    """The correct app as the mutator writes modules: ``ast.unparse`` of the file."""
    return ast.unparse(ast.parse(APP_FILE.read_text(encoding="utf-8"))) + "\n"


def _span(tree: ast.Module, line: int) -> set[int]:
    """``line`` and the lines of every node that starts there (a statement may span a few)."""
    end = max([line, *(getattr(n, "end_lineno", line) or line for n in ast.walk(tree)
                       if getattr(n, "lineno", None) == line and not isinstance(n, ast.FunctionDef))])
    return set(range(line, end + 1))


_mutants: dict[str, Any] = {}


def mutants_of_app(ids: Iterable[str]) -> list[Any]:
    """The audit's mutants of the notes app with these ids (``operator:L<line>:<hash>``).

    Only the statements on the ids' lines are mutated, in one call (every mutant of
    the file takes seconds to make); made mutants are kept for the next call. A missing
    id is an error in the suite, not the student's.
    """
    from autograder.audit.mutants import make_mutants

    ids = list(ids)
    missing = [i for i in ids if i not in _mutants]
    if missing:
        source = APP_FILE.read_text(encoding="utf-8")
        tree = ast.parse(source)
        lines = set().union(*(_span(tree, int(i.split(":")[1].removeprefix("L"))) for i in missing))
        made = {m.key: m for m in make_mutants(source, lines)}
        for mutant_id in missing:
            operator, _, digest = mutant_id.split(":")
            if (operator, digest) not in made:
                raise LookupError(f"the notes app has no mutant {mutant_id} any more: update the suite")
            _mutants[mutant_id] = made[(operator, digest)]
    return [_mutants[i] for i in ids]


def app_line(number: int) -> str:
    lines = APP_FILE.read_text(encoding="utf-8").splitlines()
    return " ".join(lines[number - 1].split()) if 0 < number <= len(lines) else ""


# --- what a test did to the app -----------------------------------------------------------

@dataclass
class Request:
    method: str
    path: str
    overridden: tuple[str, ...]   # names of the dependencies overridden while it ran
    on_test_loop: bool            # served on the test's own thread: an httpx.AsyncClient, not TestClient
    lifespan_running: bool
    endpoint: str = ""            # the route function that served it (empty: no route matched)


@dataclass
class Evidence:
    requests: list[Request] = field(default_factory=list)
    startups: int = 0
    shutdowns: int = 0
    running: int = 0
    databases: list[str] = field(default_factory=list)   # what sqlite3.connect was given
    overrides_after: tuple[str, ...] = ()


def _name(function: Any) -> str:
    return getattr(function, "__name__", type(function).__name__)


class _Recorder:
    """Outermost ASGI middleware: notes every request and what the app looked like then."""

    def __init__(self, app: Any, evidence: Evidence, fastapi_app: Any, test_thread: threading.Thread) -> None:
        self.app = app
        self.evidence = evidence
        self.fastapi_app = fastapi_app
        self.test_thread = test_thread

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope.get("method", ""), scope.get("path", ""),
                          tuple(_name(k) for k in self.fastapi_app.dependency_overrides),
                          threading.current_thread() is self.test_thread, self.evidence.running > 0)
        self.evidence.requests.append(request)
        try:
            await self.app(scope, receive, send)
        finally:
            request.endpoint = _name(scope.get("endpoint")) if scope.get("endpoint") else ""


def _instrument(module: ModuleType, evidence: Evidence, production: Path) -> None:
    module.DATABASE = str(production)
    app = module.app
    original = app.router.lifespan_context

    @asynccontextmanager
    async def recorded(target: Any):
        async with original(target) as state:
            evidence.startups += 1
            evidence.running += 1
            try:
                yield state
            finally:
                evidence.running -= 1
                evidence.shutdowns += 1

    app.router.lifespan_context = recorded
    module.lifespan = recorded
    app.add_middleware(_Recorder, evidence=evidence, fastapi_app=app, test_thread=threading.current_thread())


# --- the student's tests, and a small fixture resolver ----------------------------------------

@dataclass(frozen=True)
class StudentTest:
    name: str                      # with the parameters' ids, as pytest names it: test_x[1-a]
    function: Callable[..., Any]
    params: tuple[tuple[str, Any], ...] = ()
    skip: str | None = None

    async_marked: bool = False     # @pytest.mark.anyio (or asyncio), on the test or the module

    @property
    def is_async(self) -> bool:
        return inspect.iscoroutinefunction(self.function)


def _marks(function: Any) -> list:
    return list(getattr(function, "pytestmark", []))


def _module_marks(module: ModuleType) -> list:
    marks = getattr(module, "pytestmark", [])
    return list(marks) if isinstance(marks, (list, tuple)) else [marks]


def _skip_reason(marks: list) -> str | None:
    return next((str(m.kwargs.get("reason", m.args[0] if m.args else "skipped")) for m in marks
                 if m.name == "skip"), None)


def _grid(mark: Any) -> list[tuple[tuple[str, Any], ...]]:
    """One ``parametrize`` mark's rows, each a tuple of (argument name, value) pairs."""
    names = mark.args[0] if len(mark.args) > 0 else mark.kwargs["argnames"]
    values = mark.args[1] if len(mark.args) > 1 else mark.kwargs["argvalues"]
    names = [n.strip() for n in names.split(",")] if isinstance(names, str) else list(names)
    rows = []
    for value in values:
        if type(value).__name__ == "ParameterSet":  # pytest.param(...)
            value = value.values if len(names) > 1 else value.values[0]
        rows.append(tuple(zip(names, (value,) if len(names) == 1 else tuple(value))))
    return rows


def student_tests(module: ModuleType) -> list[StudentTest]:
    """The module's ``test_*`` functions in file order, parametrised ones expanded."""
    functions = [value for name, value in vars(module).items()
                 if name.startswith("test") and inspect.isfunction(value)]
    functions.sort(key=lambda f: f.__code__.co_firstlineno)
    module_marks = _module_marks(module)
    found: list[StudentTest] = []
    for function in functions:
        marks = _marks(function)
        marked = any(getattr(m, "name", "") in ASYNC_MARKS for m in [*marks, *module_marks])
        skip = _skip_reason(marks)
        grids = [_grid(mark) for mark in marks if mark.name == "parametrize"]
        if not grids:
            found.append(StudentTest(function.__name__, function, (), skip, marked))
            continue
        for combination in itertools.product(*grids):
            params = tuple(pair for row in combination for pair in row)
            label = "-".join(str(v) for _, v in params)
            found.append(StudentTest(f"{function.__name__}[{label}]", function, params, skip, marked))
    return found


def _fixtures(module: ModuleType) -> dict[str, Callable[..., Any]]:
    found: dict[str, Callable[..., Any]] = {}
    for value in vars(module).values():
        wrapped = getattr(value, "_get_wrapped_function", None)
        if wrapped is not None:  # pytest 8.4 and later: a FixtureFunctionDefinition
            found[value.name] = wrapped()
        elif hasattr(value, "_pytestfixturefunction"):
            marker = value._pytestfixturefunction  # before 8.4: a wrapper that refuses direct calls
            found[marker.name or value.__name__] = value.__pytest_wrapped__.obj
    return found


class FixtureError(Exception):
    """A fixture the grader cannot provide (one readable line)."""


class _Resolver:
    def __init__(self, fixtures: dict[str, Callable[..., Any]], given: dict[str, Any]) -> None:
        self.fixtures = fixtures
        self.values: dict[str, Any] = dict(given)
        self.teardowns: list[tuple[str, Any]] = []
        self.active: list[str] = []

    def _arguments(self, function: Callable[..., Any], params: dict[str, Any]) -> list[str]:
        return [name for name, p in inspect.signature(function).parameters.items()
                if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and p.default is p.empty
                and name not in params]

    async def value(self, name: str, in_loop: bool) -> Any:
        if name in self.values:
            return self.values[name]
        function = self.fixtures.get(name)
        if function is None:
            raise FixtureError(f"fixture {name!r} is not defined: define it in your file, or use one the grader "
                               f"gives ({', '.join(GIVEN_FIXTURES)})")
        if name in self.active:
            raise FixtureError(f"fixture {name!r} depends on itself")
        self.active.append(name)
        kwargs = {arg: await self.value(arg, in_loop) for arg in self._arguments(function, {})}
        self.active.pop()
        if (inspect.isasyncgenfunction(function) or inspect.iscoroutinefunction(function)) and not in_loop:
            raise FixtureError(f"fixture {name!r} is async: only an async test can use it")
        if inspect.isgeneratorfunction(function):
            generator = function(**kwargs)
            result = next(generator)
            self.teardowns.append(("sync", generator))
        elif inspect.isasyncgenfunction(function):
            generator = function(**kwargs)
            result = await generator.__anext__()
            self.teardowns.append(("async", generator))
        elif inspect.iscoroutinefunction(function):
            result = await function(**kwargs)
        else:
            result = function(**kwargs)
        self.values[name] = result
        return result

    async def teardown(self) -> BaseException | None:
        """Finish the generator fixtures, last set up first; the first error, if any."""
        error: BaseException | None = None
        while self.teardowns:
            kind, generator = self.teardowns.pop()
            try:
                if kind == "sync":
                    next(generator)
                else:
                    await generator.__anext__()
            except (StopIteration, StopAsyncIteration):
                continue
            except BaseException as exc:  # noqa: BLE001 - the student's teardown may raise anything
                error = error or exc
            else:
                error = error or FixtureError("a fixture yields more than once")
        return error


def _drive(coroutine: Any) -> Any:
    """Run a coroutine that never awaits anything real (a sync test's setup) to its end."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value
    coroutine.close()
    raise FixtureError("an async fixture cannot serve a plain test")


# --- running one test on one copy of the app --------------------------------------------------

@dataclass
class Run:
    test: str
    status: str          # passed, failed, skipped
    message: str = ""
    is_async: bool = False
    evidence: Evidence = field(default_factory=Evidence)
    production_touched: bool = False


def run_test(test: StudentTest, student: ModuleType, app_source: str, folder: Path,
             student_file: Path | None = None) -> Run:
    """Run ``test`` with a fresh copy of the app made from ``app_source``, in ``folder``."""
    evidence = Evidence()
    folder.mkdir(parents=True, exist_ok=True)
    production = folder / "production" / "notes.db"
    production.parent.mkdir()
    tmp = folder / "tmp"
    tmp.mkdir()
    run = Run(test.name, "passed", is_async=test.is_async, evidence=evidence)
    try:
        module = fresh_notes_app(app_source)
        _instrument(module, evidence, production)
    except Exception as exc:  # noqa: BLE001 - a mutant that does not build is killed by any test
        run.status, run.message = "failed", f"the app did not build: {type(exc).__name__}: {exc}"
        return run
    if test.skip is not None:
        run.status, run.message = "skipped", test.skip
        return run
    if test.is_async and not test.async_marked:
        run.status = "failed"
        run.message = (f"{test.name} is `async def` without @pytest.mark.anyio: pytest does not run it (it fails "
                       "with 'async def functions are not natively supported'); mark it")
        return run
    monkeypatch = pytest.MonkeyPatch()
    given = {"notes": module, "tmp_path": tmp, "monkeypatch": monkeypatch, "anyio_backend": "asyncio"}
    resolver = _Resolver(_fixtures(student), given)
    params = dict(test.params)
    real_connect = sqlite3.connect

    def connect(database: Any, *args: Any, **kwargs: Any) -> Any:
        evidence.databases.append(str(database))
        return real_connect(database, *args, **kwargs)

    async def body(in_loop: bool) -> BaseException | None:
        error: BaseException | None = None
        try:
            kwargs = {name: await resolver.value(name, in_loop) for name in resolver._arguments(test.function, params)}
            kwargs.update(params)
            if in_loop:
                await test.function(**kwargs)
            else:
                test.function(**kwargs)
        except BaseException as exc:  # noqa: BLE001 - whatever the test raises is its outcome
            error = exc
        failed_teardown = await resolver.teardown()
        return error or failed_teardown

    sqlite3.connect = connect
    cwd = os.getcwd()
    os.chdir(folder)  # a relative path ("test.db") is new for every run, never a leftover of the last
    try:
        if test.is_async:
            error = asyncio.run(body(True))
        else:
            error = _drive(body(False))
    except BaseException as exc:  # noqa: BLE001
        error = exc
    finally:
        os.chdir(cwd)
        sqlite3.connect = real_connect
        monkeypatch.undo()
    evidence.overrides_after = tuple(_name(k) for k in module.app.dependency_overrides)
    run.production_touched = production.exists() or str(production) in evidence.databases
    if error is not None:
        if isinstance(error, KeyboardInterrupt):
            raise error
        if isinstance(error, pytest.skip.Exception):
            run.status, run.message = "skipped", str(error) or "skipped"
        else:
            run.status = "failed"
            run.message = describe(error, student_file)
            if isinstance(error, (AssertionError, pytest.fail.Exception)) and str(error).strip():
                run.message = " ".join(str(error).split())[:200]
    return run


# --- the whole evaluation ----------------------------------------------------------------

@dataclass
class MutantResult:
    mutant: Any                 # autograder.audit.mutants.Mutant
    killed_by: str | None = None
    how: str = ""

    @property
    def killed(self) -> bool:
        return self.killed_by is not None

    def describe(self) -> str:
        """One line about the bug: what changed, where in notes_app.py."""
        return f"{self.mutant.description} (notes_app.py line {self.mutant.line}: {app_line(self.mutant.line)[:80]})"


def reaches(request: Request, where: str) -> bool:
    """Whether a request can meet a bug in ``where``: route function names, or ``"auth"``.

    ``"auth"`` is the real ``get_current_user``, which only a request made without its
    override meets; a route function is met by the requests it served.
    """
    if where == "auth":
        return "get_current_user" not in request.overridden
    return request.endpoint in where.split()


class Evaluation:
    """A student's tests on the correct app (at once) and on mutants (when asked, then kept).

    A test is run on a mutant only if, on the correct app, it sent a request that can
    meet the bug (see :func:`reaches`): a test that never calls ``DELETE`` behaves the
    same whatever ``delete_note`` does. That keeps a run to seconds.
    """

    def __init__(self, student: ModuleType, folder: Path, student_file: Path | None = None) -> None:
        self.student = student
        self.folder = folder
        self.student_file = student_file
        self.tests = student_tests(student)
        self._counter = itertools.count()
        self.reference = [self._run(test, reference_source()) for test in self.tests]
        self._good = [test for test, run in zip(self.tests, self.reference) if run.status == "passed"]
        self._results: dict[str, MutantResult] = {}

    def _run(self, test: StudentTest, source: str) -> Run:
        return run_test(test, self.student, source, self.folder / f"run{next(self._counter)}", self.student_file)

    @property
    def passing(self) -> list[Run]:
        return [r for r in self.reference if r.status == "passed"]

    @property
    def failing(self) -> list[Run]:
        return [r for r in self.reference if r.status == "failed"]

    def mutant(self, mutant_id: str, where: str) -> MutantResult:
        """Run the passing tests that can meet the bug on the mutant, until one fails."""
        if mutant_id in self._results:
            return self._results[mutant_id]
        result = MutantResult(mutants_of_app([mutant_id])[0])
        runs = dict(zip((t.name for t in self.tests), self.reference))
        for test in list(self._good):
            if not any(reaches(request, where) for request in runs[test.name].evidence.requests):
                continue
            run = self._run(test, result.mutant.source)
            if run.status == "failed":
                result.killed_by, result.how = test.name, run.message
                self._good.remove(test)
                self._good.insert(0, test)  # the test that found one bug is tried first on the next
                break
        self._results[mutant_id] = result
        return result

    def killed(self, mutants: dict[str, str]) -> tuple[list[MutantResult], list[MutantResult]]:
        """The mutants (``{id: where}``) the tests kill, and those that survive."""
        mutants_of_app(mutants)  # made in one go
        results = [self.mutant(mutant_id, where) for mutant_id, where in mutants.items()]
        return [r for r in results if r.killed], [r for r in results if not r.killed]


def evaluate(student: ModuleType, folder: Path, student_file: Path | None = None) -> Evaluation:
    """Run every test on the correct app; mutants are run when a check asks for them."""
    return Evaluation(student, folder, student_file)


# --- checks the suites share (each fails with one sentence) ---------------------------------

def _fail(message: str) -> None:
    pytest.fail(message, pytrace=False)


def _some_pass(evaluation: Evaluation) -> list[Run]:
    passing = evaluation.passing
    if not passing:
        _fail("none of your tests passes on the correct notes app yet (they skip, or fail: "
              f"{_first_failure(evaluation)}), so there is nothing to judge")
    return passing


def _first_failure(evaluation: Evaluation) -> str:
    run = next(iter(evaluation.failing), None)
    return f"{run.test}: {run.message}" if run else "every test skips"


def expect_all_pass(evaluation: Evaluation) -> None:
    """Every test passes on the correct app, and at least one ran to the end."""
    failing = evaluation.failing
    if failing:
        more = f" ({len(failing)} of {len(evaluation.reference)} tests fail there)" if len(failing) > 1 else ""
        _fail(f"{failing[0].test} fails on the correct notes app: {failing[0].message}{more}; a test that "
              "fails on a correct app is wrong, and it catches no bug")
    if not evaluation.passing:
        _fail("none of your tests ran to the end on the correct notes app: they still skip (TODO)")


def _with_requests(evaluation: Evaluation) -> list[Run]:
    active = [run for run in _some_pass(evaluation) if run.evidence.requests]
    if not active:
        _fail("none of your passing tests sent a request to the app")
    return active


def expect_private_databases(evaluation: Evaluation) -> None:
    """No test opens the production database; no two tests share a database file."""
    users: dict[str, list[str]] = {}
    for run in _with_requests(evaluation):
        if run.production_touched:
            _fail(f"{run.test} opened the production database (notes.DATABASE): override notes.get_db in your "
                  "database fixture so that every request opens the test's own file")
        for database in set(run.evidence.databases):
            if database and ":memory:" not in database and "mode=memory" not in database:
                users.setdefault(database, []).append(run.test)
    for database, tests in users.items():
        if len(tests) > 1:
            _fail(f"{tests[0]} and {tests[1]} use the same database file ({Path(database).name}): what one test "
                  "leaves there changes the next; make the file in tmp_path, which is new for every test")


def expect_overrides_used_and_cleared(evaluation: Evaluation) -> None:
    """Requests ran with get_current_user overridden, and every test removed its overrides."""
    active = _with_requests(evaluation)
    if not any("get_current_user" in request.overridden for run in active for request in run.evidence.requests):
        _fail("no request of your tests ran with get_current_user overridden: set "
              "notes.app.dependency_overrides[notes.get_current_user] = lambda: notes.User(\"ann\")")
    for run in evaluation.passing:
        if run.evidence.overrides_after:
            _fail(f"after {run.test}, app.dependency_overrides still holds {', '.join(run.evidence.overrides_after)}: "
                  "in an app shared by every test it would leak into the next; remove each override when "
                  "the fixture (or test) that set it ends")


def expect_lifespan_around_requests(evaluation: Evaluation) -> None:
    """Every request of a passing test ran inside the app's lifespan, which also shut down."""
    for run in _with_requests(evaluation):
        outside = next((r for r in run.evidence.requests if not r.lifespan_running), None)
        if outside is not None:
            _fail(f"{run.test} sent {outside.method} {outside.path} while the app's lifespan was not running: "
                  "enter the client with `with TestClient(notes.app) as client:`; a TestClient used without "
                  "`with` never runs the lifespan")
        if run.evidence.startups != run.evidence.shutdowns:
            _fail(f"in {run.test} the app's lifespan started but never shut down: leave the `with` block "
                  "(a yield fixture does, after the test)")


def expect_async_client_with_lifespan(evaluation: Evaluation) -> None:
    """An async test passes, sending requests through httpx.AsyncClient + ASGITransport inside the lifespan."""
    runs = [run for run in _some_pass(evaluation) if run.is_async]
    if not runs:
        _fail("no `async def test_...` of yours passes on the correct notes app")
    on_loop = [run for run in runs if any(r.on_test_loop for r in run.evidence.requests)]
    if not on_loop:
        _fail(f"{runs[0].test} sent no request through httpx.AsyncClient(transport=ASGITransport(app=notes.app)) "
              "on the test's own event loop")
    if not any(all(r.lifespan_running for r in run.evidence.requests if r.on_test_loop) for run in on_loop):
        run = on_loop[0]
        request = next(r for r in run.evidence.requests if r.on_test_loop and not r.lifespan_running)
        _fail(f"{run.test} sent {request.method} {request.path} through ASGITransport outside the app's lifespan: "
              "ASGITransport never runs it; wrap the client in `async with "
              "notes.app.router.lifespan_context(notes.app):`")


def expect_killed(evaluation: Evaluation, mutants: dict[str, str], what: str, at_least: float = 1.0) -> None:
    """At least ``at_least`` of the mutants (``{id: where}``) made some passing test fail."""
    _some_pass(evaluation)
    killed, survived = evaluation.killed(mutants)
    total = len(killed) + len(survived)
    if len(killed) < at_least * total or not killed:
        more = f" (and {len(survived) - 1} more)" if len(survived) > 1 else ""
        _fail(f"your tests catch {len(killed)} of {total} broken copies of the app ({what}); every test still "
              f"passes with this bug: {survived[0].describe()}{more}")
