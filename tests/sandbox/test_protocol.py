"""The worker-to-grader protocol: every event round-trips, every forged frame is refused or cut.

The grader's reaction to a whole stream (what voids, what ends an attempt) is in
test_engine.py; here, one frame at a time, and what real workers send.
"""

from __future__ import annotations

import math
import time

import pytest

from autograder.paths import PACKAGE, ROOT, SOLUTIONS, suite_file
from autograder.sandbox import channel, confine, engine, protocol, worker, workspace
from autograder.sandbox.limits import Limits
from autograder.sandbox.messages import MAX_LENGTH
from autograder.sandbox.protocol import Violation
from tests.conftest import COURSE

ITEM = COURSE.item("async01_why_async")
SOLUTION = (SOLUTIONS / ITEM.filename).read_text(encoding="utf-8")

EXAMPLES = [
    protocol.Sandboxed("full", {"namespaces": "user, mount, network", "landlock": "ABI 6"}, {}),
    protocol.SandboxFailed("landlock: the kernel has no Landlock (or it is disabled)"),
    protocol.Screened(("grader-path: line 2 names the suites",)),
    protocol.Collected((protocol.PlannedTest("test_a", 2.0, 1, "the answer holds"),
                        protocol.PlannedTest("test_b", 1, None, ""))),
    protocol.Imported(),
    protocol.ImportFailed("NameError: name 'x' is not defined (async01_why_async.py, line 3)"),
    protocol.Crashed("SystemExit: 3"),
    protocol.Started("test_a"),
    protocol.Result("test_a", "failed", "GET /books answered 500"),
    protocol.Flagged("read the hidden suite"),
    protocol.Tampered("replaced pytest.fail"),
    protocol.Done(81234),
    protocol.WorkerFailed("OSError: [Errno 28] No space left on device"),
    protocol.CollectFailed("ERROR collecting test_async01_why_async.py"),
]


def test_the_examples_cover_every_declared_kind():
    assert sorted(type(event).KIND for event in EXAMPLES) == sorted(protocol.EVENTS)


@pytest.mark.parametrize("event", EXAMPLES, ids=lambda event: type(event).KIND)
def test_every_kind_round_trips(event):
    frame = protocol.decode(protocol.encode(event.frame()))
    assert frame["event"] == type(event).KIND
    assert protocol.parse(frame) == event == type(event).parse(frame)


def test_the_sender_writes_what_encode_makes():
    sent: list[bytes] = []
    send = protocol.sender(sent.append)
    for event in EXAMPLES:
        send(event.frame())
    assert sent == [protocol.encode(event.frame()) for event in EXAMPLES]


def test_the_sender_holds_its_encoder(monkeypatch):
    """Made before the student's code runs: a json.dumps replaced later is never called."""
    sent: list[bytes] = []
    send = protocol.sender(sent.append)
    monkeypatch.setattr("json.dumps", lambda *args, **kwargs: '{"event": "done"}')
    send(protocol.Result("test_a", "failed").frame())
    assert protocol.decode(sent[0]) == protocol.Result("test_a", "failed").frame()


def test_an_oversized_event_is_cut_and_then_not_an_event():
    data = protocol.encode(protocol.Flagged("x" * protocol.MAX_EVENT_BYTES).frame())
    assert len(data) == protocol.MAX_EVENT_BYTES
    with pytest.raises(Violation, match=protocol.FOREIGN):
        protocol.decode(data)


@pytest.mark.parametrize("data", [b"not json", b"\xff\xfe", b"[1, 2]", b'"done"', b"null", b'{"no": "event"}',
                                  b'{"event": 3}', b'{"event": null}', b"[" * 200_000])
def test_anything_but_an_object_with_a_kind_is_foreign(data):
    with pytest.raises(Violation) as caught:
        protocol.decode(data)
    assert caught.value.reason == protocol.FOREIGN


def test_an_unknown_kind_is_not_an_event():
    with pytest.raises(Violation, match=protocol.UNKNOWN):
        protocol.parse({"event": "noise"})


