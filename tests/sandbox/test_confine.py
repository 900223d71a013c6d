"""The kernel sandbox, layer by layer, in forked children that report what they could do.

Each test forks a child that enters the sandbox exactly as a worker does and then tries
what a student would; the child sends back what happened and the test compares it with
what must happen. One test does it all again as an unprivileged user (uid 65534), the
way a grader that does not run as root meets it: the namespaces then come from a user
namespace.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import sysconfig
import tempfile
import threading
from pathlib import Path

import pytest

from autograder.paths import PACKAGE, ROOT, SOLUTIONS, SUITES
from autograder.sandbox import confine

SUITE = SUITES / "hidden" / "test_async01_why_async.py"
OTHER_SUITE = SUITES / "hidden" / "test_async02_async_vs_def.py"

pytestmark = pytest.mark.skipif(not confine.landlock_abi(), reason="this kernel has no Landlock")


def in_child(policy: confine.Policy, attacks, as_user: int | None = None) -> dict:
    """Fork, (become ``as_user``,) enter the sandbox, run ``attacks(report)``, return the report."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(reader)
        report: dict = {}
        try:
            if as_user is not None:
                os.setgroups([])
                os.setresgid(as_user, as_user, as_user)
                os.setresuid(as_user, as_user, as_user)
            report["applied"] = confine.enter(policy).record()
            attacks(report)
        except BaseException as exc:  # noqa: BLE001 - report it, never hang the test
            report["error"] = f"{type(exc).__name__}: {exc}"
        os.write(writer, json.dumps(report).encode())
        os._exit(0)
    os.close(writer)
    data = b""
    while chunk := os.read(reader, 1 << 16):
        data += chunk
    os.close(reader)
    os.waitpid(pid, 0)
    return json.loads(data)


def outcome(action) -> str:
    """``ok`` or the errno's name of what ``action`` raised."""
    try:
        action()
    except OSError as exc:
        return errno.errorcode.get(exc.errno, str(exc.errno))
    except ValueError as exc:  # resource.setrlimit says EPERM this way
        return f"ValueError: {exc}"
    return "ok"


def read(path) -> None:
    with open(path, "rb") as stream:
        stream.read(1)


def write(path) -> None:
    with open(path, "wb") as stream:
        stream.write(b"x")


def fork() -> None:
    child = os.fork()
    if child == 0:  # pragma: no cover
        os._exit(0)
    os.waitpid(child, 0)


@pytest.fixture
def job(tmp_path):
    folder = tmp_path / "job"
    folder.mkdir()
    (folder / "async01_why_async.py").write_text("app = None\n", encoding="utf-8")
    return folder


def policy(job: Path, **changes) -> confine.Policy:
    made = confine.policy_for(job, SUITE, package=PACKAGE, project=ROOT, level="strict")
    return made.__class__(**{**made.__dict__, **changes})


def test_every_layer_is_applied_on_this_kernel(job):
    report = in_child(policy(job), lambda r: None)
    assert report["applied"]["missing"] == {}
    assert set(report["applied"]["layers"]) == set(confine.LAYERS)


def test_files_outside_the_job_folder_cannot_be_opened(job):
    purelib = sysconfig.get_paths()["purelib"]

    def attacks(r):
        r["solution"] = outcome(lambda: read(SOLUTIONS / "async01_why_async.py"))
        r["other suite"] = outcome(lambda: read(OTHER_SUITE))
        r["own suite before seal"] = outcome(lambda: read(SUITE))
        r["git"] = outcome(lambda: os.listdir(ROOT / ".git"))
        r["kit"] = outcome(lambda: read(PACKAGE / "kit" / "checks.py"))
        r["manifest"] = outcome(lambda: read(PACKAGE / "course" / "course.toml"))
        r["audit baseline"] = outcome(lambda: read(PACKAGE / "course" / "baseline.json"))
        r["audit equivalents"] = outcome(lambda: read(PACKAGE / "course" / "equivalents.toml"))
        r["own copy"] = outcome(lambda: read(job / "async01_why_async.py"))
        r["write job"] = outcome(lambda: write(job / "new.txt"))
        r["write tmp"] = outcome(lambda: write("/tmp/workbook-sandbox-test.txt"))
        r["write site-packages"] = outcome(lambda: write(os.path.join(purelib, "workbook-sandbox-test.pth")))
        r["proc"] = outcome(lambda: read(f"/proc/{os.getppid()}/cmdline"))
        r["link to solution"] = outcome(lambda: (os.symlink(SOLUTIONS / "async01_why_async.py", job / "link"),
                                                 read(job / "link")))

    report = in_child(policy(job), attacks)
    assert report == {**report, "solution": "EACCES", "other suite": "EACCES", "own suite before seal": "ok",
                      "git": "EACCES", "kit": "ok", "manifest": "ok", "audit baseline": "EACCES",
                      "audit equivalents": "EACCES", "own copy": "ok", "write job": "ok", "write tmp": "EACCES",
                      "write site-packages": "EACCES", "proc": "EACCES", "link to solution": "EACCES"}
    assert not (job / "new.txt").exists()  # written into the worker's tmpfs, gone with it
    assert not Path("/tmp/workbook-sandbox-test.txt").exists()


