"""Bad files, other students' results, live streams and hostile code, through the HTTP API:
each refused with its status and one line and nothing stored, or stored and graded while
the service stays up for everyone else."""

from __future__ import annotations

import asyncio
import contextlib
import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from sqlalchemy import select

from autograder.sandbox.limits import Limits
from autograder.service import policy
from autograder.service.models import Submission
from tests.conftest import COURSE
from tests.support.hostile import CORPUS, submission_text
from tests.support.service import ITEM, PASSWORD, bearer, serve_http, settings_for, solution, stub


def stored(service) -> list[Submission]:
    return service.db(select(Submission).order_by(Submission.id))


BAD_FILES = [
    (b"#" * 1_000_001, None, 413, "the file is larger than 1000 kB"),
    (b"PK\x03\x04" + b"\x00" * 100, None, 415, f"submit the file {ITEM}.py itself, not a zip"),
    (b"print('hi')\n", f"{ITEM}.zip", 415, f"submit the file {ITEM}.py itself, not a zip"),
    (b"", None, 422, "the file is empty"),
    (b" \n\t\n", None, 422, "the file is empty"),
    (bytes(range(256)) * 4, None, 415, f"the file is not UTF-8 text; submit {ITEM}.py, a Python source file"),
    ("x = 'Zo\u00eb'\n".encode("latin-1"), None, 415,
     f"the file is not UTF-8 text; submit {ITEM}.py, a Python source file"),
    ("x = 1\n".encode("utf-16"), None, 415, f"the file is not UTF-8 text; submit {ITEM}.py, a Python source file"),
    (b"x = 1\x00\n", None, 415, "the file holds NUL bytes; it is not a Python source"),
]


def test_a_bad_file_is_refused_with_one_line_and_not_stored(service):
    """Over 1 MB, a zip, empty, binary, not UTF-8, NUL bytes: each its status and line."""
    student = service.student("Ada Lovelace")
    held = service.hold()
    for content, filename, code, detail in BAD_FILES:
        response = service.submit(student, content, filename=filename)
        assert (response.status_code, response.json()) == (code, {"detail": detail}), content[:20]
    assert stored(service) == [] and held.sent == []


def test_a_file_of_exactly_one_megabyte_is_taken(service):
    student = service.student("Ada Lovelace")
    held = service.hold()
    response = service.submit(student, b"#" * 1_000_000)
    assert response.status_code == 202
    assert [len(s.content) for s in stored(service)] == [1_000_000] and held.sent == [response.json()["id"]]


def test_a_wrong_item_is_404_and_stores_nothing(service):
    student = service.student("Ada Lovelace")
    for item in ["no_such_item", ITEM.upper(), "x" * 3000]:
        response = service.submit(student, solution(), item=item)
        assert (response.status_code, response.json()) == (404, {"detail": f"unknown item {item[:100]!r}"})
    assert stored(service) == []


def test_a_path_in_the_item_is_not_a_route(service):
    student = service.student("Ada Lovelace")
    response = service.client.post(f"/api/submissions/..%2F..%2F{ITEM}", headers=student,
                                   files={"file": (f"{ITEM}.py", solution())})
    assert response.status_code == 404
    assert stored(service) == []


def test_a_path_in_the_filename_is_ignored(service):
    """The file is stored in the database and graded from the item's own name in a job
    folder: the name the client sends is never used as a path."""
    student = service.student("Ada Lovelace")
    response = service.submit(student, solution(), filename="../../../etc/cron.d/x.py")
    graded = service.wait(student, response.json()["id"])
    assert graded["result"]["score"] == 10
    assert [s.content for s in stored(service)] == [solution()]


def test_many_files_in_one_request_store_one_submission(service):
    student = service.student("Ada Lovelace")
    held = service.hold()
    files = [("file", (f"f{i}.py", f"x = {i}\n".encode(), "text/x-python")) for i in range(50)]
    response = service.client.post(f"/api/submissions/{ITEM}", headers=student, files=files)
    assert response.status_code == 202
    assert [s.content for s in stored(service)] == [b"x = 49\n"]  # the form's last `file` field
    assert held.sent == [response.json()["id"]]
    files = [("file", (f"f{i}.py", b"x = 1\n", "text/x-python")) for i in range(1001)]
    response = service.client.post(f"/api/submissions/{ITEM}", headers=student, files=files)
    too_many = "Too many files. Maximum number of files is 1000."
    assert (response.status_code, response.json()) == (400, {"detail": too_many})
    assert len(stored(service)) == 1


