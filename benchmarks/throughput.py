"""Grading throughput: the same submissions graded four ways, with the ratios.

    python benchmarks/throughput.py [--submissions 8] [--items ID,...] [--runs 3]

(a) this grader: isolated workers forked from a warm fork server, each in the kernel
    sandbox (``--isolation auto``), ``--workers`` = cores;
(a0) the same workers without the kernel sandbox (``--isolation off``), in the same run:
    a/a0 is what the sandbox costs (the target is at most 1.3x);
(b) the naive way: one ``python -m pytest`` process per item per submission, in turn
    (the target is b/a of at least 10x);
(c) one process that imports everything once and runs every suite in-process, one
    after another, with no isolation at all (after one untimed pass, so warm);
(f) the test-phase floor: in that same warm pass, the sum of pytest's setup, call and
    teardown phases, per item run: the tests alone, with hot caches and no guard;
(t) the real tests where they run: in the engine's workers at one worker, from each
    test's start event to its result (setup, call and teardown, under the guard and the
    integrity checks);
(k) the canaries the same way: the two extra tests of each item run, which pytest runs
    like any other. The engine at one worker, per item run, against (t+k), every test
    pytest ran, is what starting a worker, its session and its isolation cost (the target
    is at most 1.5x with the sandbox off, and 1.3x more with it on); against (t) alone,
    the canaries count as overhead too; against (f) it is everything the engine adds to
    the bare tests. Also timed: the engine without canaries, and without suite servers
    (every worker forked from the fork server, collecting the suite itself).
    Each engine run starts its own suite servers, as a ``workbook grade`` does.

The engine's legs run in a fresh interpreter started with ``python -c``
(benchmarks/warm_engine.py): timed inside this script, every worker would import the script
again (``multiprocessing`` runs a main file again in each worker), which ``workbook grade``
does not pay.

It also prints what one worker pays to enter the sandbox (fork, then every layer), next
to what a design that starts a fresh interpreter per worker (bubblewrap must ``execve``)
pays before its first test: importing FastAPI, pytest and the kit again.

Prints the median of ``--runs`` runs of each, and the peak resident memory of the
grader's workers. Figures for the notes; never asserted in tests.
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

import warm_engine  # noqa: E402 - benchmarks/warm_engine.py, beside this script

from autograder import manifest  # noqa: E402
from autograder.paths import suite_file  # noqa: E402
from autograder.sandbox.limits import CANARIES  # noqa: E402

PYTEST = ["-q", "-p", "no:cacheprovider", "--no-header", "--tb=no", "-o", "addopts=", "-W", "ignore"]
# (c) runs in one fresh interpreter: imports once, then every suite in-process.
IN_PROCESS = """
import sys, time, pytest, fastapi.testclient, autograder.kit
class Phases:
    total = 0.0
    def pytest_runtest_logreport(self, report):
        Phases.total += report.duration
jobs = [line.split("\\t") for line in sys.stdin.read().splitlines()]
for suite, student in jobs:  # the untimed pass: every import and first-time cost paid
    pytest.main([suite, "--student=" + student, *sys.argv[1:]])
Phases.total = 0.0
start = time.perf_counter()
for suite, student in jobs:
    pytest.main([suite, "--student=" + student, *sys.argv[1:]], plugins=[Phases()])
