"""Grading throughput: what one worker costs, and how many submissions a minute.

    python benchmarks/throughput.py [--submissions 24] [--items async01_why_async,paths04_books]

Prints (figures for the notes, never asserted in tests):

* the cost of starting a worker from the warm fork server, against a cold interpreter
  that imports FastAPI, pydantic and pytest itself (what a worker without the fork
  server would pay);
* wall time, items per second and submissions per minute for ``--workers`` 1 and 2
  (and the cores, if more), over copies of the bundled samples and solutions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder import engine, grading, manifest  # noqa: E402
from autograder.paths import SOLUTIONS  # noqa: E402

COLD_IMPORTS = "import fastapi, fastapi.testclient, httpx, pydantic, pytest"


def cold_start(runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", COLD_IMPORTS], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def warm_item(item: manifest.Item, runs: int = 5) -> float:
    engine.grade_item(item, SOLUTIONS / item.filename)  # starts the fork server
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        engine.grade_item(item, SOLUTIONS / item.filename)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def make_submissions(folder: Path, count: int) -> list[Path]:
    sources = [ROOT / "samples" / "alice", ROOT / "samples" / "bob", ROOT / "solutions", ROOT / "exercises"]
    made = []
    for n in range(count):
        target = folder / f"student-{n:03d}"
        shutil.copytree(sources[n % len(sources)], target)
        made.append(target)
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=24)
    parser.add_argument("--items", default="async01_why_async,paths04_books,auth05_jwt_dependency")
    args = parser.parse_args()
    course = manifest.load()
    items = [course.item(i) for i in args.items.split(",")]

    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    cold = cold_start()
    warm = warm_item(items[0])
    print(f"cold interpreter importing FastAPI+pydantic+pytest: {cold * 1000:.0f} ms (median of 5)")
    print(f"one item graded from the warm fork server ({items[0].id}, whole suite): {warm * 1000:.0f} ms (median of 5)")

    with tempfile.TemporaryDirectory() as tmp:
        paths = make_submissions(Path(tmp), args.submissions)
        jobs = len(paths) * len(items)
        for workers in sorted({1, 2, os.cpu_count() or 1}):
            start = time.perf_counter()
            grading.grade(paths, items, workers=workers)
            wall = time.perf_counter() - start
            print(f"--workers {workers}: {len(paths)} submissions x {len(items)} items = {jobs} item runs in "
                  f"{wall:.1f} s: {jobs / wall:.1f} items/s, {60 * len(paths) / wall:.0f} submissions/min")


if __name__ == "__main__":
    main()
