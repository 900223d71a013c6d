"""Red team: attacks on the suite servers, one student's worker against the next.

A suite gets a server at its second item run in a grader process; every later worker of
that suite is forked from it. Each test here grades, in one process and through the real
engine under strict isolation, an honest submission (so that the suite has a server),
then an attacker, then an honest submission again: the honest ones must keep full marks
and no flag, the attacker must get what it deserves, and nothing of the attacker may
outlive its item run (no process, no stalled or dead server).

Each test states what a correct grader does. When the red team wrote them, four failed: the
attacks succeeded (a worker left its process group and survived its kill, stalling its server
and the students graded beside it; a worker forked from the fork server read its canaries'
names from worker.run's frame), as did the corpus case canary_by_missing_pytestmark. Now
seccomp refuses ``setpgid``, a suite server's worker is killed by its pidfd as well as by its
group, the server kills a worker before it waits for it, a server that does not answer is
killed and never asked again, the spec leaves the stack before pytest starts, and the
canaries carry their model's ``pytestmark``.
"""

from __future__ import annotations

import multiprocessing.forkserver as forkserver
import multiprocessing.resource_tracker as resource_tracker
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from autograder.paths import EXERCISES, SOLUTIONS
from autograder.sandbox import engine, suite_server
from autograder.sandbox.limits import Limits
from tests.conftest import COURSE

ITEM = COURSE.item("async01_why_async")
LIMITS = Limits(test=5, import_=8, item=120, isolation="strict")
SOLUTION = (SOLUTIONS / ITEM.filename).read_text(encoding="utf-8")
APP = "app = FastAPI()\n"
HANDLER = "async def dashboard(user_id: int = 1) -> dict:\n"
# What an item run may take at most on a loaded machine when no attack slows it down.
QUICK_SECONDS = 8.0



def _grade(tmp_path: Path, name: str, text: str):
    folder = tmp_path / name
    folder.mkdir()
    path = folder / ITEM.filename
    path.write_text(text, encoding="utf-8")
    started = time.monotonic()
    result = engine.grade_item(ITEM, path, "hidden", LIMITS)
    return result, time.monotonic() - started


def _at_import(snippet: str) -> str:
    return SOLUTION.replace(APP, f"{APP}{snippet}\n", 1)


def _in_handler(snippet: str) -> str:
    body = "".join(f"        {line}\n" for line in snippet.splitlines())
    return SOLUTION.replace(HANDLER, f"{HANDLER}    if user_id == 7:\n{body}", 1)


def _session_processes() -> set[int]:
    """The live processes of this grader's session but the grader and its fork server."""
    sid = os.getsid(0)
    mine = {os.getpid(), getattr(forkserver._forkserver, "_forkserver_pid", None),
            getattr(resource_tracker._resource_tracker, "_pid", None)}
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) in mine:
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] != "Z" and int(fields[3]) == sid:
            found.add(int(entry.name))
    return found


def _survivors(before: set[int], pool: suite_server.Servers) -> list[str]:
    """Processes this test started that are still alive once its servers are closed."""
    pool.close()
    deadline = time.monotonic() + 3
    while True:
        left = _session_processes() - before
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    out = []
    for pid in sorted(left):
        try:
            out.append(f"{pid}: {Path(f'/proc/{pid}/cmdline').read_bytes()[:60]!r}")
        except OSError:
            continue
        try:
            os.kill(pid, signal.SIGKILL)  # started by this test: it must not outlive it either
        except OSError:
            pass
    return out


def _honest_then(tmp_path: Path, pool: suite_server.Servers, attacker: str):
    """Honest (the suite's first run: no server), attacker (forked from the new server),
    honest again (from the server, if it survived)."""
    first, _ = _grade(tmp_path, "honest-1", SOLUTION)
    assert first.score == ITEM.points and first.flags == [], first
    attacked, attack_seconds = _grade(tmp_path, "attacker", attacker)
    second, honest_seconds = _grade(tmp_path, "honest-2", SOLUTION)
    return attacked, attack_seconds, second, honest_seconds


def _assert_honest(result, seconds):
    detail = (result.status, result.message, result.flags, [(t.name, t.status, t.message[:120]) for t in result.tests])
    assert result.score == ITEM.points and result.flags == [] and result.status == "graded", detail
    assert seconds < QUICK_SECONDS, f"the honest run after the attack took {seconds:.1f} s"


# --- escaping the process-group kill ------------------------------------------------------

