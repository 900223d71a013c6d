"""Public checks for tasks02_job_status: starting a job, 404 for unknown jobs, retries."""

import pytest

from autograder.kit import expect, expect_json, expect_status


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
def test_start_answers_202_with_location(step, client):
    """POST /files/report.pdf/process answers 202 {"job_id", "status": "pending"} and Location /jobs/<id>"""
    response = client.post("/files/report.pdf/process")
    expect_status(response, 202)
    body = expect_json(response)
    expect(body.get("status") == "pending" and body.get("job_id"), f"answered {body!r}")
    expect(response.headers.get("location") == f"/jobs/{body['job_id']}",
           f"Location was {response.headers.get('location')!r}")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_unknown_job_is_404(step, client):
    """GET /jobs/nope is 404 {"detail": "Job not found"}"""
    response = client.get("/jobs/nope")
    expect_status(response, 404)
    expect_json(response, {"detail": "Job not found"})


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_failing_step_is_retried(step, client):
    """a step that fails twice is called 3 times and the job succeeds"""
    step.failures = 2
    job_id = expect_json(client.post("/files/report.pdf/process")).get("job_id")
    body = expect_json(client.get(f"/jobs/{job_id}"))
    expect(step.calls == 3 and body.get("status") == "succeeded" and body.get("attempts") == 3,
           f"after {step.calls} calls the job reads {body!r}; expected 3 calls, succeeded, attempts 3")
