"""The engine timed as a command runs it: in a fresh interpreter whose main module is not a file.

A worker is forked from the fork server by ``multiprocessing``, which runs the parent's main
module again in every worker when it is a file (as ``__mp_main__``). Timed inside a
benchmark script, every worker would import that script and what it imports (the manifest,
the batch grader, httpx...): about 13 ms more per item run, which is not what ``workbook
grade`` pays (its main module imports almost nothing before the fork server starts). So the
benchmarks run the engine here, through ``python -c``: no main file to run again.

Shared by benchmarks/throughput.py and benchmarks/service.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Reads {"items", "paths", "legs": [[workers, isolation, canaries, suite servers], ...], "runs"} on stdin;
# grades once, untimed, to start the fork server (each timed run starts its own suite servers); prints
# {"seconds": [[run, ...] per leg], "tests": [[run, ...] per leg], "canaries": [[run, ...] per leg],
# "peak_rss_kb": n}. "tests" is the time the real tests took
# where they ran: from each test's start event to its result (its setup, call and teardown in the
# worker); "canaries" the same for the canaries.
_CODE = """
import json, sys, time
from pathlib import Path
from autograder import manifest
from autograder.grading import batch
from autograder.paths import suite_file
from autograder.sandbox import channel, engine, suite_server
from autograder.sandbox.limits import Limits
plan = json.load(sys.stdin)
course = manifest.load()
items = [course.item(i) for i in plan["items"]]
paths = [Path(p) for p in plan["paths"]]
real = set()
for item in items:
    real |= engine._test_names(suite_file(item.id, "hidden"))
started, spent = {}, [0.0, 0.0]  # the real tests', the canaries'
read = channel.Reader.next
def timed(reader, deadline):
    frame = read(reader, deadline)
    kind, name = (frame or {}).get("event"), (frame or {}).get("name")
    if kind == "start":
        started[id(reader)] = (name, time.perf_counter())
    elif kind == "result" and id(reader) in started:
        began, at = started.pop(id(reader))
        spent[0 if began in real else 1] += time.perf_counter() - at
    return frame
channel.Reader.next = timed
batch.grade(paths[:1], items[:1], workers=1, limits=Limits())
engine.PEAK_RSS_KB.clear()
seconds, tests, canary_seconds = [], [], []
for workers, isolation, canaries, servers in plan["legs"]:
    runs, spent_runs, canary_runs = [], [], []
    for _ in range(plan["runs"]):
        engine.SERVERS.close()  # each run starts its suite servers, as a `workbook grade` does
        engine.SERVERS = suite_server.Servers()
        engine.SERVERS.enabled = servers
        spent[:] = [0.0, 0.0]
        start = time.perf_counter()
        batch.grade(paths, items, workers=workers, limits=Limits(isolation=isolation, canaries=canaries))
        runs.append(time.perf_counter() - start)
        spent_runs.append(spent[0])
        canary_runs.append(spent[1])
    seconds.append(runs)
    tests.append(spent_runs)
    canary_seconds.append(canary_runs)
print(json.dumps({"seconds": seconds, "tests": tests, "canaries": canary_seconds,
                  "peak_rss_kb": max(engine.PEAK_RSS_KB, default=0)}))
"""


class EngineError(RuntimeError):
    """The engine's run failed: the message is its last line of output."""


Leg = tuple[int, str, int, bool]  # workers, isolation level, canaries per item run, suite servers on


@dataclass(frozen=True)
class Timings:
    """Per leg, the seconds of each run, and the seconds its real tests and its canaries took in the workers."""

    seconds: list[list[float]]
    tests: list[list[float]]
    canaries: list[list[float]]
    peak_rss_kb: int


def grade_seconds(paths: list[Path], items: list[str], legs: list[Leg], runs: int = 1,
                  cwd: Path = ROOT) -> Timings:
    """Each of ``runs`` ``batch.grade`` calls per leg, timed after an untimed call that starts
    the fork server; and the peak resident memory of a worker (KiB)."""
    plan = {"items": items, "paths": [str(p) for p in paths], "legs": legs, "runs": runs}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _CODE], input=json.dumps(plan), cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise EngineError(f"the engine failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}")
    return Timings(**json.loads(done.stdout.strip().splitlines()[-1]))