@pytest.mark.parametrize(("kind", "key", "limit"), [
    (protocol.SandboxFailed, "message", protocol.MAX_MESSAGE_CHARS),
    (protocol.ImportFailed, "message", protocol.MAX_MESSAGE_CHARS),
    (protocol.Crashed, "message", protocol.MAX_MESSAGE_CHARS),
    (protocol.WorkerFailed, "message", protocol.MAX_MESSAGE_CHARS),
    (protocol.CollectFailed, "message", protocol.MAX_MESSAGE_CHARS),
    (protocol.Started, "name", protocol.MAX_NAME_CHARS),
    (protocol.Flagged, "flag", protocol.MAX_FLAG_CHARS),
    (protocol.Tampered, "flag", protocol.MAX_FLAG_CHARS),
])
def test_text_fields_are_cut_missing_is_empty_and_anything_else_refused(kind, key, limit):
    assert getattr(kind.parse({"event": kind.KIND, key: "é" * (limit + 50)}), key) == "é" * limit
    assert getattr(kind.parse({"event": kind.KIND}), key) == ""
    for forged in (3, None, ["x"], {"x": 1}, True):
        with pytest.raises(Violation) as caught:
            kind.parse({"event": kind.KIND, key: forged})
        assert caught.value.reason == f"an event's {key!r} was not text"


