"""Grading on Celery workers, with the faults a deployment meets: a worker killed
mid-job, the broker restarted with its queues lost, the store's connections cut.

Every test starts a ``redis-server`` of its own on a free port (tests/support/brokers.py),
never the machine's shared one at 6379, since it kills and restarts it; the workers are
``python -m autograder worker`` processes. The evidence is the store's: each row's
``status``, ``writes`` and ``score``, and the workers' logs of the jobs they started.
"""

from __future__ import annotations

import pytest

from autograder.service import tasks
from autograder.service.settings import Settings
from tests.support.brokers import RedisServer, Server, Worker, poll
from tests.support.grading_jobs import cut_connections, drop_postgres, fresh_postgres, read_rows
from tests.support.service import ITEM, SECRET, Service, bearer, open_service, settings_for, solution, start, stub

#: A solution that sleeps in its first import (one per graded run: the mark is a file in
#: the job's folder), so a worker that logged its start is still grading it when killed.
SLEEPY = (b"import pathlib, time\n"
          b"if not pathlib.Path('slept').exists():\n    pathlib.Path('slept').touch()\n    time.sleep(3)\n")


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.kill()


@pytest.fixture
def postgres():
    """``postgres(name)``: the URL of a fresh database of that name, dropped after the test."""
    made: list[str] = []

    def fresh(name: str) -> str:
        url = fresh_postgres(name)
        made.append(name)
        return url

    yield fresh
    for name in made:
        drop_postgres(name)


@pytest.fixture
def workers():
    started: list[Worker] = []
    yield started
    for worker in started:
        worker.kill()


def taken(workers: list[Worker], submission: int) -> Worker:
    """The worker that logged the start of ``submission``'s job."""
    return poll(lambda: next((w for w in workers if (submission, False) in w.grading()), None), 60,
                f"a worker starting submission {submission}")


def test_the_visibility_timeout_comes_from_the_environment(monkeypatch):
    monkeypatch.delenv(tasks.VISIBILITY_ENV, raising=False)
    assert tasks.visibility_timeout() == tasks.VISIBILITY_TIMEOUT == 300
    assert tasks.transport_options(300)["unacked_restore_interval"] == 10
    monkeypatch.setenv(tasks.VISIBILITY_ENV, "2")
    assert tasks.visibility_timeout() == 2 and tasks.transport_options(2)["unacked_restore_interval"] == 0.5
    monkeypatch.setenv(tasks.VISIBILITY_ENV, "soon")
    with pytest.raises(ValueError, match="must be a number of seconds"):
        tasks.visibility_timeout()


def test_on_one_sqlite_file_a_killed_workers_job_comes_back_from_redis(tmp_path, redis, workers):
    """Server and workers share one SQLite file (WAL). The sweeper's bound is far off, so
    what brings the killed worker's job back is Redis: unacknowledged past the visibility
    timeout, it is delivered again, to the worker still alive."""
    settings = settings_for(tmp_path, broker_url=redis.url, requeue_after=600)
    env = {tasks.VISIBILITY_ENV: "2"}
    workers += [Worker(name, redis.url, settings.database_url, tmp_path, env) for name in ("a", "b")]
    client, invites = start(settings)
    with client:
        service = open_service(client, invites)
        ada = service.student("Ada Lovelace")
        poll(lambda: all(w.ready() for w in workers), 60, "both workers ready")
        sleepy = service.submit(ada, SLEEPY + solution()).json()["id"]
        killed = taken(workers, sleepy)
        killed.kill()
        assert read_rows(settings.database_url)[sleepy].writes == 0  # it died mid-job
        alive = next(w for w in workers if w is not killed)
        assert service.wait(ada, sleepy, 90)["result"]["score"] == 10
        assert (sleepy, True) in alive.grading()  # redelivered by Redis
        wrong = service.wait(ada, service.submit(ada, stub()).json()["id"], 90)
        assert wrong["result"]["score"] == 0
    found = read_rows(settings.database_url)
    assert [(r.status, r.writes, r.dispatches) for r in found.values()] == [("graded", 1, 1)] * 2


#: (student, item, content, score): the first sleeps, so it is the job the kill interrupts.
PLAN = [("ada", ITEM, SLEEPY + solution(), 10)] + [
    (student, item, content, points)
    for student in ("ada", "bo", "cy", "di")
    for item, content, points in {
        "ada": [("async02_async_vs_def", stub("async02_async_vs_def"), 0),
                ("async03_mixed_sync_async", solution("async03_mixed_sync_async"), 10)],
        "bo": [(ITEM, stub(), 0), ("async02_async_vs_def", solution("async02_async_vs_def"), 10),
               ("async03_mixed_sync_async", stub("async03_mixed_sync_async"), 0)],
        "cy": [(ITEM, stub(), 0), (ITEM, solution(), 10), ("async02_async_vs_def", stub("async02_async_vs_def"), 0)],
        "di": [(ITEM, solution(), 10), ("async02_async_vs_def", solution("async02_async_vs_def"), 10),
               ("async03_mixed_sync_async", stub("async03_mixed_sync_async"), 0)],
    }[student]
]


