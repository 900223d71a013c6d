"""Grading many submissions: the item runs, in parallel, and the results they make.

Each (submission, item) pair is one job for :func:`autograder.engine.grade_item`; a
thread pool keeps ``workers`` worker processes busy (the threads only wait on pipes).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from autograder import engine, submissions
from autograder.manifest import Item
from autograder.results import ItemResult, SubmissionResult

OnItem = Callable[[str, ItemResult], None]


def default_workers() -> int:
    return os.cpu_count() or 1


def grade(paths: list[Path], items: list[Item], *, workers: int | None = None,
          limits: engine.Limits = engine.Limits(), on_item: OnItem | None = None) -> list[SubmissionResult]:
    """Grade every submission at ``paths`` on ``items``; raises SubmissionError up front."""
    with tempfile.TemporaryDirectory(prefix="workbook-grade-") as tmp:
        opened = [submissions.open_submission(p, items, Path(tmp) / str(n)) for n, p in enumerate(paths)]
        results = [SubmissionResult(s.name) for s in opened]
        jobs = [(n, s, item) for n, s in enumerate(opened) for item in items]

        def run(job: tuple[int, submissions.Submission, Item]) -> tuple[int, ItemResult]:
            n, submission, item = job
            result = engine.grade_item(item, submission.files.get(item.id), "hidden", limits)
            if result.status == "missing" and item.id in submission.notes:
                result.message = submission.notes[item.id]
            if on_item:
                on_item(submission.name, result)
            return n, result

        with ThreadPoolExecutor(max_workers=max(1, workers or default_workers())) as pool:
            finished = list(pool.map(run, jobs))
        order = {item.id: k for k, item in enumerate(items)}
        for n, result in finished:
            results[n].items.append(result)
        for result in results:
            result.items.sort(key=lambda r: order[r.id])
        return results
