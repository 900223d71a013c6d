"""The grading service under load: many students submitting, against the engine's own throughput.

    python benchmarks/service.py [--students 20] [--submissions 20] [--items ID,...] [--runs 3]
                                 [--modes local,celery1,celery2] [--store sqlite|postgresql]
                                 [--observe sse|poll] [--quick]

Each submission is one student's files for every item of ``--items`` (as in
benchmarks/throughput.py), so a run grades ``submissions x items`` item runs. Every file is
made unique by a last comment line naming it, so neither the service's result cache nor the
engine's store reuses a result: every item run is graded.

(e) the engine: the same files as folders, graded by ``batch.grade`` in a fresh interpreter
    after an untimed warm-up (start-up excluded), and by ``python -m autograder grade FOLDERS --items ...
    --workers W`` in a new process (start-up included); both with ``--workers`` slots;
(s) saturating load: every student submits every file at once over the API (loopback only),
    on a service started fresh: ``local`` is ``python -m autograder server --workers W`` (the
    embedded default: SQLite and the engine in the server's process), ``celery1`` one
    ``python -m autograder worker --concurrency W`` and ``celery2`` two workers of
    ``--concurrency W/2`` each (the same W grading slots in every mode), over Redis;
(h) half that rate: open-loop Poisson arrivals (seeded) at 0.5 x the engine's warm
    throughput, on the same service, with new files.

Students sign up as a class does: the instructor imports a roster over the API and each
student signs up with their link, each from their own loopback address (127.0.1.N), so the
sign-up limit per address applies as it would to students on their own machines. The
course's limits stay as they are (attempts per item per hour from course.toml, submissions
per student per minute from the settings); the plan is checked to stay below them and the
output says so. Throughput is item runs per second from the first submit to the last grade
seen. Submit-to-feedback latency is from the moment the client sends the file to the moment
it sees the grade: by default on the student's own server-sent event stream
(``/api/events``, opened before the window, as the student's page holds it; the time the
``graded`` event arrives), or with ``--observe poll`` by ``GET /api/submissions/{id}`` every
0.2 s, as ``workbook submit`` does.

Targets on a 2-core machine: (s) at least 80% of the engine's warm throughput; (h) p95
latency under 3 s. Figures for the notes; never asserted in tests.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import queue
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import warm_engine  # noqa: E402 - benchmarks/warm_engine.py, beside this script

from autograder import manifest  # noqa: E402
from autograder.sandbox.limits import CANARIES  # noqa: E402
from autograder.service.settings import Settings  # noqa: E402

DEFAULT_ITEMS = "async01_why_async,paths04_books,auth05_jwt_dependency"
SOURCES = [ROOT / "samples" / "alice" / "exercises", ROOT / "solutions", ROOT / "samples" / "bob" / "exercises",
           ROOT / "exercises"]
PASSWORD = "benchmark password"
POLL_SECONDS = 0.2  # as autograder/student/submit.py
SIGNUPS_AT_ONCE = 4
THROUGHPUT_TARGET = 0.8
P95_TARGET = 3.0


class BenchError(Exception):
    """The benchmark cannot go on (one line)."""


# ---------------------------------------------------------------- the files


@dataclass(frozen=True)
class File:
    student: int
    item: str
    content: bytes


def files_for(submissions: int, students: int, items: list[manifest.Item], phase: str) -> list[list[File]]:
    """Per submission, its student's file for each item: a source's file with a comment making it unique."""
    out = []
    for n in range(submissions):
        source = SOURCES[n % len(SOURCES)]
        files = []
        for item in items:
            path = source / item.filename
            if not path.is_file():
                path = SOURCES[1] / item.filename
            tag = f"\n# benchmark {phase}: submission {n}, item {item.id}\n".encode()
            files.append(File(n % students, item.id, path.read_bytes().rstrip(b"\n") + tag))
        out.append(files)
    return out


def write_folders(folder: Path, plan: list[list[File]], items: list[manifest.Item]) -> list[Path]:
    paths = []
    for n, files in enumerate(plan):
        target = folder / f"submission-{n:03d}"
        target.mkdir(parents=True)
        for item, file in zip(items, files):
            (target / item.filename).write_bytes(file.content)
        paths.append(target)
    return paths


def check_limits(args: argparse.Namespace, items: list[manifest.Item]) -> str:
    """The limits in force, and the most the plan asks of each; one line when it would pass one."""
    settings = Settings(database_url="sqlite://", secret="")
    per_hour = min(settings.rules(item).attempts_per_hour for item in items)
    phases = 2  # the saturating phase and the half-rate one, on the same accounts
    attempts = phases * -(-args.submissions // args.students)
    if attempts > per_hour:
        raise BenchError(f"{args.submissions} submissions over {args.students} students need {attempts} attempts "
                         f"per item per student; the course allows {per_hour} an hour: use --students "
                         f">= {-(-args.submissions * phases // per_hour)}")
    per_student = attempts * len(items)
    if per_student > settings.submissions_per_minute:
        raise BenchError(f"each student would submit {per_student} files, more than the "
                         f"{settings.submissions_per_minute} a minute allowed: use more --students")
    return (f"limits as configured (nothing raised): {per_hour} attempts per item per student per hour "
            f"(course.toml), {settings.submissions_per_minute} submissions per student per minute, "
            f"{settings.logins_per_minute} sign-ups per minute per address; this plan asks at most {attempts} "
            f"attempts per item and {per_student} submissions per student")


# ---------------------------------------------------------------- the engine


def engine_warm(paths: list[Path], items: list[manifest.Item], workers: int, folder: Path) -> float:
    """Seconds ``batch.grade`` takes on every folder, its fork server already started."""
    try:
        legs = [(workers, "auto", CANARIES, True)]
        timings = warm_engine.grade_seconds(paths, [i.id for i in items], legs, cwd=folder)
    except warm_engine.EngineError as error:
        raise BenchError(str(error)) from None
    return timings.seconds[0][0]


def engine_cli(paths: list[Path], items: list[manifest.Item], workers: int, folder: Path) -> float:
    """Seconds ``python -m autograder grade`` takes in a new process (start-up included)."""
    store = folder / f"gradebook-{time.monotonic_ns()}.sqlite"
    command = [sys.executable, "-m", "autograder", "grade", *map(str, paths), "--items",
               ",".join(i.id for i in items), "--workers", str(workers), "--db", str(store), "--quiet"]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=folder, env=_env(), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"workbook grade failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}")
    return time.perf_counter() - start


# ---------------------------------------------------------------- the processes


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Process:
    """A subprocess in a session of its own, its output read line by line in a thread."""

    def __init__(self, name: str, command: list[str], cwd: Path) -> None:
        self.name = name
        self.lines: queue.Queue[str] = queue.Queue()
        self.log: list[str] = []
        self.proc = subprocess.Popen(command, cwd=cwd, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.log.append(line.rstrip())
            self.lines.put(line)

    def wait_for(self, text: str, seconds: float = 60.0) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            if text in line:
                return line
        tail = " | ".join(self.log[-3:])
        raise BenchError(f"{self.name} did not say {text!r} within {seconds:.0f} s: {tail}")

    def stop(self) -> None:
        """SIGTERM to this process's own session (its engine workers too), then SIGKILL."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=15)


