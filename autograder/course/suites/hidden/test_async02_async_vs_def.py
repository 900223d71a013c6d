"""Hidden suite for async02_async_vs_def.

Catches: a wrong answer or status from ``/lookup`` (404 missing, detail wrong, the
record altered); ``/lookup`` written as a ``def`` route (the client then runs on another
event loop in a worker thread, and no more lookups can wait at once than the thread pool
has threads: 40); a wrong ``/report`` answer, default or bounds (2..100000); and the
CPU-bound ``/report`` written as ``async def``, which holds the event loop: ``/ping``
cannot answer while a report computes.

Evidence, not timing: the directory and ``count_primes`` are replaced by stand-ins that
record the event loop or thread they ran on, count how many are in flight, or wait at a
``Gate`` that the test opens only after ``/ping`` answered.
"""

import asyncio

import pytest

from autograder.kit import (
    ConcurrencyProbe,
    Gate,
    SleepRecorder,
    asgi_client,
    expect,
    expect_json,
    expect_status,
    on_event_loop,
    run,
)

MANY = 50  # more lookups at once than FastAPI's thread pool has threads (40)


def fake_user(user_id):
    return {"id": user_id, "name": f"stand-in {user_id}", "marker": "from-directory"}


@pytest.fixture
def lookups(student, monkeypatch):
    """Stand-in directory: answers fake users (None for 404), counts calls and the peak in flight."""
    probe = ConcurrencyProbe()
    get_user = probe.wrap("get_user", lambda user_id: None if user_id == 404 else fake_user(user_id))
    monkeypatch.setattr(student.directory, "get_user", get_user)
    return probe


@pytest.fixture
def primes(student):
    """Stand-in count_primes: records each n and whether it ran on an event loop's thread."""
    calls = []

    def count_primes(n):
        calls.append((n, on_event_loop()))
        return n * 10 + 7

    student.count_primes = count_primes
    return calls


