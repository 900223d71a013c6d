"""The Celery side: the one task ``workbook worker`` runs, and how the server sends it.

A job names a submission by its id and nothing else: the worker reads the file from
the shared database, grades it with :func:`autograder.service.jobs.grade`, and writes
the result there. The database is the source of truth; Redis only carries reminders, and
a reminder lost, doubled or late costs time, never a grade: :func:`jobs.grade`'s
conditional update writes a submission's result once however often its job runs, and the
server's :class:`jobs.Sweeper` sends again every submission still queued
``Settings.requeue_after`` (120 s) after it was sent.

The task is acknowledged late (after it ran), so a worker that dies mid-job leaves its
message unacknowledged in Redis, which hands it to another worker once it has been out
``VISIBILITY_TIMEOUT`` seconds (300; ``WORKBOOK_VISIBILITY_TIMEOUT`` overrides it, tests
use 2). It must exceed the longest grading (an item is killed at 120 s), or Redis hands a
job still running to a second worker: harmless, but twice the work. One message at a time
per worker slot (prefetch 1): a slow item does not hold back jobs another worker could take.
Workers use the threads pool: each slot only waits on its engine worker process, which
is where the student's code runs, under the sandbox. (``task_reject_on_worker_lost``
concerns prefork children; with threads a lost worker is the whole process, and the
visibility timeout is what brings its job back.)

What happens to a submission when a component dies (tests/service/test_tasks.py
shows each; the figures are theirs):

- **The server** (SIGKILL): a submission is stored before its job is sent, so an
  accepted file is in the database. Jobs already in Redis are graded by the workers
  without it; started again, it shows their results. A row stored but whose job was never
  sent (a crash between the two) is sent by the sweeper at start-up or on its first
  sweep past the bound.
- **A worker, mid-job** (SIGKILL to it and its engine): that grading is lost; the job
  comes back from Redis after the visibility timeout (another worker logs it as
  ``redelivered``) or from the sweeper after ``requeue_after``, whichever is first, and
  is graded once; the later copy finds the row graded and does nothing.
- **Redis** (kill -9, restarted without persistence): every waiting and unacknowledged
  job is gone; the rows stay ``queued``. While it is down the server still accepts
  submissions (its send fails, is logged, the row waits). Workers reconnect by
  themselves, and a job running through the outage still writes its result. The
  sweeper sends every row queued past the bound again: all are graded, each once.
- **PostgreSQL**: the API answers 503 with ``Retry-After`` and jobs fail (the message is acknowledged, the row
  stays ``queued``) while it is unreachable; the sweeper logs each failed sweep and
  tries again every ``sweep_every``. Once it is back, connections are checked before use
  (``pool_pre_ping``), so the pools recover, and the sweeper sends what is still queued.
  The tests cut every connection to the store mid-run (``pg_terminate_backend``, not a
  server restart, which other tests would feel): nothing failed, every row graded once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading

import anyio
from celery import Celery
from celery.utils.log import get_task_logger

from autograder.service import jobs
from autograder.service.database import Database
from autograder.service.settings import Settings

TASK = "workbook.grade"
QUEUE = "workbook"
#: Seconds after which Redis hands an unacknowledged job (its worker died) to another worker.
#: Longer than any grading (an item is killed at 120 s), or a slow job would be run twice.
VISIBILITY_TIMEOUT = 300.0
#: Overrides VISIBILITY_TIMEOUT (seconds): tests shorten it to see a redelivery.
VISIBILITY_ENV = "WORKBOOK_VISIBILITY_TIMEOUT"

_local = threading.local()
log = logging.getLogger("workbook.service")
task_log = get_task_logger("workbook.grade")


def visibility_timeout() -> float:
    """The visibility timeout this process uses: VISIBILITY_TIMEOUT unless the environment says."""
    value = os.environ.get(VISIBILITY_ENV)
    try:
        seconds = float(value) if value else VISIBILITY_TIMEOUT
    except ValueError:
        raise ValueError(f"{VISIBILITY_ENV} must be a number of seconds, not {value!r}") from None
    if seconds <= 0:
        raise ValueError(f"{VISIBILITY_ENV} must be positive, not {value!r}")
    return seconds


def transport_options(visibility: float) -> dict:
    """Redis's options: an unacknowledged job is visible again ``visibility`` seconds after it
    was taken, and each worker looks for such jobs every tenth of that (at most every 10 s;
    kombu's own default scans only every 100 s, which would add minutes to a redelivery)."""
    return {"visibility_timeout": visibility, "unacked_restore_interval": min(10.0, max(0.5, visibility / 10)),
            "unacked_restore_throttle": 1}


def make_app(broker: str | None, database: str, visibility: float | None = None) -> Celery:
    app = Celery("workbook", broker=broker, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=QUEUE,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        broker_transport_options=transport_options(visibility or visibility_timeout()),
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        # A job running when the broker connection drops goes on, and writes its result to the
        # store; only its acknowledgement is lost (a redelivered copy then finds it graded).
        worker_cancel_long_running_tasks_on_connection_loss=False,
        workbook_database=database,
    )

    @app.task(name=TASK, bind=True)
    def grade(task, submission_id: int) -> bool:
        again = " (redelivered)" if (task.request.delivery_info or {}).get("redelivered") else ""
        task_log.info("grading submission %s%s", submission_id, again)
        wrote = _run(app.conf.workbook_database, submission_id)
        task_log.info("submission %s: %s", submission_id, "graded" if wrote else "nothing to do")
        return wrote

    return app


def send(app: Celery, submission_id: int) -> None:
    """Queue one job; raise at once when the broker does not answer (the sweeper retries)."""
    app.send_task(TASK, args=[submission_id], queue=QUEUE, retry=False)


def _run(database: str, submission_id: int) -> bool:
    """One job on this worker thread: its own event loop and database engine, kept."""
    state = getattr(_local, "state", None)
    if state is None or state[1].url != database:
        runner = asyncio.Runner()
        settings = Settings(database_url=database, secret="", workers=1)
        state = _local.state = (runner, Database(database), settings)
    runner, db, settings = state
    return runner.run(jobs.grade(db, settings, submission_id))


def work(broker: str, database: str, concurrency: int, hostname: str | None = None) -> None:
    """Run a worker until stopped (``workbook worker``)."""
    app = make_app(broker, database)
    argv = ["worker", "--pool", "threads", "--concurrency", str(concurrency), "--queues", QUEUE,
            "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    if hostname:
        argv += ["--hostname", hostname]
    app.worker_main(argv)


class CeleryQueue:
    """Sends each job to the Celery workers by name; a broker that does not answer leaves
    the submission queued in the database, where the sweeper finds it."""

    def __init__(self, settings: Settings) -> None:
        # Only consumers put unacknowledged jobs back: the server's timeout is never used.
        self.app = make_app(settings.broker_url, settings.database_url, VISIBILITY_TIMEOUT)

    async def send(self, submission_id: int) -> None:
        try:
            await anyio.to_thread.run_sync(self._send, submission_id)
        except Exception as exc:  # noqa: BLE001 - any broker failure: the sweeper sends it again
            log.warning("the broker did not take submission %s (%s); it stays queued", submission_id, exc)

    def _send(self, submission_id: int) -> None:
        send(self.app, submission_id)

    async def close(self) -> None:
        await anyio.to_thread.run_sync(self.app.close)
