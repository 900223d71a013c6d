"""The ``workbook`` command: a thin layer over the package's functions.

Errors the user can fix (an unknown item, a missing path, a broken zip) print one line
and exit 2; they never show a traceback.

Nothing from a submission, a path or the manifest is printed as Rich markup: ``fail``
and ``say`` print plain text (through :func:`autograder.safe.clean`), and tables
get :class:`rich.text.Text` cells. The instructor's modules (grading, store, reports,
exports, audit, build) are imported inside their commands through ``_instructor``,
since the student bundle leaves them out.
"""

from __future__ import annotations

import importlib
import json
import sys
from dataclasses import replace
from enum import Enum
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

from autograder import manifest
from autograder.safe import OutputError, check_output, clean, isolation_line, plain, write_output
from autograder.sandbox import limits
from autograder.sandbox.confine import SandboxError


class _UntypedFlags:
    """A flag takes no value, so its help shows no type: typer 0.2x prints one for every
    option, which reads ``--help <bool>``. An empty metavar is what it prints instead
    (click never uses a flag's metavar otherwise)."""

    def get_params(self, ctx):
        params = super().get_params(ctx)
        for param in params:
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
        return params


class _Command(_UntypedFlags, TyperCommand):
    """A command whose usage line reads like any CLI's: ``ITEM``, ``[ITEM]...``,
    ``SUBMISSION...`` (typer 0.2x writes a required argument ``{item}``, which reads as
    a set of choices)."""

    def collect_usage_pieces(self, ctx) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name != "argument":
                pieces.extend(param.get_usage_pieces(ctx))
                continue
            name = param.metavar or param.name.upper()
            pieces.append((name if param.required else f"[{name}]") + ("..." if param.nargs != 1 else ""))
        return pieces


class _Group(_UntypedFlags, TyperGroup):
    """The ``workbook`` group itself: its ``--help`` without a type."""


class _Typer(typer.Typer):
    """Every command of this app is a :class:`_Command`, without a ``cls=`` at each one."""

    def command(self, *args, **kwargs):
        kwargs.setdefault("cls", _Command)
        return super().command(*args, **kwargs)


app = _Typer(cls=_Group, add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
             help="FastAPI Advanced workbook: lessons, checks and the autograder.")
console = Console()
errors = Console(stderr=True)


def fail(message: object, code: int = 2) -> typer.Exit:
    """Print ``error: <message>`` as one line of plain text (never markup) and return the exit to raise."""
    errors.print(Text.assemble(("error:", "bold red"), " ", clean(message)), highlight=False, soft_wrap=True)
    return typer.Exit(code)


def say(message: object, style: str = "", to: Console | None = None) -> None:
    """Print one line of plain text: a path or a name in it is never read as markup."""
    (to or console).print(plain(message, style), highlight=False, soft_wrap=True)


INSTRUCTOR_ONLY = "this command is for instructors; it is not in the student bundle"


def _instructor(name: str) -> ModuleType:
    """Import ``autograder.<name>``, which the student bundle does not ship, or fail in one line."""
    module = f"autograder.{name}"
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if not exc.name or not (module == exc.name or module.startswith(f"{exc.name}.")):
            raise  # a missing dependency of a module that is there: not the bundle's doing
        raise fail(INSTRUCTOR_ONLY) from None


def _item(course: manifest.Course, item_id: str) -> manifest.Item:
    """The item named on the command line, or its one-line error."""
    try:
        return course.item(item_id)
    except manifest.UnknownItem as exc:
        raise fail(str(exc)) from None


def _items(course: manifest.Course, ids: str | list[str] | None, sections: list[str] | None = None
           ) -> list[manifest.Item]:
    """The items of ``--items`` (comma-separated, or repeated) and of ``--section``; all by default."""
    values = [ids] if isinstance(ids, str) else ids or []
    try:
        selected = course.select([i.strip() for v in values for i in v.split(",") if i.strip()] or None,
                                 [s.strip() for s in sections or () if s.strip()] or None)
    except (manifest.UnknownItem, manifest.UnknownSection) as exc:
        raise fail(str(exc)) from None
    if not selected:  # an empty section: never read as "every item" further on
        raise fail(f"no item in section {', '.join(sections or ())}")
    return selected


