"""The Celery side: the one task ``workbook worker`` runs, and how the server sends it.

A job names a submission by its id and nothing else: the worker reads the file from
the shared database, grades it with :func:`autograder.service.jobs.grade`, and writes
the result there. The task is acknowledged late (after it ran) and rejected when its
worker is lost, so a worker killed mid-job leaves the message to be delivered again to
another; :func:`jobs.grade`'s conditional update writes the result once however often it
runs. One message at a time per worker slot (prefetch 1): a slow item does not hold back
jobs another worker could take.

Workers use the threads pool: each slot only waits on its engine worker process, which
is where the student's code runs, under the sandbox.
"""

from __future__ import annotations

import asyncio
import logging
import threading

import anyio
from celery import Celery

from autograder.service import jobs
from autograder.service.database import Database
from autograder.service.settings import Settings

TASK = "workbook.grade"
QUEUE = "workbook"
#: Seconds after which Redis hands an unacknowledged job (its worker died) to another worker.
VISIBILITY_TIMEOUT = 300

_local = threading.local()
log = logging.getLogger("workbook.service")


def make_app(broker: str | None, database: str, visibility_timeout: float = VISIBILITY_TIMEOUT) -> Celery:
    app = Celery("workbook", broker=broker, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=QUEUE,
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": visibility_timeout},
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        workbook_database=database,
    )

    @app.task(name=TASK)
    def grade(submission_id: int) -> bool:
        return _run(app.conf.workbook_database, submission_id)

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


def work(broker: str, database: str, concurrency: int, hostname: str | None = None,
         visibility_timeout: float = VISIBILITY_TIMEOUT) -> None:
    """Run a worker until stopped (``workbook worker``)."""
    app = make_app(broker, database, visibility_timeout)
    argv = ["worker", "--pool", "threads", "--concurrency", str(concurrency), "--queues", QUEUE,
            "--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    if hostname:
        argv += ["--hostname", hostname]
    app.worker_main(argv)


class CeleryQueue:
    """Sends each job to the Celery workers by name; a broker that does not answer leaves
    the submission queued in the database, where the sweeper finds it."""

    def __init__(self, settings: Settings) -> None:
        self.app = make_app(settings.broker_url, settings.database_url)

    async def send(self, submission_id: int) -> None:
        try:
            await anyio.to_thread.run_sync(self._send, submission_id)
        except Exception as exc:  # noqa: BLE001 - any broker failure: the sweeper sends it again
            log.warning("the broker did not take submission %s (%s); it stays queued", submission_id, exc)

    def _send(self, submission_id: int) -> None:
        send(self.app, submission_id)

    async def close(self) -> None:
        await anyio.to_thread.run_sync(self.app.close)