async def report_while_gated(app, gate, params):
    """Start GET /report; once it reached the gate, ask GET /ping; only then open the gate."""
    async with asgi_client(app) as ac:
        report = asyncio.create_task(ac.get("/report", params=params))
        async with asyncio.timeout(10):
            while not gate.entered.is_set() and not report.done():
                await asyncio.sleep(0.001)
        reached = gate.entered.is_set()
        ping = await ac.get("/ping")
        report_pending = not report.done()
        gate.open()
        try:
            report_response = await report
        except Exception as exc:  # noqa: BLE001 - the student's route may raise anything
            pytest.fail(f"GET /report raised {type(exc).__name__}: {exc}", pytrace=False)
    return reached, ping, report_pending, report_response


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_lookup_answers_the_directory_record(lookups, client):
    """GET /lookup?user_id=N answers {"user": <what the directory returned>}"""
    expect_json(client.get("/lookup", params={"user_id": 7}), {"user": fake_user(7)},
                "the answer must be {\"user\": <exactly the record directory.get_user(7) returned>}")
    expect(lookups.calls["get_user"] == 1,
           f"one lookup called directory.get_user {lookups.calls['get_user']} times; call it once")
    expect_status(client.get("/lookup"), 422, "user_id is a required int: without it the answer must be 422")
    expect_status(client.get("/lookup", params={"user_id": "seven"}), 422,
                  "user_id must be an int: 'seven' must be refused with 422")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_lookup_of_unknown_user_is_404(lookups, client):
    """a user the directory does not know is 404 {"detail": "User N not found"}"""
    response = client.get("/lookup", params={"user_id": 404})
    expect_status(response, 404, "when directory.get_user returns None the answer must be 404 Not Found")
    expect_json(response, {"detail": "User 404 not found"}, "the detail must be 'User 404 not found'")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_real_directory_waits_without_blocking(student, monkeypatch, student_path):
    """with the given directory, /lookup answers users 1 to 3 (4 is 404) and waits with asyncio.sleep"""
    recorder = SleepRecorder(student_path).install(monkeypatch)

    async def ask(user_id):
        async with asgi_client(student.app) as ac:
            return await ac.get("/lookup", params={"user_id": user_id})

    expect_json(run(ask(2)), {"user": {"id": 2, "name": "Grace Hopper", "team": "compilers"}},
                "user 2 of the given directory is Grace Hopper of the compilers team")
    waits = [(call.kind, call.seconds) for call in recorder.calls]
    expect(waits == [("asyncio.sleep", 0.5)],
           f"one lookup made these sleeps: {waits}; the given client awaits asyncio.sleep(LOOKUP_DELAY) "
           "once (0.5 s); do not change it")
    expect(recorder.peak == 1, "the given client's asyncio.sleep was called but never awaited; do not change the "
                               "given UserDirectory")
    expect_json(run(ask(1)), {"user": {"id": 1, "name": "Ada Lovelace", "team": "analytics"}},
                "user 1 of the given directory is Ada Lovelace of the analytics team")
    expect_json(run(ask(3)), {"user": {"id": 3, "name": "Alan Turing", "team": "research"}},
                "user 3 of the given directory is Alan Turing of the research team")
    expect_status(run(ask(4)), 404, "the given directory has no user 4: 404 Not Found")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_lookup_awaits_on_the_apps_event_loop(student, monkeypatch):
    """the directory client is awaited on the event loop that serves the request"""
    seen = []

    async def get_user(user_id):
        seen.append(asyncio.get_running_loop())
        return fake_user(user_id)

    monkeypatch.setattr(student.directory, "get_user", get_user)

    async def ask():
        async with asgi_client(student.app) as ac:
            return asyncio.get_running_loop(), await ac.get("/lookup", params={"user_id": 1})

    loop, response = run(ask())
    expect_json(response, {"user": fake_user(1)})
    expect(seen, "GET /lookup never called directory.get_user(user_id); await it in the route")
    expect(seen == [loop], "directory.get_user ran on another event loop than the app's (a `def` route running "
                           "asyncio.run in a worker thread?); declare /lookup with `async def` and await the client")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_many_lookups_wait_at_once(student, lookups):
    """50 lookups sent together are all waiting on the directory at the same time"""

    async def many():
        async with asgi_client(student.app) as ac:
            return await asyncio.gather(*(ac.get("/lookup", params={"user_id": i}) for i in range(1, MANY + 1)))

    responses = run(many())
    for user_id, response in enumerate(responses, start=1):
        expect_json(response, {"user": fake_user(user_id)}, f"request {user_id} of {MANY} got another user's record")
    expect(lookups.peak == MANY,
           f"of {MANY} lookups sent together at most {lookups.peak} waited at once; an `async def` route awaiting "
           "the client lets them all wait together (a `def` route holds one of the 40 pool threads per wait)")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_report_counts_primes(student, client):
    """GET /report?n=31 answers {"n": 31, "prime_count": 11} with the given count_primes"""
    expect_json(client.get("/report", params={"n": 31}), {"n": 31, "prime_count": 11},
                "there are 11 primes up to 31: answer {\"n\": 31, \"prime_count\": count_primes(31)}")
    expect_json(client.get("/report", params={"n": 2}), {"n": 2, "prime_count": 1},
                "there is 1 prime up to 2 (2 itself)")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_report_default_and_bounds(primes, client):
    """n defaults to 10000 and must be between 2 and 100000 inclusive"""
    expect_json(client.get("/report"), {"n": 10_000, "prime_count": 100_007},
                "without n the report is for n=10000: {\"n\": 10000, \"prime_count\": count_primes(10000)}")
    expect_json(client.get("/report", params={"n": 100_000}), {"n": 100_000, "prime_count": 1_000_007},
                "n=100000 is the largest allowed value and must be answered")
    expect_status(client.get("/report", params={"n": 2}), 200, "n=2 is the smallest allowed value")
    expect_status(client.get("/report", params={"n": 1}), 422, "n must be at least 2: n=1 must be 422")
    expect_status(client.get("/report", params={"n": 100_001}), 422, "n must be at most 100000: n=100001 must be 422")
    expect_status(client.get("/report", params={"n": "many"}), 422, "n must be an int: 'many' must be 422")
    expect([n for n, _ in primes] == [10_000, 100_000, 2],
           f"count_primes was called with {[n for n, _ in primes]}; call it once per valid report, with n")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_report_computes_off_the_event_loop(primes, client):
    """count_primes runs in a worker thread, not on the event loop's thread"""
    expect_json(client.get("/report", params={"n": 50}), {"n": 50, "prime_count": 507})
    expect(primes == [(50, False)], "count_primes ran on the event loop's thread, so every other request waited "
                                    "for it; declare /report with plain `def` so FastAPI runs it in its thread pool")


@pytest.mark.task(4)
@pytest.mark.points(2)
def test_ping_answers_while_a_report_computes(student):
    """GET /ping answers while GET /report is still inside count_primes"""
    gate = Gate(timeout=2.0)
    student.count_primes = gate.guard(lambda n: n + 1)
    reached, ping, report_pending, report = run(report_while_gated(student.app, gate, {"n": 40}))
    expect(reached, f"GET /report answered {report.status_code} without calling count_primes(n)")
    expect_json(report, {"n": 40, "prime_count": 41}, "the report must carry count_primes(40)")
    expect(not gate.timed_out and report_pending,
           "GET /ping could not be answered while a report was computing: a CPU-bound `async def` route holds "
           "the event loop; declare /report with plain `def`")
    expect_json(ping, {"status": "ok"})
