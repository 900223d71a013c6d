"""Grading many submissions: the item runs, in parallel, and the results they make.

Each (submission, item) pair is one job for :func:`autograder.sandbox.engine.grade_item`; a
thread pool keeps ``workers`` worker processes busy (the threads only wait on pipes).

With a :class:`~autograder.grading.store.Store`, each result is saved from its thread as soon
as the item is graded, and a job whose result is already stored (same submission name,
item, submitted file and hidden suite) is not run again unless ``regrade`` is set.

:func:`grade` returns what it did (a :class:`Grading`: the results, how many items it
graded and how many it took from the store); its callbacks only move a progress bar.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from autograder.grading import submissions
from autograder.grading.store import Store, fingerprint, suite_fingerprint
from autograder.manifest import Item
from autograder.results import ItemResult, SubmissionResult
from autograder.sandbox import engine, workspace
from autograder.sandbox.limits import Limits, default_workers

#: The sandbox's default limits (``autograder.sandbox.limits`` declares them).
DEFAULT_LIMITS = Limits()
# Called once, before any item runs, with how many items will be graded: a bar's length.
OnPlan = Callable[[int], None]
# Called from the grading threads as each item graded ends (not for a result reused): a bar's step.
OnGraded = Callable[[], None]


@dataclass(frozen=True)
class Grading:
    """What a run did: every submission's results (items in course order), how many items
    it graded, and how many results it reused from the store."""

    results: list[SubmissionResult]
    graded: int
    reused: int


@dataclass(frozen=True)
class _Job:
    submission: int  # its place in the run's submissions
    opened: submissions.Submission
    item: Item
    stamp: str  # the submitted file's fingerprint ("" without a store)


def grade(paths: list[Path], items: list[Item], *, workers: int | None = None,
          limits: Limits = DEFAULT_LIMITS, store: Store | None = None, regrade: bool = False,
          on_plan: OnPlan | None = None, on_graded: OnGraded | None = None) -> Grading:
    """Grade every submission at ``paths`` on ``items``; raises SubmissionError up front.

    With a ``store``, it is opened (and, for a writer, locked) before any item is graded,
    so a busy or forged gradebook stops the run before any work is done.
    """
    with workspace.temporary("grade-") as tmp:
        opened = [submissions.open_submission(p, items, Path(tmp) / str(n)) for n, p in enumerate(paths)]
        if store is not None:
            _refuse_twins(opened)
        suites = {item.id: suite_fingerprint(item) for item in items} if store is not None else {}
        jobs, finished = _plan(opened, items, store, suites, regrade)
        reused = len(finished)
        if store is not None:
            store.open()
        if on_plan:
            on_plan(len(jobs))

        def run(job: _Job) -> tuple[int, ItemResult]:
            result = _grade_one(job, limits)
            if store is not None:
                store.save(job.opened.name, job.stamp, suites[job.item.id], result)
            if on_graded:
                on_graded()
            return job.submission, result

        if jobs:
            with ThreadPoolExecutor(max_workers=max(1, workers or default_workers())) as pool:
                finished.extend(pool.map(run, jobs))
        return Grading(_collect(opened, items, finished), graded=len(jobs), reused=reused)


def _plan(opened: list[submissions.Submission], items: list[Item], store: Store | None, suites: dict[str, str],
          regrade: bool) -> tuple[list[_Job], list[tuple[int, ItemResult]]]:
    """The jobs to run, and the results the store already holds (none without a store, or with ``regrade``)."""
    jobs: list[_Job] = []
    kept: list[tuple[int, ItemResult]] = []
    for n, submission in enumerate(opened):
        for item in items:
            stamp = fingerprint(submission.files.get(item.id)) if store is not None else ""
            found = None
            if store is not None and not regrade:
                found = store.lookup(submission.name, item.id, stamp, suites[item.id])
            if found is not None:
                kept.append((n, found))
            else:
                jobs.append(_Job(n, submission, item, stamp))
    return jobs, kept


def _grade_one(job: _Job, limits: Limits) -> ItemResult:
    """The engine's result; a file the submission refused (a link, too large...) is
    missing with the reason it was refused, the one message it gets."""
    note = job.opened.notes.get(job.item.id)
    if note is not None and job.item.id not in job.opened.files:
        return ItemResult.missing(job.item.id, job.item.points, note)
    return engine.grade_item(job.item, job.opened.files.get(job.item.id), "hidden", limits)


def _collect(opened: list[submissions.Submission], items: list[Item],
             finished: list[tuple[int, ItemResult]]) -> list[SubmissionResult]:
    """Each submission's results, its items in course order."""
    results = [SubmissionResult(s.name) for s in opened]
    order = {item.id: k for k, item in enumerate(items)}
    for n, result in finished:
        results[n].items.append(result)
    for result in results:
        result.items.sort(key=lambda r: order[r.id])
    return results


def _refuse_twins(opened: list[submissions.Submission]) -> None:
    """The store knows a submission by its name: two with one name would overwrite each other."""
    seen: dict[str, Path] = {}
    for submission in opened:
        if submission.name in seen:
            raise submissions.SubmissionError(
                f"{seen[submission.name]} and {submission.origin} are both named {submission.name!r}; "
                "rename one (the gradebook knows a submission by its name)")
        seen[submission.name] = submission.origin