def test_the_limits_keep_their_values():
    """The numbers the grader has always applied (a change here changes grades)."""
    assert (protocol.MAX_MESSAGE_CHARS, protocol.MAX_NAME_CHARS, protocol.MAX_FLAG_CHARS, protocol.MAX_FLAGS,
            protocol.MAX_SCORE, protocol.MAX_TESTS) == (2 * MAX_LENGTH, 200, 200, 20, 1000, protocol.MAX_EVENTS // 2)
    assert (protocol.MAX_FRAME_BYTES, protocol.MAX_TOTAL_BYTES, protocol.MAX_EVENTS, protocol.MAX_EVENT_BYTES) == (
        256 << 10, 4 << 20, 5000, 1 << 20)
    assert (channel.MAX_FRAME_BYTES, channel.MAX_TOTAL_BYTES, channel.MAX_EVENTS, channel.Violation) == (
        protocol.MAX_FRAME_BYTES, protocol.MAX_TOTAL_BYTES, protocol.MAX_EVENTS, Violation)


# --- collected -------------------------------------------------------------------------

GOOD_TEST = {"name": "test_a", "max_score": 2, "task": 1, "description": "the answer holds"}


def collected(*tests: object) -> protocol.Frame:
    return {"event": "collected", "tests": list(tests)}


def test_collected_tests_keep_their_points_and_are_cut():
    tests = protocol.Collected.parse(collected(
        GOOD_TEST, {"name": "n" * 300, "max_score": 0}, {"name": "z", "max_score": 1000.0, "description": "d" * 900},
    )).tests
    assert tests == (protocol.PlannedTest("test_a", 2, 1, "the answer holds"),
                     protocol.PlannedTest("n" * protocol.MAX_NAME_CHARS, 0, None, ""),
                     protocol.PlannedTest("z", 1000.0, None, "d" * MAX_LENGTH))
    assert type(tests[0].max_score) is int and type(tests[2].max_score) is float


@pytest.mark.parametrize("test", [
    "test_a", None, [GOOD_TEST], {**GOOD_TEST, "name": None}, {k: v for k, v in GOOD_TEST.items() if k != "name"},
    {**GOOD_TEST, "name": 7}, {**GOOD_TEST, "max_score": True}, {**GOOD_TEST, "max_score": "2"},
    {**GOOD_TEST, "max_score": None}, {**GOOD_TEST, "max_score": -1}, {**GOOD_TEST, "max_score": 1000.5},
    {**GOOD_TEST, "max_score": math.nan}, {**GOOD_TEST, "max_score": math.inf}, {**GOOD_TEST, "task": "1"},
    {**GOOD_TEST, "task": 1.0},
])
def test_a_malformed_collected_test_is_refused(test):
    with pytest.raises(Violation) as caught:
        protocol.Collected.parse(collected(GOOD_TEST, test))
    assert caught.value.reason == protocol.BAD_COLLECTED


@pytest.mark.parametrize("tests", [None, "x", {"test_a": GOOD_TEST}, [GOOD_TEST] * (protocol.MAX_TESTS + 1)])
def test_a_malformed_or_too_long_list_is_refused(tests):
    with pytest.raises(Violation) as caught:
        protocol.Collected.parse({"event": "collected", "tests": tests})
    assert caught.value.reason == protocol.BAD_COLLECTED


def test_the_first_malformed_test_decides_the_reason():
    bad_description = {**GOOD_TEST, "description": 5}
    with pytest.raises(Violation, match="an event's 'description' was not text"):
        protocol.Collected.parse(collected(bad_description, {"name": None}))
    with pytest.raises(Violation, match=protocol.BAD_COLLECTED):
        protocol.Collected.parse(collected({"name": None}, bad_description))


# --- screen, result, done, sandbox ----------------------------------------------------------


def test_the_screen_keeps_its_first_findings_that_are_text():
    findings = [f"finding {n}" for n in range(30)]
    assert protocol.Screened.parse({"event": "screen", "findings": [1, None, *findings]}).findings == tuple(
        findings[:protocol.MAX_FLAGS])
    for forged in (None, "finding", {"a": 1}):
        with pytest.raises(Violation, match=protocol.NO_SCREEN):
            protocol.Screened.parse({"event": "screen", "findings": forged})


def test_a_result_is_checked_name_first_then_status_and_its_message_only_when_read():
    with pytest.raises(Violation, match="an event's 'name' was not text"):
        protocol.Result.head({"event": "result", "name": 5, "status": "bogus"})
    for status in ("bogus", None, 1, ["passed"], "PASSED"):
        with pytest.raises(Violation, match=protocol.BAD_STATUS):
            protocol.Result.head({"event": "result", "name": "test_a", "status": status})
    forged = {"event": "result", "name": "t" * 300, "status": "passed", "message": 5}
    assert protocol.Result.head(forged) == ("t" * protocol.MAX_NAME_CHARS, "passed")
    with pytest.raises(Violation, match="an event's 'message' was not text"):
        protocol.Result.parse(forged)


@pytest.mark.parametrize(("peak", "kept"), [(123, 123), (True, 0), ("123", 0), (1.5, 0), (None, 0)])
def test_done_keeps_only_an_integer_peak(peak, kept):
    assert protocol.Done.parse({"event": "done", "peak_rss_kb": peak}).peak_rss_kb == kept


@pytest.mark.parametrize("forged", [{"layers": [], "missing": {}}, {"layers": {}, "missing": {"a": 1}},
                                    {"layers": {1: "on"}, "missing": {}}, {"level": 3, "layers": {}, "missing": {}}])
def test_a_malformed_sandbox_report_is_refused(forged):
    with pytest.raises(Violation):
        protocol.Sandboxed.parse({"event": "sandbox", "level": "full", **forged})


def test_the_worker_states_its_own_endings_by_kind():
    assert (protocol.Ended.DONE, protocol.Ended.IMPORT_ERROR, protocol.Ended.CRASHED) == (
        protocol.Done.KIND, protocol.ImportFailed.KIND, protocol.Crashed.KIND)


# --- what the grader keeps --------------------------------------------------------------------


def test_flags_are_distinct_one_line_cut_and_capped():
    kept = protocol.capped_flags(["guard: a"], ["guard: a", " two\n lines ", "x" * 500])
    assert kept == ["guard: a", "two lines", "x" * protocol.MAX_FLAG_CHARS]
    flood = protocol.capped_flags(kept, [f"flag {n}" for n in range(100)])
    assert flood == [*kept, *(f"flag {n}" for n in range(protocol.MAX_FLAGS - 3)), protocol.TOO_MANY_FLAGS]
    assert protocol.capped_flags(flood, ["one more", "and another"]) == flood


def test_a_result_scores_the_points_it_was_collected_with():
    planned = [protocol.PlannedTest("test_a", 2.0, 1, "the answer holds"), protocol.PlannedTest("test_a", 5.0)]
    passed = protocol.scored(planned, "test_a", "passed", "")
    failed = protocol.scored(planned, "test_a", "failed", "no")
    assert (passed.score, passed.max_score, passed.task, passed.description) == (2.0, 2.0, 1, "the answer holds")
    assert (failed.score, failed.status, failed.message) == (0, "failed", "no") and type(failed.score) is int
    stranger = protocol.scored(planned, "test_z", "passed", "")
    assert (stranger.score, stranger.max_score, stranger.task, stranger.description) == (0, 0, None, "")
    assert protocol.scored(None, "test_a", "passed", "").max_score == 0


# --- what real workers send ---------------------------------------------------------------------


def _sent(spec: worker.WorkerSpec) -> list[protocol.Frame]:
    """Every frame one worker wrote, read to the end of its pipe."""
    receiver, _, process = engine._start(spec)
    reader = channel.Reader(receiver.fileno(), channel.Budget())
    frames: list[protocol.Frame] = []
    try:
        while (frame := reader.next(time.monotonic() + 60)) is not None:
            frames.append(frame)
        raise AssertionError(f"the worker fell silent after {frames}")
    except EOFError:
        return frames
    finally:
        engine._stop(process)
        receiver.close()


@pytest.fixture
def job():
    folder = workspace.job_folder("job-protocol-")
    yield folder
    workspace.remove(folder)


def _spec(job, source: str, *, sandboxed: bool = False, suite=None, **fields) -> worker.WorkerSpec:
    student = job / ITEM.filename
    student.write_text(source, encoding="utf-8")
    suite = suite or suite_file(ITEM.id, "hidden")
    policy = confine.policy_for(job, suite, package=PACKAGE, project=ROOT) if sandboxed else None
    return worker.WorkerSpec(**{"suite": str(suite), "student_file": str(student), "item_id": ITEM.id,
                                "resources": Limits().resources, "policy": policy, **fields})


def test_workers_send_every_declared_kind_and_nothing_else(job, tmp_path):
    """Real workers, each made to take another path: the kinds they send are the declared set."""
    def at_import(code: str) -> str:
        return SOLUTION.replace("app = FastAPI()\n", f"app = FastAPI()\n{code}\n")

    suites = tmp_path / "suites"
    (suites / "hidden").mkdir(parents=True)
    (suites / "conftest.py").write_text('pytest_plugins = ("autograder.kit.fixtures",)\n')
    (suites / "hidden" / "test_broken.py").write_text("def test_(:\n")
    runs = [
        # sandbox, screen, collected, imported, start, result, flag (the guard refused), tampered, done
        (at_import("import gc, json\ntry:\n    gc.get_objects()\nexcept PermissionError:\n    pass\n"
                   "json.JSONDecoder.workbook_probe = None"), {"sandboxed": True}),
        (at_import("raise ValueError('no')"), {}),  # import_error
        (at_import("raise SystemExit(3)"), {}),  # crashed
        (SOLUTION, {"suite": suites / "hidden" / "test_broken.py"}),  # collect_error
        (SOLUTION, {"student_file": str(job / "gone" / ITEM.filename)}),  # worker_error
        (SOLUTION, {"policy": confine.Policy(job=str(job / "gone"), read=(), level="strict")}),  # sandbox_error
    ]
    frames = [frame for source, fields in runs for frame in _sent(_spec(job, source, **fields))]
    assert {frame["event"] for frame in frames} == set(protocol.EVENTS)
    for frame in frames:
        assert protocol.parse(frame).frame() == frame
