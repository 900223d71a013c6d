"""Background jobs with a status page and retries.

Processing an uploaded file takes a while and sometimes fails for passing reasons (a
storage service times out). The client starts the job, gets its id at once, and asks
for its status later; the app retries a failing step a limited number of times.

``process_file`` (given) is the slow step: it returns a result dict, or raises when it
fails. Jobs live in ``JOBS`` (job id -> job dict).

Task 1. ``POST /files/{file_id}/process`` creates a job and answers ``202 Accepted``
        with ``{"job_id": <new id>, "status": "pending"}`` and a ``Location`` header
        ``/jobs/<job_id>``. Every job gets a new id (``uuid.uuid4().hex``). The job is
        then run in the background (``BackgroundTasks``) by ``run_job``.
Task 2. ``GET /jobs/{job_id}`` answers the job: ``{"job_id", "file_id", "status",
        "attempts", "result", "error"}`` (``attempts`` 0, ``result`` and ``error``
        ``None`` until they are known). An unknown id is ``404`` with
        ``{"detail": "Job not found"}``.
Task 3. ``run_job`` marks the job ``"running"`` while ``process_file(file_id)`` is in
        progress, counts each call in ``attempts``, and on success sets ``"succeeded"``,
        ``result`` to what ``process_file`` returned and ``error`` back to ``None``.
Task 4. A failing call is retried: at most ``MAX_ATTEMPTS`` (3) calls in all, waiting
        ``RETRY_DELAY`` seconds (``await asyncio.sleep``) between two calls and never
        after the last one. When the last call fails too, the job is ``"failed"`` with
        ``error`` set to ``str(exc)`` of the last exception. A failure never escapes
        ``run_job``.
"""

import asyncio
import uuid

from fastapi import BackgroundTasks, FastAPI, HTTPException, Response, status

MAX_ATTEMPTS = 3  # calls of process_file in all: the first try and two retries
RETRY_DELAY = 1.0  # seconds to wait between two calls; the checks make it tiny
PROCESS_DELAY = 2.0  # seconds the given process_file takes

JOBS: dict[str, dict] = {}  # job id -> {"job_id", "file_id", "status", "attempts", "result", "error"}


async def process_file(file_id: str) -> dict:
    """Given: the slow step (it may raise, for instance ``TimeoutError``)."""
    await asyncio.sleep(PROCESS_DELAY)
    return {"file_id": file_id, "pages": 12}


app = FastAPI()


# BEGIN SOLUTION
async def run_job(job_id: str) -> None:
    job = JOBS[job_id]
    job["status"] = "running"
    for attempt in range(1, MAX_ATTEMPTS + 1):
        job["attempts"] = attempt
        try:
            job["result"] = await process_file(job["file_id"])
        except Exception as exc:  # noqa: BLE001 - any failure of the step is retried
            job["error"] = str(exc)
            if attempt < MAX_ATTEMPTS:
                await asyncio.sleep(RETRY_DELAY)
        else:
            job["status"], job["error"] = "succeeded", None
            return
    job["status"] = "failed"


@app.post("/files/{file_id}/process", status_code=status.HTTP_202_ACCEPTED)
async def start_processing(file_id: str, background_tasks: BackgroundTasks, response: Response) -> dict:
    job_id = uuid.uuid4().hex
    JOBS[job_id] = {"job_id": job_id, "file_id": file_id, "status": "pending", "attempts": 0,
                    "result": None, "error": None}
    background_tasks.add_task(run_job, job_id)
    response.headers["Location"] = f"/jobs/{job_id}"
    return {"job_id": job_id, "status": "pending"}


@app.get("/jobs/{job_id}")
async def job_status(job_id: str) -> dict:
    job = JOBS.get(job_id)
    if job is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Job not found")
    return job
# END SOLUTION
# STUB: async def run_job(job_id: str) -> None:
# STUB:     # TODO (tasks 3-4): run process_file with status updates and at most MAX_ATTEMPTS calls.
# STUB:     raise NotImplementedError("run_job() is not written yet")
# STUB:
# STUB:
# STUB: @app.post("/files/{file_id}/process")
# STUB: async def start_processing(file_id: str, background_tasks: BackgroundTasks, response: Response) -> dict:
# STUB:     # TODO (task 1): record a pending job, schedule run_job, answer 202 with a Location header.
# STUB:     raise NotImplementedError("start_processing() is not written yet")
# STUB:
# STUB:
# STUB: @app.get("/jobs/{job_id}")
# STUB: async def job_status(job_id: str) -> dict:
# STUB:     # TODO (task 2): answer the job, or 404 {"detail": "Job not found"}.
# STUB:     raise NotImplementedError("job_status() is not written yet")