@dataclass
class Mode:
    name: str
    celery_workers: int  # 0: the embedded engine


MODES = {"local": Mode("local", 0), "celery1": Mode("celery1", 1), "celery2": Mode("celery2", 2)}


def database_url(store: str, folder: Path, postgres: str) -> str:
    if store == "sqlite":
        return f"sqlite+aiosqlite:///{folder / 'service.db'}"
    asyncio.run(_fresh_postgres(postgres))
    return postgres


async def _fresh_postgres(url: str) -> None:
    """An empty database of the benchmark's own (dropped and made again) on the server of ``url``."""
    import asyncpg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = parsed.database
    if not name or not name.replace("_", "").isalnum():
        raise BenchError(f"--postgres must name a database of letters, digits and _: {name!r}")
    conn = await asyncpg.connect(user=parsed.username, password=parsed.password, host=parsed.host,
                                 port=parsed.port or 5432, database="postgres")
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def flush_broker(url: str) -> None:
    """Empty the benchmark's Redis database: no job left from an earlier run."""
    import redis

    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


@contextlib.contextmanager
def service(mode: Mode, args: argparse.Namespace, folder: Path):
    """The server (and its workers) started fresh; yields (base URL, the instructor's sign-up token)."""
    url = database_url(args.store, folder, args.postgres)
    port = free_port()
    command = [sys.executable, "-m", "autograder", "server", "--port", str(port), "--data", str(folder),
               "--database", url, "--workers", str(args.workers)]
    started: list[Process] = []
    try:
        if mode.celery_workers:
            flush_broker(args.broker)
            command += ["--broker", args.broker]
            per_worker = max(1, args.workers // mode.celery_workers)
            for n in range(mode.celery_workers):
                worker = Process(f"worker {n + 1}", [sys.executable, "-m", "autograder", "worker", "--broker",
                                                     args.broker, "--database", url, "--concurrency", str(per_worker),
                                                     "--name", f"bench{n + 1}@%h"], folder)
                started.append(worker)
        server = Process("the server", command, folder)
        started.append(server)
        invite = server.wait_for("/signup#").split("/signup#", 1)[1].split()[0]
        for worker in started[:-1]:
            worker.wait_for(" ready.")
        yield f"http://127.0.0.1:{port}", invite
    except BenchError:
        for process in started:
            print(f"--- {process.name} said:", *process.log[-400:], sep="\n", file=sys.stderr)
        raise
    finally:
        for process in reversed(started):
            process.stop()


# ---------------------------------------------------------------- the class


@dataclass
class Student:
    client: httpx.AsyncClient
    headers: dict[str, str]


@dataclass
class Window:
    """What one phase saw: when each submission was sent and when its grade was seen."""

    sent: dict[int, float] = field(default_factory=dict)
    seen: dict[int, float] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)


