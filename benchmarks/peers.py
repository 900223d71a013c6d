"""How `workbook grade` compares with otter-grader and nbgrader on like work.

    python benchmarks/peers.py [--runs 3] [--submissions 20] [--workers 2] [--venv DIR]

One real item, paths04_books, submitted by ``--submissions`` students (solutions and stubs
alternating, each file unique by a comment so nothing is reused by content), graded end to
end from the command line: wall clock from the grading command's start to its exit (setup
untimed), median of ``--runs`` runs:

(w) ``workbook grade`` of the folders, ``--workers``, a new gradebook store each run;
(o) otter-grader 7.0.0 without Docker: ``otter run`` on each submission notebook, with
    ``--workers`` of them at a time (otter's local path grades one notebook per process;
    ``otter grade`` needs Docker, which is not assumed);
(n) nbgrader 0.9.6: one ``nbgrader autograde`` over every submission (it grades them in
    turn: it has no option to parallelise), the gradebook database reset each run.

Otter and nbgrader grade notebooks: one code cell holds the student's file, and the hidden
suite's eight tests, in each tool's own format, make the same TestClient requests and checks
for the same points. The peers pin Jupyter packages differently from the project: they get
their own venv, made once. A tool must give the solutions 10 and the stubs 0, or its figure
is marked invalid. Figures for the notes; never asserted.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ITEM = "paths04_books"
PEERS = ["otter-grader==7.0.0", "nbgrader==0.9.6", "fastapi", "httpx", "pytest", "ipykernel"]
VERSIONS = "from importlib.metadata import version as v; print(*(f'{p} {v(p)}' for p in %r), sep=', ')"

Figures = tuple[list[float], list[float]]  # seconds of each run; each submission's score of the last
HELPERS = '''\
from fastapi.testclient import TestClient
DUNE = {"title": "Dune", "author": "Frank Herbert", "summary": "Spice, sand and politics."}
def created(client, book_id, body):
    response = client.post(f"/books/{book_id}", json=body)
    assert 200 <= response.status_code < 300, f"POST /books/{book_id} answered {response.status_code}"
    return response.json()
def fetched(client, book_id):
    response = client.get(f"/books/{book_id}")
    assert response.status_code == 200, f"GET /books/{book_id} answered {response.status_code}"
    return response.json()
def expect_refused(response, location):
    assert response.status_code == 422, f"answered {response.status_code}, not 422"
    detail = response.json().get("detail")
    places = [tuple(error.get("loc", ())) for error in detail] if isinstance(detail, list) else []
    assert location in places, f"the error names {places}, not {location}"
'''
# The hidden suite's eight tests (name, points, body with ``client`` entered on the app).
CHECKS = [
    ("post_answers_the_created_book", 2, 'assert created(client, 1, DUNE) == {"book_id": 1, "book": DUNE}'),
    ("post_answers_201_created", 1, 'assert client.post("/books/2", json=DUNE).status_code == 201'),
    ("get_answers_the_stored_book", 1, '''\
        other = {"title": "Emma", "author": "Jane Austen", "summary": "Matchmaking."}
        created(client, 3, DUNE)
        created(client, 4, other)
        assert client.get("/books/3").json() == DUNE
        assert client.get("/books/4").json() == other'''),
    ("missing_book_is_404", 2, '''\
        created(client, 5, DUNE)
        fetched(client, 5)
        for book_id in (999, 6):
            assert client.get(f"/books/{book_id}").status_code == 404'''),
    ("missing_book_detail", 1, '''\
        created(client, 5, DUNE)
        fetched(client, 5)
        response = client.get("/books/999")
        assert response.status_code == 404
        assert response.json() == {"detail": "Book not found"}'''),
    ("summary_defaults", 1, '''\
        plain = {"title": "Ulysses", "author": "James Joyce"}
        expected = {**plain, "summary": "No summary available"}
        body = created(client, 7, plain)
        assert isinstance(body, dict) and body.get("book") == expected
        assert client.get("/books/7").json() == expected
        created(client, 8, DUNE)
        assert client.get("/books/8").json() == DUNE'''),
    ("title_and_author_are_required", 1, '''\
        created(client, 9, DUNE)
        expect_refused(client.post("/books/10", json={"author": "Frank Herbert"}), ("body", "title"))
        expect_refused(client.post("/books/10", json={"title": "Dune"}), ("body", "author"))
        expect_refused(client.post("/books/10"), ("body",))'''),
    ("book_id_must_be_an_int", 1, '''\
        created(client, 11, DUNE)
        fetched(client, 11)
        expect_refused(client.post("/books/abc", json=DUNE), ("path", "book_id"))
        expect_refused(client.get("/books/abc"), ("path", "book_id"))'''),
]


def with_client(body: str) -> str:
    return "with TestClient(app) as client:\n" + textwrap.indent(textwrap.dedent(body), "    ")


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    """Run a setup step; a failure ends the benchmark with one readable line."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    except FileNotFoundError:
        raise SystemExit(f"{command[0]} is not installed (remove the peers' venv to make it again)") from None
    if done.returncode:
        last = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()[-1]
        raise SystemExit(f"{' '.join(map(str, command[:3]))} failed: {last}")
    return done


