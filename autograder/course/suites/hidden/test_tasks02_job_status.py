"""Hidden suite for tasks02_job_status.

Catches: 200 instead of 202, no job id or ``Location`` header, ids reused, a status that
is lost or never updated (no ``"running"`` while the step runs, no ``"succeeded"`` or
``"failed"`` at the end, ``attempts``, ``result`` or ``error`` wrong), the job run inside
the request instead of in the background, unknown jobs not 404, retries beyond 3 calls
(or none at all), an error message from the wrong attempt, a failure escaping the task,
and waits between retries that block (``time.sleep``), are missing, or come after the
last call too.

``TestClient`` (and ``httpx.ASGITransport``) return only once the background tasks are
done, so the check of the ``"running"`` state calls the ASGI app directly: it reads the
response the moment the app sends it, while a stand-in ``process_file`` holds the job
in progress until the test lets it go. Nothing sleeps; waits between retries are
recorded, not waited.
"""

import asyncio
import json

import pytest
from fastapi.testclient import TestClient

from autograder.kit import SleepRecorder, asgi_client, expect, expect_json, expect_status, run

FILE = "report.pdf"


class Step:
    """A stand-in for process_file: fails the first ``failures`` calls, then succeeds."""

    def __init__(self, failures=0):
        self.failures = failures
        self.calls = []

    async def __call__(self, file_id):
        self.calls.append(file_id)
        number = len(self.calls)
        if number <= self.failures:
            raise TimeoutError(f"storage timed out (call {number})")
        return {"file_id": file_id, "pages": 7, "call": number}


class AsgiCall:
    """One request sent straight to the app: the response is seen as soon as it is sent."""

    def __init__(self, app, method, path):
        self.app = app
        self.scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
            "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
            "headers": [(b"host", b"testserver"), (b"content-length", b"0")],
            "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
        }
        self.status = None
        self.headers = {}
        self.body = b""
        self.responded = asyncio.Event()
        self.task = None

    async def _receive(self):
        if not hasattr(self, "_sent_request"):
            self._sent_request = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self.responded.wait()
        return {"type": "http.disconnect"}

    async def _send(self, message):
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = {k.decode().lower(): v.decode() for k, v in message.get("headers", [])}
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")
            if not message.get("more_body", False):
                self.responded.set()

    def start(self):
        self.task = asyncio.ensure_future(self.app(self.scope, self._receive, self._send))

    async def finish(self):
        """Wait for the app (and its background tasks); an exception from it is returned, not raised."""
        try:
            await self.task
        except Exception as exc:  # noqa: BLE001
            return exc
        return None

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None


async def first_done(*awaitables):
    """Which of the awaitables are done once the first one is; waiters made here are cancelled, given tasks kept."""
    tasks = [asyncio.ensure_future(a) for a in awaitables]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    for task, given in zip(tasks, awaitables):
        if task in pending and task is not given:
            task.cancel()
    return [task in done for task in tasks]


def start_job(client, file_id=FILE):
    try:
        response = client.post(f"/files/{file_id}/process")
    except Exception as exc:  # noqa: BLE001 - an exception escaping run_job lands here
        pytest.fail(f"POST /files/{file_id}/process raised {type(exc).__name__}: {exc}; the route must answer 202 "
                    "and run_job must catch every failure of process_file", pytrace=False)
    expect(response.status_code in (200, 202), f"POST /files/{file_id}/process answered {response.status_code} "
                                               f"({response.text[:80]}); expected 202 with the job id")
    body = expect_json(response)
    job_id = body.get("job_id") if isinstance(body, dict) else None
    expect(isinstance(job_id, str) and job_id, f"POST /files/{file_id}/process answered {body!r}; expected a "
                                               "non-empty string job_id")
    return job_id


def job(client, job_id):
    response = client.get(f"/jobs/{job_id}")
    expect_status(response, 200, "a job that was started must be found")
    return expect_json(response)