# An assignment: the options of the commands that hand out or grade one week's items.
AssignmentItems = Annotated[list[str] | None, typer.Option(
    "--items", metavar="ID[,ID...]",
    help="Item ids, comma-separated or repeated (default: every item, or only --section's).")]
AssignmentSections = Annotated[list[str] | None, typer.Option(
    "--section", metavar="NAME",
    help="Every item of a section (see `workbook list`); repeat it for more, add --items to it.")]


@app.command("list")
def list_items(as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False
               ) -> None:
    """List the course items in order."""
    course = manifest.load()
    if as_json:
        rows = [{"id": i.id, "title": i.title, "section": i.section, "points": i.points,
                 "source": str(i.source)} for i in course.items]
        typer.echo(json.dumps(rows, indent=2))
        return
    from rich.table import Table

    grid = Table(title="FastAPI Advanced workbook")
    for column in ("id", "title", "section", "points"):
        grid.add_column(column, justify="right" if column == "points" else "left")
    for item in course.items:
        grid.add_row(plain(item.id), plain(item.title), plain(item.section), str(item.points))
    console.print(grid)


class Isolation(str, Enum):
    """How much of the kernel sandbox a run insists on (see README, threat model)."""

    strict = "strict"
    auto = "auto"
    off = "off"


IsolationOption = Annotated[Isolation, typer.Option(
    "--isolation", case_sensitive=False,
    help="strict: refuse to run without every sandbox layer; auto: every layer the kernel offers, "
         "saying which are missing; off: none (debugging a suite).")]
# The graded run's wall-time limits; their defaults are autograder.sandbox.limits'.
TestTimeout = Annotated[float, typer.Option("--test-timeout", min=0.1, help="Seconds per test.")]
ImportTimeout = Annotated[float, typer.Option("--import-timeout", min=0.1,
                                              help="Seconds to import the student's module.")]
ItemTimeout = Annotated[float, typer.Option("--item-timeout", min=1,
                                            help="Seconds per item (per mutant, in the audit).")]


def _sandbox_record(level: Isolation) -> dict:
    """Ask the kernel which layers a worker gets; under strict, refuse when one is missing."""
    from autograder.sandbox import confine

    record = confine.probe(level.value)
    if level is Isolation.strict and (record.get("error") or record.get("missing")):
        raise fail(f"--isolation strict: {isolation_line(record).removeprefix('isolation: ')}")
    return record


@app.command()
def check(item: Annotated[str, typer.Argument(metavar="ITEM", help="The item id, as `workbook list` shows it.")],
          path: Annotated[Path | None, typer.Option("--path", help="Folder holding your exercise files.")] = None,
          isolation: IsolationOption = Isolation.auto) -> None:
    """Run an item's public checks on your exercise file."""
    from autograder.sandbox import warm
    from autograder.student.check import run_checks
    from autograder.student.state import remember
    warm.start()  # already started by the `workbook` entry point; not when called in-process

    found = _item(manifest.load(), item)
    if path is not None and not path.is_dir():
        raise fail(f"no such folder: {path}")
    _sandbox_record(isolation)
    try:
        report = run_checks(found, path, replace(limits.CHECK_LIMITS, isolation=isolation.value))
    except SandboxError as exc:
        raise fail(exc) from None
    remember([report])
    for line in report.lines():
        say(line, "green" if line.startswith("✓") else ("red" if line.startswith("✗") else ""))
    raise typer.Exit(0 if report.passed else 1)


@app.command()
def hint(item: Annotated[str, typer.Argument(metavar="ITEM", help="The item id.")],
         show_all: Annotated[bool, typer.Option("--all", help="Show every level of every task's hint.")] = False,
         task: Annotated[int | None, typer.Option("--task", help="The task whose hint to show "
                                                  "(default: the first one your last check failed).")] = None,
         path: Annotated[Path | None, typer.Option("--path", help="Folder holding your exercise files.")] = None
         ) -> None:
    """Show the next level of a task's hint: the idea first, then the API, then code."""
    from autograder.student import hints

    found = _item(manifest.load(), item)
    try:
        lines = hints.lines(found, path, task, show_all)
    except hints.UnknownTask as exc:
        raise fail(str(exc)) from None
    for number, line in enumerate(lines):
        console.print(clean(line), highlight=False, markup=False, style="dim" if number else None, soft_wrap=True)


