"""Grading many submissions: the item runs, in parallel, and the results they make.

Each (submission, item) pair is one job for :func:`autograder.sandbox.engine.grade_item`; a
thread pool keeps ``workers`` worker processes busy (the threads only wait on pipes).

With a :class:`~autograder.grading.store.Store`, each result is saved from its thread as soon
as the item is graded, and a job whose result is already stored (same submission name,
item, submitted file and hidden suite) is not run again unless ``regrade`` is set.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from autograder.grading import submissions
from autograder.grading.store import Store, fingerprint, suite_fingerprint
from autograder.manifest import Item
from autograder.results import ItemResult, SubmissionResult
from autograder.sandbox import engine, workspace
from autograder.sandbox.limits import Limits, default_workers

OnItem = Callable[[str, ItemResult], None]
# Called once, before any item runs: how many items will be graded, how many were reused.
OnPlan = Callable[[int, int], None]


def grade(paths: list[Path], items: list[Item], *, workers: int | None = None,
          limits: Limits = Limits(), on_item: OnItem | None = None,
          store: Store | None = None, regrade: bool = False, on_plan: OnPlan | None = None,
          ) -> list[SubmissionResult]:
    """Grade every submission at ``paths`` on ``items``; raises SubmissionError up front.

    ``on_item`` is called from the grading threads for each item graded (not for the
    results reused from ``store``).
    """
    with workspace.temporary("grade-") as tmp:
        opened = [submissions.open_submission(p, items, Path(tmp) / str(n)) for n, p in enumerate(paths)]
        if store is not None:
            _refuse_twins(opened)
        results = [SubmissionResult(s.name) for s in opened]
        suites = {item.id: suite_fingerprint(item) for item in items} if store is not None else {}
        finished: list[tuple[int, ItemResult]] = []
        jobs: list[tuple[int, submissions.Submission, Item, str]] = []
        for n, submission in enumerate(opened):
            for item in items:
                file = submission.files.get(item.id)
                stamp = fingerprint(file) if store is not None else ""
                kept = None
                if store is not None and not regrade:
                    kept = store.lookup(submission.name, item.id, stamp, suites[item.id])
                if kept is not None:
                    finished.append((n, kept))
                else:
                    jobs.append((n, submission, item, stamp))
        if on_plan:
            on_plan(len(jobs), len(finished))

        def run(job: tuple[int, submissions.Submission, Item, str]) -> tuple[int, ItemResult]:
            n, submission, item, stamp = job
            result = engine.grade_item(item, submission.files.get(item.id), "hidden", limits)
            if result.status == "missing" and item.id in submission.notes:
                result.message = submission.notes[item.id]
            if store is not None:
                store.save(submission.name, stamp, suites[item.id], result)
            if on_item:
                on_item(submission.name, result)
            return n, result

        if jobs:
            with ThreadPoolExecutor(max_workers=max(1, workers or default_workers())) as pool:
                finished.extend(pool.map(run, jobs))
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