def peers_venv(venv: Path) -> tuple[Path, float | None]:
    """The peers' bin folder, the venv made (and its seconds returned) only the first time."""
    if (venv / ".complete").exists():
        return venv / "bin", None
    python = shutil.which("python3.11")
    if python is None:
        raise SystemExit("python3.11 is not on PATH: it is needed to make the peers' venv")
    start = time.perf_counter()
    run([python, "-m", "venv", "--clear", str(venv)])
    run([str(venv / "bin" / "pip"), "install", "-q", *PEERS])
    (venv / ".complete").touch()
    return venv / "bin", time.perf_counter() - start


def notebook(cells: list[tuple[str, dict]]) -> dict:
    """A notebook of code cells; a cell's nbgrader metadata, when given, over read-only defaults."""
    base = {"schema_version": 3, "grade": False, "solution": False, "locked": True, "task": False}
    made = [{"cell_type": "code", "execution_count": None, "id": f"c{n}", "outputs": [], "source": source,
             "metadata": {"nbgrader": {**base, **meta}} if meta else {}} for n, (source, meta) in enumerate(cells)]
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return {"cells": made, "metadata": {"kernelspec": kernel, "language_info": {"name": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def write(path: Path, text: str | dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if isinstance(text, str) else json.dumps(text, indent=1))
    return path


def timed(runs: int, prepare: Callable[[], None], grade: Callable[[], None]) -> list[float]:
    spent = []
    for _ in range(runs):
        prepare()
        start = time.perf_counter()
        grade()
        spent.append(time.perf_counter() - start)
    return spent


def figure(spent: list[float]) -> str:
    return f"{statistics.median(spent):6.1f} s (min {min(spent):.1f}, max {max(spent):.1f})"


def clean_env() -> dict[str, str]:
    """No other venv's paths; bytecode caching on (pip compiled the peers' venv, not this checkout)."""
    drop = ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE")
    return {k: v for k, v in os.environ.items() if k not in drop}


def quiet(command: list[str], **kwargs) -> None:
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, **kwargs)


def sanity(name: str, scores: list[float], full: list[bool]) -> str:
    """One line: every solution must score 10 and every stub 0, or the tool's figure means nothing."""
    seen = [sorted({f"{s:g}" for s, f in zip(scores, full, strict=False) if f == kind}) for kind in (True, False)]
    right = len(scores) == len(full) and seen == [["10"], ["0"]]
    return (f"{name}: solutions {'/'.join(seen[0])}, stubs {'/'.join(seen[1])} (of 10): "
            + ("ok" if right else "WRONG GRADES: its figure is invalid"))


def workbook(tmp: Path, sources: list[str], runs: int, workers: int) -> Figures:
    """(w): one folder per student; a new gradebook store each run, so nothing is reused."""
    folders = [str(write(tmp / f"s{n:02d}" / f"{ITEM}.py", source).parent) for n, source in enumerate(sources)]
    command = [sys.executable, "-m", "autograder", "grade", *folders, "--items", ITEM, "--db", str(tmp / "gb.sqlite"),
               "--workers", str(workers), "-q", "--json", str(tmp / "out.json")]
    env = {**clean_env(), "PYTHONPATH": str(ROOT)}  # this checkout's code, whichever venv runs it
    seconds = timed(runs, lambda: (tmp / "gb.sqlite").unlink(missing_ok=True),
                    lambda: quiet(command, cwd=ROOT, env=env))
    graded = json.loads((tmp / "out.json").read_text())["submissions"] if (tmp / "out.json").exists() else []
    return seconds, [s["score"] for s in sorted(graded, key=lambda s: s["submission"])]


def otter(tmp: Path, sources: list[str], runs: int, workers: int, env: dict[str, str]) -> Figures:
    """(o): an exception-based test file zipped by `otter generate`; `otter run` on each notebook."""
    tests = ["OK_FORMAT = False", "from otter.test_files import test_case", HELPERS, 'name = "books"']
    tests += [f"@test_case(name={name!r}, points={points})\ndef {name}(app):\n"
              + textwrap.indent(with_client(body), "    ") for name, points, body in CHECKS]
    write(tmp / "tests" / "books.py", "\n".join(tests) + "\n")
    run(["otter", "generate", "-t", "tests", "-o", "autograder.zip", "--no-requirements", "--no-environment",
         "--no-config"], cwd=tmp, env=env)
    notebooks = [write(tmp / f"s{n:02d}" / "books.ipynb", notebook([(s, {})])) for n, s in enumerate(sources)]
    outs = [tmp / "out" / f"{n:02d}" for n in range(len(sources))]

    def prepare() -> None:
        shutil.rmtree(tmp / "out", ignore_errors=True)
        for out in outs:
            out.mkdir(parents=True)

    def grade(n: int) -> None:
        quiet(["otter", "run", "-a", "autograder.zip", "-o", str(outs[n]), "--no-logo", str(notebooks[n])],
              cwd=tmp, env=env)

    with ThreadPoolExecutor(workers) as pool:
        seconds = timed(runs, prepare, lambda: list(pool.map(grade, range(len(sources)))))
    results = [out / "results.json" for out in outs]  # its "Public Tests" entry has no score
    return seconds, [sum(test.get("score", 0) for test in json.loads(path.read_text())["tests"])
                     if path.exists() else -1.0 for path in results]


def nbgrader(tmp: Path, sources: list[str], runs: int, env: dict[str, str]) -> Figures:
    """(n): a course folder; the source notebook is released, each student submits a copy with their code."""
    write(tmp / "nbgrader_config.py", f"c = get_config()\nc.CourseDirectory.root = {str(tmp)!r}\n")
    solution = [line for line in sources[0].splitlines() if not line.startswith(("# BEGIN", "# END", "# STUB"))]
    answer = "\n".join(["### BEGIN SOLUTION", *solution, "### END SOLUTION"])  # nbgrader's markers, not ours
    cells = [(answer, {"solution": True, "locked": False, "grade_id": "answer"}), (HELPERS, {"grade_id": "helpers"})]
    cells += [(with_client(body), {"grade": True, "grade_id": name, "points": points}) for name, points, body in CHECKS]
    write(tmp / "source" / "books" / "books.ipynb", notebook(cells))
    run(["nbgrader", "generate_assignment", "books", "--force"], cwd=tmp, env=env)
    shutil.copy(tmp / "gradebook.db", tmp / "pristine.db")
    release = json.loads((tmp / "release" / "books" / "books.ipynb").read_text())
    for n, source in enumerate(sources):
        release["cells"][0]["source"] = source
        write(tmp / "submitted" / f"s{n:02d}" / "books" / "books.ipynb", release)

    def prepare() -> None:
        shutil.rmtree(tmp / "autograded", ignore_errors=True)
        shutil.copy(tmp / "pristine.db", tmp / "gradebook.db")

    seconds = timed(runs, prepare, lambda: quiet(["nbgrader", "autograde", "books"], cwd=tmp, env=env))
    run(["nbgrader", "export"], cwd=tmp, env=env)
    with (tmp / "grades.csv").open() as grades:
        rows = {row["student_id"]: float(row["raw_score"] or 0) for row in csv.DictReader(grades)}
    return seconds, [rows.get(f"s{n:02d}", -1.0) for n in range(len(sources))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--submissions", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--venv", type=Path, default=Path.home() / ".cache" / "workbook-bench" / "peers-venv")
    args = parser.parse_args()
    load = os.getloadavg()[0]  # before anything runs: the benchmark's own load is not the machine's
    peers, made = peers_venv(args.venv)
    # The peers' commands resolve from their venv, first on PATH; nothing of the project's leaks in.
    env = clean_env()
    env["PATH"] = f"{peers}{os.pathsep}{env.get('PATH', '')}"
    versions = run(["python", "-c", VERSIONS % [p.split("==")[0] for p in PEERS]], env=env).stdout.strip()
    full = [n % 2 == 0 for n in range(args.submissions)]
    sources = [(ROOT / ("solutions" if f else "exercises") / f"{ITEM}.py").read_text() + f"# submission {n}\n"
               for n, f in enumerate(full)]
    with tempfile.TemporaryDirectory() as tmp:
        w, w_scores = workbook(Path(tmp) / "w", sources, args.runs, args.workers)
        o, o_scores = otter(Path(tmp) / "o", sources, args.runs, args.workers, env)
        n, n_scores = nbgrader(Path(tmp) / "n", sources, args.runs, env)
    print(f"machine: {os.cpu_count()} cores, load {load:.2f} at the start; {len(sources)} submissions of {ITEM} "
          f"(half solutions, half stubs), 8 tests, 10 points; median of {args.runs}")
    print(f"peers' venv {args.venv}: " + (f"made in {made:.0f} s" if made else "reused") + f"; {versions}")
    print(f"(w) workbook grade --workers {args.workers}:        {figure(w)}")
    print(f"(o) otter run per notebook, {args.workers} at a time:   {figure(o)}")
    print(f"(n) nbgrader autograde (in turn):        {figure(n)}")
    w, o, n = statistics.median(w), statistics.median(o), statistics.median(n)
    print(f"o/w = {o / w:.1f}x (target at least 20x; previously measured 10x)")
    print(f"n/w = {n / w:.1f}x (target at least 10x; previously measured 5.3x)")
    for name, scores in (("workbook", w_scores), ("otter", o_scores), ("nbgrader", n_scores)):
        print("sanity: " + sanity(name, scores, full))


if __name__ == "__main__":
    main()