# The worker leaves its own process group for its server's (same session: setpgid needs no
# privilege, raises no audit event, and seccomp allows it). The grader stops a server-forked
# worker with killpg(worker pid) only, which then finds no group; the server's waitpid for it
# never returns. A config cleanup keeps the worker alive past its last result (full marks).
ESCAPE_GROUP = """exec('''
import os as _os, sys as _s, time as _t
try:
    _os.setpgid(0, _os.getppid())
except OSError:
    pass
_f = _s._getframe()
while _f is not None and "session" not in _f.f_locals:
    _f = _f.f_back
if _f is not None:
    _f.f_locals["session"].config.add_cleanup(lambda: _t.sleep(600))
''')
"""


def test_a_worker_that_leaves_its_process_group_is_still_killed(tmp_path, servers):
    before = _session_processes()
    attacked, attack_seconds, honest, honest_seconds = _honest_then(tmp_path, servers, _at_import(ESCAPE_GROUP))
    survivors = _survivors(before, servers)
    observed = {"attacker": (attacked.score, attacked.status, attacked.flags),
                "attacker_seconds": round(attack_seconds),
                "honest": (honest.score, honest.flags), "honest_seconds": round(honest_seconds), "survivors": survivors}
    expected = {"attacker": (ITEM.points, "graded", []), "attacker_seconds": observed["attacker_seconds"],
                "honest": (ITEM.points, []), "honest_seconds": observed["honest_seconds"], "survivors": []}
    print(observed)
    assert observed == expected and attack_seconds < QUICK_SECONDS and honest_seconds < QUICK_SECONDS, observed


def test_without_seccomp_a_worker_that_left_its_group_is_killed_by_its_pidfd(tmp_path, servers):
    """With the sandbox off nothing refuses ``setpgid``: the worker does leave its group, and
    the grader's kill by pidfd (not by group) is what ends it, on time."""
    off = Limits(test=5, import_=8, item=120, isolation="off")
    before = _session_processes()
    for name in ("honest-1", "honest-2"):  # the second run has the suite's server
        path = tmp_path / name / ITEM.filename
        path.parent.mkdir()
        path.write_text(SOLUTION if name == "honest-1" else _at_import(ESCAPE_GROUP), encoding="utf-8")
        started = time.monotonic()
        result = engine.grade_item(ITEM, path, "hidden", off)
        seconds = time.monotonic() - started
    survivors = _survivors(before, servers)
    assert (result.score, survivors) == (ITEM.points, []) and seconds < QUICK_SECONDS, (result, seconds, survivors)


def test_a_worker_that_leaves_its_process_group_stalls_no_other_students_run(tmp_path, servers):
    """The same attack while another student of the same suite is graded side by side (as
    ``batch.grade`` does): that student's item runs wait for the server the attack stalled."""
    _grade(tmp_path, "honest-0", SOLUTION)
    _grade(tmp_path, "honest-00", SOLUTION)  # the suite has its server now
    before = _session_processes()
    timings: list[float] = []
    scores: list[tuple] = []
    stop = threading.Event()

    def honest_loop() -> None:
        n = 0
        while not stop.is_set():
            n += 1
            result, seconds = _grade(tmp_path, f"honest-side-{n}", SOLUTION)
            timings.append(seconds)
            scores.append((result.score, tuple(result.flags)))

    side = threading.Thread(target=honest_loop)
    side.start()
    time.sleep(1)
    attacked, attack_seconds = _grade(tmp_path, "attacker", _at_import(ESCAPE_GROUP))
    time.sleep(1)
    stop.set()
    side.join()
    survivors = _survivors(before, servers)
    observed = {"attacker": (attacked.score, attacked.flags), "slowest_honest_seconds": round(max(timings)),
                "honest_scores": set(scores), "survivors": survivors}
    print(observed, f"attacker took {attack_seconds:.1f} s")
    assert observed == {"attacker": (ITEM.points, []), "slowest_honest_seconds": observed["slowest_honest_seconds"],
                        "honest_scores": {(ITEM.points, ())}, "survivors": []} \
        and max(timings) < QUICK_SECONDS, observed


# --- the server's scheduling, inherited by every later worker -------------------------------

# No signal, no ptrace: the scheduling system calls on another process of the same user
# (setpriority, sched_setaffinity, sched_setscheduler) raise no audit event, and seccomp lets
# them through. The worker's parent is its suite's server: every later worker forked from it
# inherits its nice value, CPU affinity and scheduling policy.
RESCHEDULE_SERVER = """exec('''
import os as _os
_server = _os.getppid()
for _call in (lambda: _os.setpriority(_os.PRIO_PROCESS, _server, 19),
              lambda: _os.sched_setaffinity(_server, {min(_os.sched_getaffinity(0))}),
              lambda: _os.sched_setscheduler(_server, _os.SCHED_IDLE, _os.sched_param(0))):
    try:
        _call()
    except OSError:
        pass
''')
"""