async def _ok(response: httpx.Response, what: str) -> dict | list:
    if response.status_code >= 300:
        raise BenchError(f"{what}: HTTP {response.status_code} {response.text[:200]}")
    return response.json()


async def _up(base: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base) as client:
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.TransportError):
                if (await client.get("/api/me")).status_code == 401:
                    return
            await asyncio.sleep(0.1)
    raise BenchError(f"the server at {base} did not answer within {seconds:.0f} s")


def _client(base: str, n: int) -> httpx.AsyncClient:
    """A student's own connection, from a loopback address of their own."""
    address = f"127.0.1.{n + 1}"
    return httpx.AsyncClient(base_url=base, timeout=120, transport=httpx.AsyncHTTPTransport(local_address=address))


async def enrol(base: str, invite: str, students: int) -> list[Student]:
    """``students`` accounts: the instructor signs up and imports the roster; each student signs up from their link."""
    await _up(base)
    async with httpx.AsyncClient(base_url=base, timeout=120) as admin:
        tokens = await _ok(await admin.post("/api/signup", json={"token": invite, "password": PASSWORD}),
                           "the instructor's sign-up")
        roster = "username,name\n" + "".join(f"bench{n:03d},Student {n}\n" for n in range(students))
        invites = await _ok(await admin.post("/api/roster", files={"file": ("roster.csv", roster)},
                                             headers={"Authorization": f"Bearer {tokens['access_token']}"}),
                            "the roster import")
    gate = asyncio.Semaphore(SIGNUPS_AT_ONCE)

    async def sign_up(n: int, token: str) -> Student:
        client = _client(base, n)
        async with gate:
            mine = await _ok(await client.post("/api/signup", json={"token": token, "password": PASSWORD}),
                             f"student {n}'s sign-up")
        return Student(client, {"Authorization": f"Bearer {mine['access_token']}"})

    by_name = {i["username"]: i["token"] for i in invites}
    return list(await asyncio.gather(*(sign_up(n, by_name[f"bench{n:03d}"]) for n in range(students))))


async def watch(student: Student, window: Window, opened: asyncio.Event) -> None:
    """The student's event stream: the time each of their submissions is seen graded."""
    async with student.client.stream("GET", "/api/events", headers=student.headers, timeout=None) as response:
        opened.set()
        async for line in response.aiter_lines():
            if line.startswith("data: "):
                payload = json.loads(line[6:])
                if payload.get("status") == "graded":
                    window.seen.setdefault(payload["id"], time.perf_counter())


async def submit(student: Student, file: File, window: Window, observe: str, at: float, lock: asyncio.Lock) -> None:
    """One file, sent at ``at``; after the same student's previous file for the same item is stored.

    A student's two requests for one item at one moment race for one attempt number and
    the second is answered 409: a real student sends them one after the other, and so does
    this one. The clock starts at ``at``, when the student presses submit."""
    await asyncio.sleep(max(0.0, at - time.perf_counter()))
    start = time.perf_counter()
    async with lock:
        response = await student.client.post(f"/api/submissions/{file.item}", headers=student.headers,
                                             files={"file": (f"{file.item}.py", file.content, "text/x-python")})
    if response.status_code != 202:
        window.refused.append(f"HTTP {response.status_code} {response.text[:120]}")
        return
    sid = response.json()["id"]
    window.sent[sid] = start
    while observe == "poll" and sid not in window.seen:
        await asyncio.sleep(POLL_SECONDS)
        state = (await student.client.get(f"/api/submissions/{sid}", headers=student.headers)).json()
        if state["status"] == "graded":
            window.seen[sid] = time.perf_counter()