@pytest.mark.postgres
def test_every_submission_is_graded_once_through_a_killed_worker_a_broker_restart_and_cut_connections(
        tmp_path, redis, workers, postgres, capsys):
    """PostgreSQL store, two workers, 12 submissions from 4 students. SIGKILL the worker
    grading the first job (and its engine); send 10 more, then, while they wait in Redis,
    kill -9 the private Redis (no persistence: every waiting and unacknowledged job is
    gone), submit the 12th while it is down (stored, accepted, its job not sent), start
    Redis again, then end every connection to the store. The sweeper
    (bound 5 s) sends the lost jobs again; the surviving worker reconnects and grades them.
    The workers keep Redis's default visibility timeout (300 s): the sweeper alone recovers."""
    url = postgres("workbook_svc_tasks")
    settings = Settings(database_url=url, secret=SECRET, broker_url=redis.url, requeue_after=5, sweep_every=0.5)
    workers += [Worker(name, redis.url, url, tmp_path) for name in ("a", "b")]
    client, invites = start(settings)
    with client:
        service = open_service(client, invites)
        students = {name: service.student(name) for name in ("ada", "bo", "cy", "di")}
        poll(lambda: all(w.ready() for w in workers), 60, "both workers ready")
        sent = [service.submit(students[who], content, item).json()["id"] for who, item, content, _ in PLAN[:1]]
        killed = taken(workers, sent[0])
        killed.kill()
        assert read_rows(url)[sent[0]].writes == 0  # it died mid-job
        sent += [service.submit(students[who], content, item).json()["id"] for who, item, content, _ in PLAN[1:-1]]
        waiting = redis.waiting(tasks.QUEUE)
        redis.kill()
        who, item, content, _ = PLAN[-1]
        during = service.submit(students[who], content, item)  # stored; its job could not be sent
        assert during.status_code == 202, during.text
        sent.append(during.json()["id"])
        redis.start()
        assert waiting > 0 and redis.waiting(tasks.QUEUE) == 0  # the restart lost the waiting jobs
        cut = cut_connections(url)
        alive = next(w for w in workers if w is not killed)
        poll(lambda: all(r.status == "graded" for r in read_rows(url).values()), 100, "every submission graded")
        poll(lambda: redis.waiting(tasks.QUEUE) == 0 and not alive.busy(), 60, "the last copies run")
        found = read_rows(url)
    assert [found[i].writes for i in sent] == [1] * len(PLAN)
    assert [(found[i].item, found[i].score) for i in sent] == [(item, score) for _, item, _, score in PLAN]
    with capsys.disabled():
        print(f"\nfaults: {waiting} jobs waiting at the broker's restart, {cut} connections cut; "
              f"{sum(r.dispatches - 1 for r in found.values())} sweeper requeues, "
              f"{len(alive.grading())} jobs started by the surviving worker for {len(PLAN)} submissions")


@pytest.mark.postgres
def test_the_server_and_worker_commands_on_postgresql_and_redis_and_the_server_killed(
        tmp_path, redis, workers, postgres):
    """``workbook server --database postgresql+asyncpg://... --broker redis://...`` and one
    ``workbook worker`` with the same URLs grade a student's file. Then the server is
    killed (SIGKILL) just after it accepted a slow file: the worker grades it all the same,
    and the server started again shows the result."""
    import httpx

    url = postgres("workbook_svc_commands")
    server = Server(tmp_path, "--database", url, "--broker", redis.url).start()
    try:
        token = server.sign_up_token()
        workers.append(Worker("w", redis.url, url, tmp_path))
        with httpx.Client(base_url=server.url, timeout=30) as client:
            poll(lambda: _answers(client), 60, "the server answering")
            service = Service(client)  # type: ignore[arg-type]  # the same calls as TestClient's
            service.instructor = bearer(service.sign_up(token)["access_token"])
            ada = service.student("Ada Lovelace")
            assert service.wait(ada, service.submit(ada, solution()).json()["id"], 90)["result"]["score"] == 10
            slow = service.submit(ada, SLEEPY + solution()).json()["id"]
            server.kill()
            poll(lambda: read_rows(url)[slow].status == "graded", 90, "the slow file graded without the server")
            server.start()
            poll(lambda: _answers(client), 60, "the server answering again")
            assert service.wait(ada, slow, 10)["result"]["score"] == 10
        assert [(r.status, r.writes, r.dispatches) for r in read_rows(url).values()] == [("graded", 1, 1)] * 2
    finally:
        server.stop()


def _answers(client) -> bool:
    import httpx

    try:
        return client.get("/api/me").status_code == 401
    except httpx.TransportError:
        return False