@app.command()
def progress(path: Annotated[Path | None, typer.Option("--path", help="Folder holding your exercise files.")] = None,
             refresh: Annotated[bool, typer.Option("--refresh/--no-refresh",
                                                   help="Re-check items whose file changed.")] = True) -> None:
    """Show which items pass their public checks, by section."""
    from autograder.student import progress as tracker
    from autograder.student.state import State

    if path is not None and not path.is_dir():
        raise fail(f"no such folder: {path}")
    course = manifest.load()
    if not refresh:
        state = State.load()
    else:
        with _progress(False, "items") as bar:
            steps = _Steps(bar, "checking changed items", skip_empty=True)
            state = tracker.refresh(course, path, on_plan=steps.plan, on_checked=steps.advance)
    console.print(tracker.render(course, state, path))


@app.command()
def serve(item: Annotated[str, typer.Argument(metavar="ITEM", help="The item id.")],
          path: Annotated[Path | None, typer.Option("--path", help="Folder holding your exercise files.")] = None,
          port: Annotated[int | None, typer.Option("--port", min=1, max=65535,
                                                   help="Port (default: 8000, or the next free one).")] = None,
          reload: Annotated[bool, typer.Option("--reload/--no-reload", help="Restart on save.")] = True) -> None:
    """Run your app with uvicorn on 127.0.0.1, reloading on save; try it at /docs."""
    from autograder.paths import EXERCISES
    from autograder.student import serve as server

    found = _item(manifest.load(), item)
    folder = (path or EXERCISES).resolve()
    file = folder / found.filename
    problem = server.import_problem(file, found.id)
    if problem:
        raise fail(problem, 1)
    host = "127.0.0.1"
    if port is not None and not server.port_is_free(host, port):
        raise fail(f"port {port} is busy; pick another with --port, or leave it out to get a free one")
    chosen = port or server.choose_port(host)
    say(f"Serving {file} at http://{host}:{chosen}")
    console.print(Text.assemble("Interactive docs: ", (f"http://{host}:{chosen}/docs", "bold"),
                                "  (Ctrl-C stops; saving the file reloads)"), highlight=False)
    server.run(file, found.id, host, chosen, reload)


SERVICE_DATA = Path(".workbook") / "service"


@app.command()
def server(host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
           port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8000,
           data: Annotated[Path, typer.Option("--data", help="Folder for the SQLite store and the signing secret.")
                           ] = SERVICE_DATA,
           database: Annotated[str | None, typer.Option(
               "--database", help="SQLAlchemy URL of the store, e.g. postgresql+asyncpg://user@host/db "
                                  "(default: SQLite in --data).")] = None,
           broker: Annotated[str | None, typer.Option("--broker", help="redis://... : grade on `workbook worker` "
                                                      "processes through Celery (default: in this process).")] = None,
           workers: Annotated[int | None, typer.Option("--workers", min=1, help="Items graded at once in this process "
                                                       "(default: one per core).")] = None,
           public_url: Annotated[str | None, typer.Option(
               "--public-url", help="The address students reach, for sign-up links (default: http://HOST:PORT).")
           ] = None) -> None:
    """Run the grading service: students submit and read feedback, instructors watch the class."""
    run = _instructor("service.run")
    settings = _service_settings(run, data, database, broker, workers, public_url or f"http://{host}:{port}")
    try:
        run.serve(settings, host, port, say)
    except run.DatabaseError as exc:
        raise fail(exc) from None


def _service_settings(run, data: Path, database: str | None, broker: str | None, workers: int | None,
                      public_url: str | None):
    try:
        return run.settings_for(data, database, broker, workers, public_url)
    except (OSError, ValueError) as exc:
        raise fail(exc) from None