async def phase(students: list[Student], files: list[File], observe: str, rate: float | None,
                seconds: float) -> Window:
    """Send every file (all at once, or at Poisson arrivals of ``rate`` per second) and wait for every grade."""
    window = Window()
    watchers = []
    if observe == "sse":
        opened = [asyncio.Event() for _ in students]
        watchers = [asyncio.create_task(watch(s, window, e)) for s, e in zip(students, opened)]
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in opened)), 60)
    arrivals = random.Random(7)
    locks: dict[tuple[int, str], asyncio.Lock] = {}
    start, offset, sends = time.perf_counter(), 0.0, []
    for file in files:
        lock = locks.setdefault((file.student, file.item), asyncio.Lock())
        sends.append(asyncio.create_task(submit(students[file.student], file, window, observe, start + offset, lock)))
        if rate:
            offset += arrivals.expovariate(rate)
    try:
        await asyncio.wait_for(asyncio.gather(*sends), seconds)
        deadline = time.monotonic() + seconds
        while not set(window.sent) <= set(window.seen) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
    finally:
        for task in watchers:
            task.cancel()
        await asyncio.gather(*watchers, return_exceptions=True)
    if window.refused:
        raise BenchError(f"{len(window.refused)} submissions refused, e.g. {window.refused[0]}")
    missing = set(window.sent) - set(window.seen)
    if missing:
        raise BenchError(f"{len(missing)} of {len(window.sent)} submissions not graded within {seconds:.0f} s")
    return window


@dataclass(frozen=True)
class Figures:
    throughput: float
    p50: float
    p95: float


def figures(window: Window) -> Figures:
    latencies = sorted(window.seen[i] - window.sent[i] for i in window.sent)
    span = max(window.seen[i] for i in window.sent) - min(window.sent.values())
    p95 = latencies[min(len(latencies) - 1, max(0, round(0.95 * len(latencies)) - 1))]
    return Figures(len(latencies) / span, statistics.median(latencies), p95)


async def run_mode(base: str, invite: str, args: argparse.Namespace, plans: tuple[list[File], list[File]],
                   warm_rate: float) -> tuple[Figures, Figures]:
    """Enrol the class, start every grading slot (untimed), then the two timed phases."""
    students = await enrol(base, invite, args.students + args.workers)
    try:
        warmup = students[args.students:]  # one account per slot, each submitting once
        source = SOURCES[1].joinpath(f"{args.item_ids[0]}.py").read_bytes()
        warm_files = [File(n, args.item_ids[0], source + f"\n# warm-up {n}\n".encode()) for n in range(args.workers)]
        await phase(warmup, warm_files, args.observe, None, 120)
        saturating = figures(await phase(students[:args.students], plans[0], args.observe, None, args.timeout))
        half = figures(await phase(students[:args.students], plans[1], args.observe, warm_rate / 2, args.timeout))
    finally:
        for student in students:
            await student.client.aclose()
    return saturating, half


