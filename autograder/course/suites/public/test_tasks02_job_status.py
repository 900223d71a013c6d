"""Public checks for tasks02_job_status: starting a job, 404 for unknown jobs, retries."""

import pytest

from autograder.kit import expect, expect_json, expect_status, run


class Step:
    """A stand-in for process_file that fails the first ``failures`` calls."""

    def __init__(self, failures=0):
        self.failures, self.calls = failures, 0

    async def __call__(self, file_id):
        self.calls += 1
        if self.calls <= self.failures:
            raise TimeoutError(f"storage timed out (call {self.calls})")
        return {"file_id": file_id, "pages": 7}


@pytest.fixture
def step(student):
    student.RETRY_DELAY = 0
    student.process_file = stand_in = Step()
    return stand_in


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_start_answers_202_with_location(student, step, client):
    """POST /files/report.pdf/process answers 202 {"job_id", "status": "pending"} and Location /jobs/<id>"""
    scheduled = []

    async def run_job(job_id):  # a stand-in: this check is about the answer, not the job
        scheduled.append(job_id)

    student.run_job = run_job
    response = client.post("/files/report.pdf/process")
    expect_status(response, 202)
    body = expect_json(response)
    expect(body.get("status") == "pending" and body.get("job_id"), f"answered {body!r}")
    expect(response.headers.get("location") == f"/jobs/{body['job_id']}",
           f"Location was {response.headers.get('location')!r}")
    expect(scheduled == [body["job_id"]], f"run_job was scheduled with {scheduled!r}; schedule it once, "
                                          "with the new job id, as a background task")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_unknown_job_is_404(step, client):
    """GET /jobs/nope is 404 {"detail": "Job not found"}"""
    response = client.get("/jobs/nope")
    expect_status(response, 404)
    expect_json(response, {"detail": "Job not found"})


def new_job(student, file_id="report.pdf"):
    job = {"job_id": "job-1", "file_id": file_id, "status": "pending", "attempts": 0, "result": None, "error": None}
    student.JOBS["job-1"] = job
    return job


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_run_job_marks_running_then_succeeded(student):
    """run_job marks the job running during process_file, then succeeded with its result"""
    job = new_job(student)
    seen = []

    async def process_file(file_id):
        seen.append((file_id, job["status"], job["attempts"]))
        return {"file_id": file_id, "pages": 7}

    student.process_file = process_file
    run(student.run_job("job-1"))
    expect(seen == [("report.pdf", "running", 1)],
           f"process_file saw (file_id, status, attempts) = {seen}; expected one call while the job is "
           "\"running\" with attempts 1")
    expect(job["status"] == "succeeded" and job["result"] == {"file_id": "report.pdf", "pages": 7}
           and job["error"] is None, f"after a successful call the job reads {job!r}")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_failing_step_is_retried(student, step):
    """a step that fails twice is called 3 times and the job succeeds; one that always fails stops at 3"""
    step.failures = 2
    job = new_job(student)
    run(student.run_job("job-1"))
    expect(step.calls == 3 and job["status"] == "succeeded" and job["attempts"] == 3,
           f"after {step.calls} calls the job reads {job!r}; expected 3 calls, succeeded, attempts 3")
    student.process_file = always = Step(failures=99)
    job = new_job(student)
    run(student.run_job("job-1"))
    expect(always.calls == 3 and job["status"] == "failed" and job["error"] == "storage timed out (call 3)",
           f"a step that always fails was called {always.calls} times and the job reads {job!r}; expected "
           "3 calls, failed, and the last error")