@app.command()
def worker(broker: Annotated[str, typer.Option("--broker", help="The broker the server sends jobs to (redis://...).")],
           database: Annotated[str, typer.Option("--database", help="The server's store (the same URL).")],
           concurrency: Annotated[int | None, typer.Option("--concurrency", min=1, help="Items graded at once "
                                                           "(default: one per core).")] = None,
           name: Annotated[str | None, typer.Option("--name", help="This worker's name in Celery's logs.")] = None
           ) -> None:
    """Take grading jobs from the service's broker (run one or more, on any machine with the course)."""
    _instructor("service.run").worker(broker, database, concurrency or limits.default_workers(), name)


@app.command()
def login(server: Annotated[str, typer.Argument(metavar="SERVER", help="The service's address, e.g. "
                                                "http://127.0.0.1:8000.")],
          user: Annotated[str | None, typer.Option("--user", help="Your user name (asks when not given).")] = None,
          token: Annotated[str | None, typer.Option("--token", help="A token copied from your page instead of a "
                                                    "password.")] = None) -> None:
    """Sign in to the grading service once; `workbook submit` then uses that sign-in."""
    from autograder.student import submit as client

    password = None
    if not token:
        user = user or typer.prompt("user name")
        password = typer.prompt("password", hide_input=True)
    try:
        kept = client.login(server, user, password, token)
    except client.SubmitError as exc:
        raise fail(exc, 1) from None
    say(f"signed in to {kept.server} as {kept.username}")


@app.command()
def submit(item: Annotated[str, typer.Argument(metavar="ITEM", help="The item id.")],
           path: Annotated[Path | None, typer.Option("--path", help="Folder holding your exercise files.")] = None,
           ) -> None:
    """Submit your exercise file to the grading service and show its feedback when graded."""
    from autograder.student import submit as client

    found = _item(manifest.load(), item)
    try:
        feedback = client.submit(found, path)
    except client.SubmitError as exc:
        raise fail(exc, 1) from None
    for line in feedback.lines():
        say(line)


DEFAULT_DB = Path(".workbook") / "gradebook.sqlite"



@app.command()
def grade(
    submissions: Annotated[list[Path], typer.Argument(metavar="SUBMISSION",
                                                      help="Folders or .zip files, one per student.")],
    items: Annotated[str | None, typer.Option("--items", help="Comma-separated item ids (default: all).")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the results JSON here.")] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write the CSV gradebook here.")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="Write the HTML report here.")] = None,
    db: Annotated[Path, typer.Option("--db", help="The gradebook store: each result is saved as it is graded, "
                                                  "and a rerun grades only what it lacks.")] = DEFAULT_DB,
    regrade: Annotated[bool, typer.Option("--regrade", help="Grade everything again, even what is stored.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Parallel workers (default: cores).")] = None,
    test_timeout: TestTimeout = limits.TEST_SECONDS,
    import_timeout: ImportTimeout = limits.IMPORT_SECONDS,
    item_timeout: ItemTimeout = limits.ITEM_SECONDS,
    gradescope: Annotated[Path | None, typer.Option("--gradescope",
                                                    help="Write Gradescope's results.json (one submission).")] = None,
    classroom: Annotated[Path | None, typer.Option("--github-classroom",
                                                   help="Write GitHub Classroom's payload (one submission).")] = None,
    isolation: IsolationOption = Isolation.auto,
) -> None:
    """Grade submissions with the hidden suites and print the gradebook."""
    from autograder.paths import SUITES

    grading, stored = _instructor("grading.batch"), _instructor("grading.store")
    submitted = _instructor("grading.submissions")
    if not (SUITES / "hidden").is_dir():
        raise fail("this copy of the course has no hidden suites (it is a student bundle): grading is for instructors")
    course = manifest.load()
    selected = _items(course, items)
    if (gradescope or classroom) and len(submissions) != 1:
        raise fail("--gradescope and --github-classroom grade exactly one submission")
    _check_outputs(json_out, csv_out, html_out, gradescope, classroom)
    record = _sandbox_record(isolation)
    try:
        with stored.Store(db) as store, _progress(quiet) as bar:
            steps = _Steps(bar, "grading")
            done = grading.grade(submissions, selected, workers=workers,
                                 limits=limits.Limits(test=test_timeout, import_=import_timeout,
                                                      item=item_timeout, isolation=isolation.value),
                                 store=store, regrade=regrade, on_plan=steps.plan, on_graded=steps.advance)
    except (submitted.SubmissionError, stored.StoreError, SandboxError) as exc:
        raise fail(exc) from None
    say(f"graded {done.graded}, reused {done.reused} (store: {db})")
    _write(course, done.results, selected, json_out, csv_out, html_out, record)
    if gradescope or classroom:
        _platforms(course, done.results[0], gradescope, classroom, record)