def test_a_text_field_in_place_of_the_file_is_one_line(service):
    student = service.student("Ada Lovelace")
    response = service.client.post(f"/api/submissions/{ITEM}", headers=student, data={"file": "x = 1"})
    assert (response.status_code, response.json()) == (
        422, {"detail": "file: Value error, Expected UploadFile, received: <class 'str'>"})
    response = service.client.post(f"/api/submissions/{ITEM}", headers=student)
    assert (response.status_code, response.json()) == (422, {"detail": "file: Field required"})
    assert stored(service) == []


def test_submissions_at_the_same_moment_never_fail_and_never_pass_the_limit(service_with):
    """Eight at once with two attempts an hour allowed: at most two stored, the rest refused with
    one line (409 when two took the same attempt number at once, 429 once the hour is spent);
    before the fix, the ones that lost the race on the attempt number were 500s."""
    service = service_with(policy=policy.parse({"service": {"attempts_per_hour": 2}}, COURSE))
    student = service.student("Ada Lovelace")
    service.hold()
    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(lambda i: service.submit(student, f"x = {i}\n".encode()), range(8)))
    codes = sorted(r.status_code for r in responses)
    assert 1 <= codes.count(202) <= 2 and set(codes) <= {202, 409, 429}, codes
    for response in responses:
        if response.status_code == 409:
            assert response.json() == {"detail": f"another submission of yours to {ITEM} was being stored at the "
                                                 "same moment; submit again"}
    assert len(stored(service)) == codes.count(202)
    # one at a time, the hour's allowance is reached and not passed
    later = [service.submit(student, b"x = 'again'\n").status_code for _ in range(3 - codes.count(202))]
    assert later == [202] * (2 - codes.count(202)) + [429]
    assert [s.attempt for s in stored(service)] == [1, 2]


def test_another_students_submission_is_404_like_one_that_does_not_exist(service):
    ada, bob = service.student("Ada Lovelace"), service.student("Bob Byron")
    service.hold()
    mine = service.submit(ada, solution()).json()["id"]
    for submission in (mine, 999, 0, -1, 2**63, 10**30):
        response = service.client.get(f"/api/submissions/{submission}", headers=bob)
        assert (response.status_code, response.json()) == (404, {"detail": f"no submission {submission}"})
    assert service.client.get("/api/submissions", headers=bob).json() == []
    assert service.client.get(f"/api/submissions?item={ITEM}", headers=bob).json() == []
    bobs_items = service.client.get("/api/items", headers=bob).json()
    assert all(i["attempts"] == 0 and i["latest"] is None for s in bobs_items for i in s["items"])


def test_the_live_stream_carries_only_the_students_own_submissions(service):
    ada, bob = service.student("Ada Lovelace"), service.student("Bob Byron")
    first = service.wait(ada, service.submit(ada, stub()).json()["id"])["id"]
    bobs = service.wait(bob, service.submit(bob, solution()).json()["id"])["id"]
    last = service.wait(ada, service.submit(ada, solution()).json()["id"])["id"]

    def graded(events, submission):
        return any(e["id"] == submission and e["status"] == "graded" for e in events)

    status, events = service.events("/api/events", ada, lambda got: graded(got, last))
    assert status == 200
    assert {e["id"] for e in events} == {first, last} and graded(events, last)
    assert "flags" not in json.dumps(events) and all("username" not in e for e in events)
    status, events = service.events("/api/events", bob, lambda got: graded(got, bobs), seconds=5)
    assert {e["id"] for e in events} == {bobs}
    status, events = service.events("/api/class/events", service.instructor, lambda got: graded(got, last))
    assert {(e["username"], e["id"]) for e in events} == {("ada.lovelace", first), ("bob.byron", bobs),
                                                         ("ada.lovelace", last)}


def test_an_odd_last_event_id_is_read_as_none_or_the_newest(service):
    """A reconnecting browser's Last-Event-ID is the client's to say: '²' (which isdigit calls
    a digit and int refuses) or a number past any id must not break the stream."""
    ada = service.student("Ada Lovelace")
    service.hold()
    service.submit(ada, solution())
    for header in (b"\xb2", b"-5", b"abc"):
        status, events = service.events("/api/events", {**ada, "Last-Event-ID": header}, bool)
        assert (status, len(events)) == (200, 1), header
    status, events = service.events("/api/events", {**ada, "Last-Event-ID": b"9" * 40}, bool, seconds=1)
    assert (status, events) == (200, [])