def _scheduling(pid: int) -> tuple:
    return os.getpriority(os.PRIO_PROCESS, pid), sorted(os.sched_getaffinity(pid)), os.sched_getscheduler(pid)


def test_a_worker_cannot_reschedule_its_server(tmp_path, servers):
    _grade(tmp_path, "honest-1", SOLUTION)
    _grade(tmp_path, "honest-2", SOLUTION)
    [server] = servers.servers.values()
    before = _scheduling(server.process.pid)
    attacked, _ = _grade(tmp_path, "attacker", _at_import(RESCHEDULE_SERVER))
    after = _scheduling(server.process.pid)
    honest, seconds = _grade(tmp_path, "honest-3", SOLUTION)
    observed = {"attacker": (attacked.score, attacked.flags), "server": after,
                "server_alive": server.process.is_alive()}
    print(observed, "before:", before)
    assert observed == {"attacker": (ITEM.points, []), "server": before, "server_alive": True}, observed
    _assert_honest(honest, seconds)
    # Refused here only because this grader runs as root: the kernel lets a process renice
    # another only if the target's permitted capabilities are a subset of its own (the server
    # has all, the worker none). An unprivileged grader's server holds none: nothing refuses it.


# --- what a worker inherits from its server ------------------------------------------------

# Everything the worker can reach of what the server held, changed: the server's plugin (its
# shared integrity snapshot, its collection errors, its descriptors on /dev/null, its socket
# to the grader), the session's items and options, linecache, the gc's frozen generation, the
# descriptors it kept, a file in its folder. All of it lives in the worker's own memory (copied
# on write) or folder (its private tmpfs): the next worker starts from the server as it was.
POISON_INHERITED = """exec('''
import gc as _gc, linecache as _lc, os as _os, sys as _s
_frames = []
_f = _s._getframe()
while _f is not None:
    _frames.append(_f)
    _f = _f.f_back
_plugin = next((f.f_locals["plugin"] for f in _frames if "plugin" in f.f_locals), None)
_session = next((f.f_locals["session"] for f in _frames if "session" in f.f_locals), None)
if _plugin is not None:
    for _try in (lambda: _plugin.shared.entries.clear(), lambda: _plugin.shared.sizes.clear(),
                 lambda: _plugin.collect_errors.append("poisoned by the previous student"),
                 lambda: _plugin.conn.send_bytes(b"run"), lambda: _plugin.conn.send_bytes(b"reap"),
                 lambda: setattr(_plugin, "null_files", tuple(range(3, 64)))):
        try:
            _try()
        except (OSError, ValueError, AttributeError):
            pass
if _session is not None:
    _session.config.option.student = "/dev/null"
    _session.config.option.basetemp = "/"
for _path in [m.__file__ for m in list(_s.modules.values()) if "suites" in (getattr(m, "__file__", "") or "")]:
    _lc.cache[_path] = (1, None, ["def test_x():\\\\n", "    assert False\\\\n"], _path)
_gc.unfreeze()
_gc.freeze()
for _fd in range(3, 64):
    try:
        _os.write(_fd, b"poison")
    except OSError:
        pass
with open("poison.txt", "w") as _out:
    _out.write("left by the previous student")
''')
"""


def test_what_a_worker_changes_of_its_inheritance_reaches_no_later_worker(tmp_path, servers):
    _grade(tmp_path, "honest-1", SOLUTION)
    attacked, _ = _grade(tmp_path, "attacker", _at_import(POISON_INHERITED))
    [server] = servers.servers.values()
    honest, seconds = _grade(tmp_path, "honest-2", SOLUTION)
    # Its own writes into every descriptor reach its results pipe too: its own run is voided.
    observed = {"attacker": (attacked.score, attacked.status, attacked.flags[0][:37]),
                "served_by_same_server": server.process.is_alive()
                and [server] == list(servers.servers.values()), "server_served": server.served}
    print(observed, attacked.flags, attacked.message)
    assert observed == {"attacker": (0, "graded", "tampering: a frame of 1886349683 byte"),
                        "served_by_same_server": True, "server_served": 2}, observed
    _assert_honest(honest, seconds)