@pytest.fixture
def step(student):
    student.RETRY_DELAY = 0
    student.PROCESS_DELAY = 0
    stand_in = Step()
    student.process_file = stand_in
    return stand_in


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_start_answers_202_with_job_id_and_location(step, client):
    """POST /files/{id}/process answers 202, {"job_id": ..., "status": "pending"} and Location /jobs/<id>"""
    response = client.post(f"/files/{FILE}/process")
    expect_status(response, 202, "work that is started but not done is answered 202 Accepted")
    body = expect_json(response)
    job_id = body.get("job_id") if isinstance(body, dict) else None
    expect(isinstance(job_id, str) and job_id and body == {"job_id": job_id, "status": "pending"},
           f"POST /files/{FILE}/process answered {body!r}; "
           "expected {\"job_id\": <a new id>, \"status\": \"pending\"}")
    location = response.headers.get("location")
    expect(location == f"/jobs/{job_id}", f"the Location header was {location!r}; expected '/jobs/{job_id}', "
                                          "where the client can follow the job")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_each_job_gets_its_own_id(step, client):
    """two jobs get different ids, and each keeps its own file"""
    first, second = start_job(client, "a.csv"), start_job(client, "b.csv")
    expect(first != second, f"two jobs were both given the id {first!r}; make a new id for every job")
    files = (job(client, first).get("file_id"), job(client, second).get("file_id"))
    expect(files == ("a.csv", "b.csv"), f"the two jobs report the files {files}; expected ('a.csv', 'b.csv')")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_unknown_job_is_404(step, student, client):
    """GET /jobs/<unknown id> is 404 {"detail": "Job not found"}; a job not run yet reads pending, 0 attempts"""
    job(client, start_job(client))

    async def not_run_yet(job_id):  # what GET /jobs/<id> shows before run_job starts
        return None

    student.run_job = not_run_yet
    job_id = start_job(client)
    expected = {"job_id": job_id, "file_id": FILE, "status": "pending", "attempts": 0, "result": None, "error": None}
    expect_json(client.get(f"/jobs/{job_id}"), expected,
                f"before run_job starts, the job must read {expected!r} (attempts 0, result and error None "
                "until they are known)")
    response = client.get("/jobs/no-such-job")
    expect_status(response, 404, "an unknown job must be 404 Not Found")
    expect_json(response, {"detail": "Job not found"})


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_finished_job_reports_everything(step, client):
    """a job that succeeded at once reports its id, file, status, one attempt, result and no error"""
    job_id = start_job(client)
    expected = {"job_id": job_id, "file_id": FILE, "status": "succeeded", "attempts": 1,
                "result": {"file_id": FILE, "pages": 7, "call": 1}, "error": None}
    expect_json(client.get(f"/jobs/{job_id}"), expected, f"expected {expected!r}")
    expect(step.calls == [FILE], f"process_file was called {len(step.calls)} times for one job that succeeded "
                                 "at once; expected exactly 1 call with the file id")