def _platforms(course: manifest.Course, result, gradescope: Path | None, classroom: Path | None,
               record: dict) -> None:
    """The one submission's Gradescope results and GitHub Classroom payload, each asked for."""
    exports = _instructor("outputs.platforms")
    try:
        if gradescope:
            write_output(gradescope, json.dumps(exports.gradescope_results(course, result, record), indent=2) + "\n")
            say(f"Gradescope results: {gradescope}")
        if classroom:
            write_output(classroom, exports.classroom_payload(result) + "\n")
            say(f"GitHub Classroom payload: {classroom}")
    except OutputError as exc:
        raise fail(exc) from None


@app.command()
def report(
    db: Annotated[Path, typer.Option("--db", help="The gradebook store `workbook grade` wrote.")] = DEFAULT_DB,
    html_out: Annotated[Path | None, typer.Option("--html", help="Write the HTML report here.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the results JSON here.")] = None,
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write the CSV gradebook here.")] = None,
    items: Annotated[str | None, typer.Option("--items", help="Comma-separated item ids (default: every "
                                                              "item in the store).")] = None,
) -> None:
    """(Instructors) Print the gradebook and write its exports from the store, without grading."""
    stored = _instructor("grading.store")
    _instructor("outputs.gradebook")
    if not db.is_file():
        raise fail(f"no gradebook at {db} (`workbook grade` writes one; --db names another)")
    _check_outputs(json_out, csv_out, html_out)
    course = manifest.load()
    try:
        with stored.Store(db, writer=False) as store:
            rows = store.rows()
            stored = {row.item for row in rows}
            selected = _items(course, items) if items else [i for i in course.items if i.id in stored]
            results = store.results(selected)
    except stored.StoreError as exc:
        raise fail(exc) from None
    if not results:
        raise fail(f"{db} holds no result for these items")
    unknown = sorted(stored - {i.id for i in course.items})
    if unknown:
        say(f"left out: {len(unknown)} stored item(s) no longer in the course ({', '.join(unknown)})", to=errors)
    _write(course, results, selected, json_out, csv_out, html_out)


def _check_outputs(*outs: Path | None) -> None:
    """Refuse, before any work, an output path in no folder or that is no regular file (a FIFO...)."""
    try:
        for out in outs:
            check_output(out)
    except OutputError as exc:
        raise fail(exc) from None


def _progress(quiet: bool, unit: str = "items"):
    """A progress bar on standard error, or nothing (``None``) when quiet or not a terminal."""
    from contextlib import nullcontext

    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task) -> Text:
            return Text(f"{task.speed:.2f} {unit}/s" if task.speed else f"… {unit}/s", style="progress.data.speed")

    if quiet or not errors.is_terminal:
        return nullcontext(None)
    return Progress(TextColumn("[progress.description]{task.description}"), BarColumn(), MofNCompleteColumn(),
                    Rate(), TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn(), console=errors)


class _Steps:
    """One task of a progress bar (nothing without a bar), moved by a run's callbacks: ``plan``
    with how many steps there are, ``advance`` at each one (from any thread: rich locks)."""

    def __init__(self, bar, description: str, skip_empty: bool = False) -> None:
        self.bar, self.description, self.skip_empty = bar, description, skip_empty
        self.task = None

    def plan(self, total: int) -> None:
        if self.bar is not None and (total or not self.skip_empty):
            self.task = self.bar.add_task(self.description, total=total)

    def advance(self, *_: object) -> None:
        if self.bar is not None and self.task is not None:
            self.bar.advance(self.task)