print(time.perf_counter() - start, Phases.total, file=sys.stderr)
"""


def make_submissions(folder: Path, count: int) -> list[Path]:
    sources = [ROOT / "samples" / "alice", ROOT / "samples" / "bob", ROOT / "solutions", ROOT / "exercises"]
    made = []
    for n in range(count):
        target = folder / f"student-{n:03d}"
        shutil.copytree(sources[n % len(sources)], target)
        made.append(target)
    return made


def sandbox_entry_ms(times: int = 20) -> float:
    """Median milliseconds from fork to a child inside every sandbox layer."""
    from autograder.paths import PACKAGE, ROOT
    from autograder.sandbox import confine, workspace

    job = workspace.job_folder("bench-")
    policy = confine.policy_for(job, suite_file("async01_why_async", "hidden"), package=PACKAGE, project=ROOT)
    spent = []
    for _ in range(times):
        reader, writer = os.pipe()
        start = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            confine.enter(policy)
            os.write(writer, b"x")
            os._exit(0)
        os.read(reader, 1)
        spent.append((time.perf_counter() - start) * 1000)
        os.waitpid(pid, 0)
        os.close(reader)
        os.close(writer)
    return statistics.median(spent)


def fresh_interpreter_s(times: int = 5) -> float:
    """Median seconds for a new interpreter to import what a worker needs (no sandbox yet)."""
    spent = []
    for _ in range(times):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import autograder.preload"],
                       cwd=ROOT, check=True)
        spent.append(time.perf_counter() - start)
    return statistics.median(spent)


def naive(jobs: list[tuple[str, str]]) -> float:
    start = time.perf_counter()
    for suite, student in jobs:
        subprocess.run([sys.executable, "-m", "pytest", suite, f"--student={student}", *PYTEST],
                       cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def in_process(jobs: list[tuple[str, str]]) -> tuple[float, float]:
    """Seconds for the warm pass, and the sum of its tests' setup, call and teardown phases."""
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", IN_PROCESS, *PYTEST], cwd=ROOT,
                          input="\n".join(f"{s}\t{p}" for s, p in jobs), capture_output=True, text=True, check=True)
    elapsed, phases = done.stderr.strip().splitlines()[-1].split()
    return float(elapsed), float(phases)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=8)
    parser.add_argument("--items", default="async01_why_async,paths04_books,auth05_jwt_dependency")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    course = manifest.load()
    items = [course.item(i) for i in args.items.split(",")]

    with tempfile.TemporaryDirectory() as tmp:
        paths = make_submissions(Path(tmp), args.submissions)
        jobs = [(str(suite_file(item.id, "hidden")), str(path / item.filename)) for path in paths for item in items]
        legs = [(args.workers, "auto", CANARIES, True), (args.workers, "off", CANARIES, True),
                (1, "auto", CANARIES, True), (1, "off", CANARIES, True), (1, "off", 0, True),
                (1, "off", CANARIES, False)]
        timings = warm_engine.grade_seconds(paths, [item.id for item in items], legs, args.runs)
        a, a0, one, one_off, one_bare, one_alone = (statistics.median(runs) for runs in timings.seconds)
        tests_on, tests_off, tests_bare = (statistics.median(runs) for runs in timings.tests[2:5])
        canaries_on, canaries_off = (statistics.median(runs) for runs in timings.canaries[2:4])
        b = statistics.median(naive(jobs) for _ in range(args.runs))
        warm = [in_process(jobs) for _ in range(args.runs)]
        c = statistics.median(elapsed for elapsed, _ in warm)
        floor = statistics.median(phases for _, phases in warm) / len(jobs)
    peak = timings.peak_rss_kb / 1024
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; "
          f"{len(paths)} submissions x {len(items)} items = {len(jobs)} item runs; median of {args.runs}")
    print(f"(a) isolated workers (--workers {args.workers}): {a:6.1f} s  {len(jobs) / a:5.1f} items/s")
    print(f"(a0) the same, kernel sandbox off:        {a0:6.1f} s  {len(jobs) / a0:5.1f} items/s")
    print(f"(b) one pytest process per item:        {b:6.1f} s  {len(jobs) / b:5.1f} items/s")
    print(f"(c) one process, no isolation:          {c:6.1f} s  {len(jobs) / c:5.1f} items/s")
    print(f"a/a0 = {a / a0:.2f}x: what the kernel sandbox costs (target at most 1.3x)")
    print(f"b/a = {b / a:.1f}x faster than naive (target at least 10x); "
          f"a/c = {a / c:.2f}x one warm process without isolation")
    n = len(jobs)
    print(f"(f) test-phase floor, warm in one process: {floor * 1000:.0f} ms per item run (setup + call + teardown)")
    print(f"(t) the real tests where they ran, in the workers at 1 worker: {tests_off / n * 1000:.0f} ms per item run "
          f"(sandbox off; {tests_on / n * 1000:.0f} ms on)")
    print(f"(k) the canaries where they ran: {canaries_off / n * 1000:.0f} ms per item run "
          f"(sandbox off; {canaries_on / n * 1000:.0f} ms on)")
    print(f"the engine at 1 worker: {one_off / n * 1000:.0f} ms per item run sandbox off, {one / n * 1000:.0f} ms on, "
          f"{one_bare / n * 1000:.0f} ms off without canaries, {one_alone / n * 1000:.0f} ms off without suite servers")
    print(f"engine/(t+k) = {one_off / (tests_off + canaries_off):.2f}x sandbox off (target at most 1.5x), "
          f"{one / (tests_on + canaries_on):.2f}x on (target at most {1.5 * 1.3:.2f}x): every test pytest ran")
    print(f"engine/(t) = {one_off / tests_off:.2f}x sandbox off, {one / tests_on:.2f}x on: the canaries "
          f"counted as overhead; {one_bare / tests_bare:.2f}x off without canaries")
    print(f"engine/(f) = {one_off / n / floor:.2f}x sandbox off, {one / n / floor:.2f}x on, "
          f"{one_bare / n / floor:.2f}x off without canaries")
    print(f"entering the sandbox after a fork: {sandbox_entry_ms():.1f} ms per worker (median of 20); "
          f"a fresh interpreter importing what a worker needs: {fresh_interpreter_s():.2f} s (median of 5)")
    print(f"peak resident memory of a worker: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