@pytest.mark.task(3)
@pytest.mark.points(2)
def test_job_runs_in_background_and_shows_running(student):
    """the 202 comes before processing starts; while process_file runs the job is running, then succeeded"""
    student.RETRY_DELAY = 0

    async def scenario():
        entered, gate = asyncio.Event(), asyncio.Event()
        calls = []

        async def held_step(file_id):
            calls.append(file_id)
            entered.set()
            await gate.wait()
            return {"file_id": file_id, "pages": 3}

        student.process_file = held_step
        call = AsgiCall(student.app, "POST", f"/files/{FILE}/process")
        call.start()
        responded_first, _ = await first_done(call.responded.wait(), entered.wait())
        if not responded_first:
            gate.set()
            await call.finish()
            pytest.fail("process_file started before the response was sent: the route must not run (or await) the "
                        "job itself; schedule run_job with background_tasks.add_task", pytrace=False)
        expect(call.status == 202, f"POST /files/{FILE}/process answered {call.status}; expected 202")
        body = call.json() or {}
        job_id = body.get("job_id")
        expect(body.get("status") == "pending", f"the POST answered {body!r}; the new job must be 'pending'")
        started, _ = await first_done(entered.wait(), call.task)
        if not started:
            error = await call.finish()
            pytest.fail("process_file was never called" + (f" (run_job raised {error!r})" if error else "")
                        + "; schedule run_job and let it call process_file(file_id)", pytrace=False)
        async with asgi_client(student.app) as ac:
            during = (await ac.get(f"/jobs/{job_id}")).json()
            gate.set()
            error = await call.finish()
            after = (await ac.get(f"/jobs/{job_id}")).json()
        return during, after, error, calls

    during, after, error, calls = run(scenario())
    expect(error is None, f"the request (or run_job) raised {error!r}")
    expect(isinstance(during, dict) and during.get("status") == "running" and during.get("attempts") == 1,
           f"while process_file ran, GET /jobs/<id> answered {during!r}; expected status 'running' and attempts 1")
    expect(isinstance(after, dict) and after.get("status") == "succeeded"
           and after.get("result") == {"file_id": FILE, "pages": 3},
           f"after process_file returned, GET /jobs/<id> answered {after!r}; expected status 'succeeded' and its "
           "result")
    expect(calls == [FILE], f"process_file was called with {calls!r}; expected one call with {FILE!r}")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_retries_until_success(step, client):
    """a step that fails twice and then works: 3 calls, succeeded, the third result, no error left"""
    step.failures = 2
    job_id = start_job(client)
    expected = {"job_id": job_id, "file_id": FILE, "status": "succeeded", "attempts": 3,
                "result": {"file_id": FILE, "pages": 7, "call": 3}, "error": None}
    expect(len(step.calls) == 3, f"process_file was called {len(step.calls)} times for a step that fails twice "
                                 "and then works; expected 3 calls (retry after each failure, stop on success)")
    expect_json(client.get(f"/jobs/{job_id}"), expected, f"expected {expected!r}")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_gives_up_after_three_attempts(step, client):
    """a step that always fails is called exactly 3 times; the job is failed with the last error"""
    step.failures = 100
    job_id = start_job(client)
    expect(len(step.calls) == 3, f"process_file was called {len(step.calls)} times for a step that always fails; "
                                 "expected exactly 3 calls (MAX_ATTEMPTS) in all")
    expected = {"job_id": job_id, "file_id": FILE, "status": "failed", "attempts": 3, "result": None,
                "error": "storage timed out (call 3)"}
    expect_json(client.get(f"/jobs/{job_id}"), expected,
                f"expected {expected!r} (error is str() of the last exception)")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_waits_between_attempts_without_blocking(load_student, student_path, monkeypatch):
    """between two calls run_job awaits asyncio.sleep(RETRY_DELAY): 2 waits for 3 failed calls, none on success"""
    recorder = SleepRecorder(student_path).install(monkeypatch)
    module = load_student()
    module.RETRY_DELAY = 0.25
    module.process_file = step = Step(failures=100)
    with TestClient(module.app) as client:
        start_job(client)
        expect(len(step.calls) == 3, f"process_file was called {len(step.calls)} times; expected 3")
        blocking = recorder.of("time.sleep")
        expect(not blocking, "run_job waits with time.sleep, which blocks the event loop (and every other "
                             "request); await asyncio.sleep(RETRY_DELAY) instead")
        waits = [call.seconds for call in recorder.of("asyncio.sleep")]
        expect(waits == [0.25, 0.25], f"for 3 failed calls run_job waited {waits} seconds; expected "
                                      "[RETRY_DELAY, RETRY_DELAY] (between calls, not after the last one)")
        expect(recorder.peak >= 1, "run_job called asyncio.sleep(RETRY_DELAY) without awaiting it: the call only "
                                   "makes a coroutine and nothing waits; write await asyncio.sleep(RETRY_DELAY)")
        module.process_file = Step()
        recorder.calls.clear()
        start_job(client)
        expect(not recorder.calls, f"a job that succeeded at once still waited {len(recorder.calls)} times")