def test_the_suite_is_sealed_after_collection(job):
    def attacks(r):
        confine.seal(made, confine.Applied(layers={"landlock": "on", "network": "loopback only"}))
        r["own suite after seal"] = outcome(lambda: read(SUITE))
        r["kit after seal"] = outcome(lambda: read(PACKAGE / "kit" / "checks.py"))

    made = policy(job)
    report = in_child(made, attacks)
    assert (report["own suite after seal"], report["kit after seal"]) == ("EACCES", "ok")


def test_no_process_no_signal_threads_allowed(job):
    def attacks(r):
        r["fork"] = outcome(fork)
        r["kill init"] = outcome(lambda: os.kill(1, 0))
        r["kill parent"] = outcome(lambda: os.kill(os.getppid(), 0))
        r["kill self"] = outcome(lambda: os.kill(os.getpid(), 0))
        ran = []
        thread = threading.Thread(target=lambda: ran.append(1))
        thread.start()
        thread.join()
        r["thread"] = "ok" if ran else "no"
        r["raise limit"] = outcome(lambda: __import__("resource").setrlimit(
            __import__("resource").RLIMIT_NOFILE, (1 << 16, 1 << 16)))

    report = in_child(policy(job), attacks)
    assert report == {**report, "fork": "EPERM", "kill init": "EPERM", "kill parent": "EPERM", "kill self": "ok",
                      "thread": "ok"}
    assert report["raise limit"] == "ValueError: not allowed to raise maximum limit"


def test_only_the_workers_own_loopback(job):
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def attacks(r):
        r["machine loopback"] = outcome(lambda: socket.create_connection(("127.0.0.1", port), timeout=2).close())
        r["beyond"] = outcome(lambda: socket.create_connection(("192.0.2.1", 80), timeout=2).close())
        own = socket.create_server(("127.0.0.1", 0))
        r["own loopback"] = outcome(lambda: socket.create_connection(own.getsockname(), timeout=2).close())
        r["unix socket"] = outcome(lambda: socket.socket(socket.AF_UNIX).close())
        r["socketpair"] = outcome(lambda: [s.close() for s in socket.socketpair()])

    try:
        report = in_child(policy(job), attacks)
    finally:
        server.close()
    assert report == {**report, "machine loopback": "ECONNREFUSED", "beyond": "ENETUNREACH", "own loopback": "ok",
                      "unix socket": "EPERM", "socketpair": "ok"}


def test_the_job_folder_is_capped(job):
    def attacks(r):
        r["big file"] = outcome(lambda: write_many(job / "fill", 2 << 20))

    def write_many(path, size):
        with open(path, "wb") as stream:
            stream.write(b"\0" * size)

    report = in_child(policy(job, job_bytes=1 << 20), attacks)
    assert report["big file"] == "ENOSPC"


def test_unprivileged_grader_gets_the_same_sandbox_through_a_user_namespace():
    nobody = 65534
    job = Path(tempfile.mkdtemp(prefix="workbook-sandbox-test-"))  # /tmp: a folder nobody can reach
    (job / "async01_why_async.py").write_text("app = None\n", encoding="utf-8")
    for path in (job, job / "async01_why_async.py"):
        os.chown(path, nobody, nobody)

    def attacks(r):
        r["uid"] = os.getuid()
        r["solution"] = outcome(lambda: read(SOLUTIONS / "async01_why_async.py"))
        r["write job"] = outcome(lambda: write(job / "new.txt"))
        r["fork"] = outcome(fork)

    try:
        report = in_child(policy(job), attacks, as_user=nobody)
    finally:
        shutil.rmtree(job, ignore_errors=True)
    assert "error" not in report, report
    assert report["applied"]["layers"]["namespaces"].startswith("user, ")
    assert report["applied"]["missing"] == {}
    assert report == {**report, "uid": nobody, "solution": "EACCES", "write job": "ok", "fork": "EPERM"}


def test_strict_refuses_and_auto_records_a_missing_layer(job, monkeypatch):
    def no_namespaces():
        raise confine.SandboxError("unshare: Operation not permitted")

    monkeypatch.setattr(confine, "_namespaces", no_namespaces)
    strict = in_child(policy(job), lambda r: None)
    assert strict["error"] == "SandboxError: namespaces: unshare: Operation not permitted"
    auto = in_child(policy(job, level="auto"), lambda r: r.update(fork=outcome(fork)))
    assert auto["applied"]["level"] == "partial"
    assert auto["applied"]["missing"]["namespaces"] == "unshare: Operation not permitted"
    assert auto["applied"]["missing"]["tmpfs"] == "needs a mount namespace"
    assert auto["applied"]["layers"]["network"] == "no TCP at all (Landlock; no network namespace)"
    assert auto["fork"] == "EPERM"  # the other layers still hold


def test_the_probe_says_what_the_kernel_grants():
    record = confine.probe("strict")
    assert record["requested"] == "strict" and record["level"] == "full", record
    assert confine.probe("off")["level"] == "off"


def test_suites_are_carved_out_of_an_environment_that_holds_the_package(tmp_path):
    site = tmp_path / "site-packages"
    for path in ("autograder/course/suites/hidden/test_a.py", "autograder/kit/checks.py", "fastapi/__init__.py"):
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text("", encoding="utf-8")
    rules: list[confine.Rule] = []
    confine._allow_except(str(site), [str(site / "autograder" / "course" / "suites")], confine.READ, rules)
    allowed = {Path(r.path).relative_to(site).as_posix(): r.access for r in rules if Path(r.path) != site}
    assert allowed == {"autograder": confine.LIST, "autograder/course": confine.LIST, "autograder/kit": confine.READ,
                       "fastapi": confine.READ}