# ---------------------------------------------------------------- the report


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(args: argparse.Namespace, results: dict[str, list[tuple[Figures, Figures]]], warm: list[float],
           cli: list[float], runs: int, limits: str) -> bool:
    jobs = args.submissions * len(args.item_ids)
    engine, engine_cli_rate = _median([jobs / s for s in warm]), _median([jobs / s for s in cli])
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average {args.load:.2f} at "
          f"the start, {os.getloadavg()[0]:.2f} at the end; {args.students} students, {args.submissions} submissions x "
          f"{len(args.item_ids)} items = {jobs} item runs per phase; median of {runs} run(s)")
    print(f"settings: server --workers {args.workers}; celery1 = 1 worker x --concurrency {args.workers}, "
          f"celery2 = 2 workers x --concurrency {max(1, args.workers // 2)}; store {args.store}; "
          f"broker {args.broker}")
    print(limits)
    seen_by = ("each student's event stream /api/events (when the graded event arrives)" if args.observe == "sse"
               else "GET /api/submissions/{id} every 0.2 s (as workbook submit)")
    print(f"latency: submit pressed to the grade seen by {seen_by}")
    print(f"(e) engine, --workers {args.workers}: {engine:.2f} item runs/s warm (no start-up); "
          f"`python -m autograder grade`: {engine_cli_rate:.2f} item runs/s ({_median(cli):.1f} s, start-up included)")
    print(f"(h) half rate: Poisson arrivals at {engine / 2:.2f} submissions/s")
    print(f"{'mode':<9} {'(s) items/s':>11} {'of engine':>9} {'p50 s':>6} {'p95 s':>6} | "
          f"{'(h) items/s':>11} {'p50 s':>6} {'p95 s':>6}  targets")
    passed = True
    for name, rows in results.items():
        s = Figures(*(_median([getattr(r[0], f) for r in rows]) for f in ("throughput", "p50", "p95")))
        h = Figures(*(_median([getattr(r[1], f) for r in rows]) for f in ("throughput", "p50", "p95")))
        share = s.throughput / engine
        ok_rate, ok_p95 = share >= THROUGHPUT_TARGET, h.p95 < P95_TARGET
        passed = passed and ok_rate and ok_p95
        print(f"{name:<9} {s.throughput:11.2f} {share:8.0%} {s.p50:6.2f} {s.p95:6.2f} | {h.throughput:11.2f} "
              f"{h.p50:6.2f} {h.p95:6.2f}  throughput {'PASS' if ok_rate else 'FAIL'}, p95 "
              f"{'PASS' if ok_p95 else 'FAIL'}")
    print(f"targets: (s) at least {THROUGHPUT_TARGET:.0%} of the engine's warm throughput; "
          f"(h) p95 submit-to-feedback under {P95_TARGET:.0f} s: {'all PASS' if passed else 'not all met'}")
    return passed


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=20)
    parser.add_argument("--submissions", type=int, default=20, help="one student's files for every item, each")
    parser.add_argument("--items", default=DEFAULT_ITEMS)
    parser.add_argument("--modes", default="local,celery1,celery2")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="grading slots in every mode")
    parser.add_argument("--store", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres", default="postgresql+asyncpg://postgres@127.0.0.1/workbook_bench",
                        help="with --store postgresql: a database of the benchmark's own, dropped and made anew")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/13",
                        help="a Redis database of the benchmark's own: it is emptied before each Celery mode")
    parser.add_argument("--observe", choices=("sse", "poll"), default="sse")
    parser.add_argument("--timeout", type=float, default=300.0, help="the longest a phase may take (s)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 4 students, 4 submissions of one item, "
                                                             "one run, the local mode only")
    args = parser.parse_args(argv)
    if args.quick:
        args.students, args.submissions, args.runs, args.modes = 4, 4, 1, "local"
        args.items = args.items if args.items != DEFAULT_ITEMS else "async01_why_async"
    unknown = [m for m in args.modes.split(",") if m not in MODES]
    if unknown or min(args.students, args.submissions, args.runs, args.workers) < 1:
        parser.error(f"unknown mode {unknown[0]!r} (known: {', '.join(MODES)})" if unknown
                     else "--students, --submissions, --runs and --workers must be at least 1")
    return args


def run(args: argparse.Namespace) -> bool:
    args.load = os.getloadavg()[0]
    course = manifest.load()
    items = [course.item(i) for i in args.items.split(",")]
    args.item_ids = [i.id for i in items]
    limits = check_limits(args, items)
    plans = ([f for files in files_for(args.submissions, args.students, items, "saturating") for f in files],
             [f for files in files_for(args.submissions, args.students, items, "half-rate") for f in files])
    results: dict[str, list[tuple[Figures, Figures]]] = {m: [] for m in args.modes.split(",")}
    warm, cli = [], []
    with tempfile.TemporaryDirectory(prefix="bench-service-") as tmp:
        paths = write_folders(Path(tmp) / "engine", files_for(args.submissions, args.students, items, "saturating"),
                              items)
        for run_number in range(args.runs):
            warm.append(engine_warm(paths, items, args.workers, Path(tmp)))
            cli.append(engine_cli(paths, items, args.workers, Path(tmp)))
            rate = len(paths) * len(items) / warm[-1]
            for name in results:
                folder = Path(tmp) / f"{name}-{run_number}"
                folder.mkdir()
                with service(MODES[name], args, folder) as (base, invite):
                    results[name].append(asyncio.run(run_mode(base, invite, args, plans, rate)))
    return report(args, results, warm, cli, args.runs, limits)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    try:
        run(args)
    except (BenchError, manifest.UnknownItem) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