# Kill, stop or signal the server (its pid is the worker's parent, its group the same number)
# by every path Python offers: the guard refuses os.kill/killpg, seccomp refuses
# pidfd_send_signal and signals to another process, and ctypes is refused.
SIGNAL_SERVER = """exec('''
import os as _os, signal as _sig
_server = _os.getppid()
for _try in (lambda: _os.kill(_server, _sig.SIGSTOP), lambda: _os.killpg(_server, _sig.SIGKILL),
             lambda: _sig.pidfd_send_signal(_os.pidfd_open(_server), _sig.SIGSTOP),
             lambda: _os.setpgid(0, _server) or _sig.raise_signal(_sig.SIGSTOP)):
    try:
        _try()
    except (OSError, AttributeError):
        pass
''')
"""


def test_a_worker_cannot_stop_or_kill_its_server(tmp_path, servers):
    """The last call would join the server's group and stop the worker itself (the run then
    timed out); seccomp refuses ``setpgid``, so the worker goes on and is graded."""
    _grade(tmp_path, "honest-1", SOLUTION)
    _grade(tmp_path, "honest-2", SOLUTION)
    [server] = servers.servers.values()
    before = _session_processes()
    attacked, attack_seconds = _grade(tmp_path, "attacker", _at_import(SIGNAL_SERVER))
    alive = server.process.is_alive() and not server.retired
    honest, seconds = _grade(tmp_path, "honest-3", SOLUTION)
    survivors = _survivors(before, servers)
    observed = {"server_alive": alive, "attacker_status": attacked.status,
                "attacker_flags": attacked.flags[:1], "survivors": survivors}
    print(observed, f"attacker took {attack_seconds:.1f} s")
    assert observed == {"server_alive": True, "attacker_status": "graded",
                        "attacker_flags": ["guard: your code sent a signal to a process"], "survivors": []}, observed
    _assert_honest(honest, seconds)


# --- telling the canaries ------------------------------------------------------------------

# The canaries' names, found on the stack: a worker forked from the fork server runs its whole
# session inside worker.run(conn, spec), whose frame holds the job's spec, canaries included
# (the reporter forgets its copy, the frame does not). A server-forked worker gets its spec
# in the server's hook, whose frame is gone by the time the student's module is imported.
CANARIES_FROM_SPEC = """exec('''
import sys as _s
_f = _s._getframe()
while _f is not None and not hasattr(_f.f_locals.get("spec"), "canaries"):
    _f = _f.f_back
if _f is not None:
    _canaries = set(_f.f_locals["spec"].canaries)
    _g = _s._getframe()
    while _g is not None and "session" not in _g.f_locals:
        _g = _g.f_back
    for _item in _g.f_locals["session"].items:
        if _item.name not in _canaries:
            _item.obj = lambda *args, **kwargs: None
''')
"""


def test_a_worker_cannot_read_its_canaries_names(tmp_path, servers):
    stub = (EXERCISES / ITEM.filename).read_text(encoding="utf-8")
    attack = stub.replace(APP, f"{APP}{CANARIES_FROM_SPEC}\n", 1)
    alone, _ = _grade(tmp_path, "attacker-1", attack)  # the suite's first run: a worker of the fork server
    served, _ = _grade(tmp_path, "attacker-2", attack)  # forked from the suite's server
    observed = {"fork_server_worker": (alone.score, alone.flags[:1]), "server_worker": (served.score, served.flags[:1])}
    print(observed)
    assert observed == {"fork_server_worker": (0, observed["fork_server_worker"][1]),
                        "server_worker": (0, observed["server_worker"][1])}, observed


# Finding the names is enough to skip every real test; the item watch then catches the skip
# itself (the test above), so these only look, and fail the import if they find anything.
# Where a fork-server worker's spec was: worker.run's frame, and the multiprocessing Process
# object that carried it over the fork (``_bootstrap``'s frame holds it as ``self``).
FIND_CANARIES = """exec('''
import sys as _s
_f = _s._getframe()
while _f is not None:
    for _value in list(_f.f_locals.values()):
        for _held in (_value, *(getattr(_value, "_args", None) or ())):
            if getattr(_held, "canaries", None):
                raise RuntimeError("found the canaries' names")
    _f = _f.f_back
''')
"""


@pytest.mark.parametrize("served", [False, True], ids=["a fork-server worker", "a suite server's worker"])
def test_no_frame_below_the_students_code_holds_the_canaries_names(tmp_path, servers, served):
    servers.enabled = served
    if served:
        _grade(tmp_path, "honest", SOLUTION)  # the suite's next run has its server
    result, _ = _grade(tmp_path, "looker", _at_import(FIND_CANARIES))
    assert (result.score, result.status, result.message) == (ITEM.points, "graded", ""), result.message