def _write(course: manifest.Course, results, selected, json_out: Path | None, csv_out: Path | None,
           html_out: Path | None, isolation: dict | None = None) -> None:
    """The table (and the isolation line), then each export asked for."""
    gradebook = _instructor("outputs.gradebook")
    gradebook.print_table(course, results, selected, console, isolation)
    try:
        if json_out:
            gradebook.write_json(results, json_out, isolation)
            say(f"results JSON: {json_out}")
        if csv_out:
            gradebook.write_csv(results, selected, csv_out)
            say(f"CSV gradebook: {csv_out}")
        if html_out:
            _instructor("outputs.report").write_html(course, results, selected, html_out, isolation)
            say(f"HTML report: {html_out}")
    except OutputError as exc:
        raise fail(exc) from None


@app.command()
def audit(
    item_ids: Annotated[list[str] | None, typer.Argument(metavar="ITEM",
                                                           help="Item ids (default: every item).")] = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Parallel workers (default: cores).")] = None,
    changed: Annotated[bool, typer.Option("--changed", help="Only the items whose solution, hidden suite or "
                                                            "equivalents differ from the recorded baseline.")] = False,
    record: Annotated[bool, typer.Option("--record", help="When every audited item meets the target, record "
                                                          "their fingerprints in the baseline.")] = False,
    mark_pending: Annotated[bool, typer.Option("--pending", help="Record the items as not audited yet, without "
                                                                 "auditing: --changed skips them until they "
                                                                 "change.")] = False,
    diffs: Annotated[bool, typer.Option("--diff", help="Show each survivor as a diff of the solution.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    test_timeout: TestTimeout = limits.TEST_SECONDS,
    import_timeout: ImportTimeout = limits.IMPORT_SECONDS,
    item_timeout: ItemTimeout = limits.ITEM_SECONDS,
    isolation: IsolationOption = Isolation.auto,
) -> None:
    """(Authors) Mutation-test the hidden suites: every mutant of a reference solution must fail its suite."""
    import time

    records, runner = _instructor("audit.records"), _instructor("audit.runner")
    from autograder.paths import SUITES

    if not (SUITES / "hidden").is_dir():
        raise fail("this copy of the course has no hidden suites (it is a student bundle)")
    try:
        selected = manifest.load().select(item_ids or None)
    except manifest.UnknownItem as exc:
        raise fail(str(exc)) from None
    try:
        if mark_pending:
            if not item_ids:
                raise fail("--pending needs the item ids to record as not audited yet")
            records.record_pending(selected)
            say(f"recorded {len(selected)} item(s) as not audited yet in {records.BASELINE}")
            return
        if changed:
            waiting = records.pending(selected)
            unchanged = len(selected)
            selected = records.changed(selected)
            unchanged -= len(selected)
            say(f"audit --changed: {len(selected)} item(s) differ from {records.BASELINE.name}, "
                f"{unchanged} unchanged")
            if waiting:
                say(f"not audited yet (unchanged since recorded as pending): {', '.join(i.id for i in waiting)}")
            if not selected:
                return
        _sandbox_record(isolation)
        started = time.monotonic()
        with _progress(quiet, "mutants") as bar:
            task = None

            def on_plan(total: int) -> None:
                nonlocal task
                if bar is not None:
                    task = bar.add_task("auditing", total=total)

            def on_mutant(item_id: str, outcome) -> None:
                if bar is not None and task is not None:
                    bar.advance(task)

            audits = runner.audit(selected, workers=workers, on_plan=on_plan, on_mutant=on_mutant,
                                   limits=limits.Limits(test=test_timeout, import_=import_timeout,
                                                        item=item_timeout, isolation=isolation.value))
    except (records.AuditError, SandboxError) as exc:
        raise fail(str(exc)) from None
    elapsed = time.monotonic() - started
    _instructor("audit.table").report(audits, elapsed, diffs, console)
    passed = sum(a.passed for a in audits)
    # A plain closing line, as test runners end theirs: items at the target, items below.
    say(f"audit: {passed} passed, {len(audits) - passed} failed")
    if passed < len(audits):
        raise typer.Exit(1)
    if record:
        records.record({found.item.id: found.baseline_entry() for found in audits})
        say(f"recorded {len(audits)} item(s) in {records.BASELINE}")


@app.command()
def release(out: Annotated[Path, typer.Argument(help="The zip to write, e.g. workbook-student.zip.")],
            items: AssignmentItems = None, section: AssignmentSections = None) -> None:
    """(Instructors) Build the student bundle: lessons, stubs, public checks, the CLI."""
    bundle = _instructor("authoring.release")
    if out.suffix.lower() != ".zip":
        raise fail(f"{out} must end in .zip")
    selected = _items(manifest.load(), items, section) if items or section else None
    _check_outputs(out)
    try:
        names = bundle.build(out, items=selected)
    except OutputError as exc:
        raise fail(exc) from None
    which = "" if selected is None else f", the lessons and stubs of {len(selected)} item(s)"
    say(f"wrote {out}: {len(names)} files{which} (no solutions, no hidden suites)")


export = _Typer(cls=_Group, help="(Instructors) Package the grader for another platform.", no_args_is_help=True)
app.add_typer(export, name="export")


@export.command("gradescope")
def export_gradescope(out: Annotated[Path, typer.Argument(help="The autograder zip to upload to Gradescope.")],
                      items: AssignmentItems = None, section: AssignmentSections = None) -> None:
    """Build a Gradescope autograder (setup.sh, run_autograder and the grader) for one assignment."""
    exports = _instructor("outputs.platforms")
    if out.suffix.lower() != ".zip" or not out.resolve().parent.is_dir():
        raise fail(f"cannot write {out}: give a .zip path in an existing folder")
    course = manifest.load()
    selected = _items(course, items, section) if items or section else None
    _check_outputs(out)
    try:
        names = exports.export_gradescope(course, out, selected)
    except OutputError as exc:
        raise fail(exc) from None
    graded = selected or list(course.items)
    say(f"wrote {out}: {len(names)} files, grading {len(graded)} item(s) for {sum(i.points for i in graded)} "
        "points; upload it as the assignment's autograder")


@export.command("github-classroom")
def export_classroom(
    folder: Annotated[Path, typer.Argument(help="The assignment's template repository.")],
    grader: Annotated[str, typer.Option("--grader", help="pip requirement for this grader, hidden suites included "
                                                         "(e.g. a private git URL); the secret WORKBOOK_GRADER "
                                                         "overrides it.")],
    items: AssignmentItems = None,
    section: AssignmentSections = None,
) -> None:
    """Write a GitHub Classroom workflow that grades each push and reports the points."""
    exports = _instructor("outputs.platforms")
    if not folder.is_dir():
        raise fail(f"no such folder: {folder}")
    selected = _items(manifest.load(), items, section)
    try:
        target = exports.export_classroom(folder, selected, grader)
    except OutputError as exc:
        raise fail(exc) from None
    say(f"wrote {target}: grading {len(selected)} item(s) for {sum(i.points for i in selected)} points")


@app.command()
def build(check_only: Annotated[bool, typer.Option("--check", help="Fail if generated files are stale.")] = False,
          execute: Annotated[bool, typer.Option("--execute/--no-execute", help="Store outputs in notebooks.")] = True,
          items: Annotated[str | None, typer.Option("--items", help="Comma-separated item ids (default: all).")] = None,
          ) -> None:
    """(Authors) Regenerate the exercise stubs and the lesson notebooks from their sources."""
    builder = _instructor("authoring.build")
    course = manifest.load()
    stale = builder.build_all(course, check_only=check_only, execute=execute, items=_items(course, items))
    for path in stale:
        say(f"{'stale' if check_only else 'wrote'}: {path}")
    if check_only and stale:
        raise fail(f"{len(stale)} generated file(s) are stale: run `workbook build`", 1)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        errors.print("interrupted")
        sys.exit(130)
