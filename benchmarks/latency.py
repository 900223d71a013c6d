"""How long a student waits for feedback: `workbook check` in a terminal, `check()` in a notebook.

    python benchmarks/latency.py [--item async01_why_async] [--runs 10]

(t) the terminal command, a new process each time, as a student types it: median of
    ``--runs`` (target at most 1.2 s on an idle 2-core machine);
(n) the notebook call in a real Jupyter kernel (started with jupyter_client, as
    JupyterLab does): the first call starts the kernel's fork server, the later ones
    reuse it; the median of ``--runs`` calls from the second on (target at most 0.5 s).
    Each call reads the file fresh from disk and runs in a worker with the grader's
    isolation, exactly as the first does;
(p) the first `workbook progress` with a new state file: every item checked, in
    parallel (target under 10 s), on the stubs a new student has and on the solutions.

Both check the reference solution (every check runs; a stub fails faster). Figures for
the notes and the README; never asserted in tests.
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

from autograder import manifest  # noqa: E402
from autograder.paths import EXERCISES, SOLUTIONS  # noqa: E402

WORKBOOK = Path(sys.executable).with_name("workbook")


def terminal(item: manifest.Item, folder: Path, runs: int, env: dict[str, str]) -> list[float]:
    spent = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(WORKBOOK), "check", item.id, "--path", str(folder)], cwd=ROOT, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        spent.append(time.perf_counter() - start)
    return spent


def notebook(item: manifest.Item, folder: Path, runs: int, env: dict[str, str]) -> list[float]:
    """Seconds per ``check()`` call inside a kernel, timed in the kernel around the call."""
    from jupyter_client.manager import start_new_kernel

    manager, client = start_new_kernel(kernel_name="python3", cwd=str(ROOT), env=env)
    spent: list[float] = []
    try:
        client.execute_interactive("from autograder.student.notebook import check\nimport time", timeout=60)
        code = (f"_t = time.perf_counter(); _r = check({item.id!r}, {str(folder)!r}); "
                "print(time.perf_counter() - _t, _r.passed)")
        for _ in range(runs + 1):
            out: list[str] = []

            def keep(message: dict, out: list[str] = out) -> None:
                if message["msg_type"] == "stream":
                    out.append(message["content"]["text"])

            client.execute_interactive(code, timeout=120, output_hook=keep)
            seconds, passed = "".join(out).split()
            if passed != "True":
                raise SystemExit(f"the reference solution of {item.id} failed its checks in the kernel")
            spent.append(float(seconds))
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    return spent


def first_progress(folder: Path, runs: int, env: dict[str, str], state: Path) -> list[float]:
    spent = []
    for _ in range(runs):
        state.unlink(missing_ok=True)
        start = time.perf_counter()
        subprocess.run([str(WORKBOOK), "progress", "--path", str(folder)], cwd=ROOT, env=env,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        spent.append(time.perf_counter() - start)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--item", default="async01_why_async")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    course = manifest.load()
    item = course.item(args.item)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "exercises"
        folder.mkdir()
        shutil.copy(SOLUTIONS / item.filename, folder / item.filename)
        # The checks record progress: in a state file of this run, never the checkout's.
        env = {**os.environ, "WORKBOOK_STATE": str(Path(tmp) / "state.json")}
        t = terminal(item, folder, args.runs, env)
        n = notebook(item, folder, args.runs, env)
        state = Path(tmp) / "state.json"
        stubs = first_progress(EXERCISES, 3, env, state)
        solved = first_progress(SOLUTIONS, 3, env, state)
        items = len(course.items)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; item {item.id}; median of {args.runs}")
    print(f"(t) workbook check in a terminal: {statistics.median(t):.2f} s (min {min(t):.2f}, max {max(t):.2f}; "
          "target at most 1.2 s)")
    print(f"(n) check() in a notebook: first call {n[0]:.2f} s, then {statistics.median(n[1:]):.2f} s "
          f"(min {min(n[1:]):.2f}, max {max(n[1:]):.2f}; target at most 0.5 s from the second call)")
    print(f"(p) the first workbook progress, {items} items: {statistics.median(stubs):.1f} s on the stubs, "
          f"{statistics.median(solved):.1f} s on the solutions (median of 3; target under 10 s)")


if __name__ == "__main__":
    main()