def test_the_students_view_never_carries_flags(service):
    """read_suites is flagged (the guard caught it reading the hidden suite); the student sees
    their score, never the flag; the instructor sees both."""
    ada = service.student("Ada Lovelace")
    _, text = submission_text(CORPUS / "read_suites.py")
    submission = service.submit(ada, text.encode()).json()["id"]
    state = service.wait(ada, submission)
    assert state["result"]["score"] == 10
    seen = json.dumps([state, service.client.get("/api/items", headers=ada).json(),
                       service.client.get("/api/submissions", headers=ada).json()])
    assert "flag" not in seen and "guard" not in seen
    flagged = service.client.get("/api/flags", headers=service.instructor).json()
    assert [(f["id"], f["result"]["flags"]) for f in flagged] == [(submission, [
        "review: line 38 imports autograder.paths, which is the grader", "guard: your code read the grader's files"])]
    # the instructor reads the line the flag points at, from the stored file
    assert flagged[0]["lines"] == [{"line": 38, "text": text.splitlines()[37]}]
    assert "autograder.paths" in flagged[0]["lines"][0]["text"]


#: Hostile code from the corpus, and the one line its author reads (the suites' line numbers are fixed).
HOSTILE = {
    "sys_exit_at_import": ("crashed", "your code called sys.exit(3) (async01_why_async.py, line 39); "
                                      "a web app must never exit"),
    "os_exit_at_import": ("crashed", "your module ended the process while being imported (os._exit or a crash?)"),
    "loop_at_import": ("timeout", "importing async01_why_async.py did not finish within 6 s "
                                  "(an endless loop at module level?)"),
    "syntax_error": ("import_error", "SyntaxError: invalid syntax (async01_why_async.py, line 38)"),
}


def test_hostile_code_scores_zero_and_the_service_grades_everyone_else(service_with):
    service = service_with(limits=Limits(test=10, import_=6, item=60))
    mallory, ada = service.student("Mallory Hacker"), service.student("Ada Lovelace")
    sent = {case: service.submit(mallory, submission_text(CORPUS / f"{case}.py")[1].encode()).json()["id"]
            for case in [*HOSTILE, "output_flood"]}
    honest = service.submit(ada, solution()).json()["id"]
    for case, (status, message) in HOSTILE.items():
        result = service.wait(mallory, sent[case])["result"]
        assert (result["status"], result["score"], result["message"]) == (status, 0, message), case
    flood = service.wait(mallory, sent["output_flood"])["result"]
    assert (flood["status"], flood["score"]) == ("graded", 10)  # 100 MB printed, capped, costs nothing
    assert service.wait(ada, honest)["result"]["score"] == 10
    assert service.client.get("/api/me", headers=ada).status_code == 200
    assert all(s.writes == 1 for s in stored(service))

#: More pages than the store's connection pool holds (5, and 10 more at a peak).
PAGES = 20


async def _submit_beside_open_streams(url: str, invite: str) -> tuple[list[int], int]:
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        teacher = (await http.post("/api/signup", json={"token": invite, "password": PASSWORD})).json()
        student = (await http.post("/api/roster", headers=bearer(teacher["access_token"]),
                                   files={"file": ("r.csv", "name\nAda Lovelace\n")})).json()[0]
        tokens = (await http.post("/api/signup", json={"token": student["token"], "password": PASSWORD})).json()
        headers = bearer(tokens["access_token"])
        async with contextlib.AsyncExitStack() as pages:
            opened = [(await pages.enter_async_context(http.stream("GET", "/api/events", headers=headers))).status_code
                      for _ in range(PAGES)]
            submitted = await http.post(f"/api/submissions/{ITEM}", headers=headers,
                                        files={"file": (f"{ITEM}.py", solution(), "text/x-python")})
        return opened, submitted.status_code


@pytest.mark.filterwarnings("ignore::DeprecationWarning:websockets.*", "ignore::DeprecationWarning:uvicorn.*")
def test_open_event_streams_leave_the_connections_to_the_other_requests(tmp_path):
    """Each open page holds a stream, and FastAPI keeps a route's dependency session open until
    its response ends: each stream held a pooled connection, so the 16th page and every other
    request waited for the pool, then failed. Now the stream route gives its session back."""
    with serve_http(settings_for(tmp_path)) as served:
        opened, submitted = asyncio.run(_submit_beside_open_streams(served.url, served.invites[0].token))
    assert opened == [200] * PAGES
    assert submitted == 202
