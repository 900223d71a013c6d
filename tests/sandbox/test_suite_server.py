"""Suite servers: a suite collected once, a worker forked from it per item run.

Each test's evidence is where things ran: a probe suite reports, through its failure
message, the process that imported (collected) it, the process that ran its test and
that process's parent.
"""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

from autograder.paths import SOLUTIONS
from autograder.sandbox import channel, engine, suite_server, worker
from autograder.sandbox.limits import Limits
from tests.conftest import COURSE

ITEM = COURSE.item("async01_why_async")
LIMITS = Limits(test=30, import_=30, item=120)
PROBE = '''
import logging
import os

COLLECTED_IN = os.getpid()


def held():
    kinds = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            kinds.append(os.readlink(f"/proc/self/fd/{fd}").split(":")[0])
        except OSError:
            pass  # the listing's own descriptor
    return sorted(kinds)


def test_where():
    assert False, f"collected={COLLECTED_IN} ran={os.getpid()} parent={os.getppid()} fds={','.join(held())} {VERSION}"


def test_logs(tmp_path):
    files = [open(tmp_path / f"data{n}.txt", "w") for n in range(8)]
    logging.getLogger("probe").warning("a log line")
    for file in files:
        file.close()
    logged = [n for n in range(8) if "a log line" in (tmp_path / f"data{n}.txt").read_text()]
    assert False, f"logged={logged or 'nowhere'} {VERSION}"
'''



def _suite(tmp_path: Path, version: str = "1", conftest: str = 'pytest_plugins = ("autograder.kit.fixtures",)\n',
           name: str = "test_probe.py") -> Path:
    suites = tmp_path / "suites"
    (suites / "hidden").mkdir(parents=True, exist_ok=True)
    (suites / "conftest.py").write_text(conftest, encoding="utf-8")
    suite = suites / "hidden" / name
    suite.write_text(PROBE + f"\nVERSION = {version!r}\n", encoding="utf-8")
    return suite


def _probe(tmp_path: Path, suite: Path, test: str = "test_where") -> dict[str, str]:
    """Run the probe suite in one worker; what ``test`` reported (or why it reported nothing)."""
    student = tmp_path / ITEM.filename
    student.write_text((SOLUTIONS / ITEM.filename).read_text(encoding="utf-8"), encoding="utf-8")
    spec = worker.WorkerSpec(suite=str(suite), student_file=str(student), item_id=ITEM.id,
                             resources=LIMITS.resources)
    attempt = engine._run_worker(ITEM, spec, LIMITS, time.monotonic() + LIMITS.item, channel.Budget())
    result = attempt.results.get(test)
    if result is None:
        return {"ended": str(attempt.ended), "message": attempt.message}
    return dict(re.findall(r"(\w+)=(\S+)", result.message)) | {"version": result.message.rsplit(" ", 1)[-1]}


def _server_pid(pool: suite_server.Servers, suite: Path) -> int:
    [server] = [s for key, s in pool.servers.items() if key[0] == str(suite)]
    return server.process.pid


def _served(tmp_path: Path, suite: Path, test: str = "test_where") -> dict[str, str]:
    """Probe a suite that has run once already: from the second item run on, it has a server."""
    _probe(tmp_path, suite, test)
    return _probe(tmp_path, suite, test)


def test_a_suite_gets_a_server_at_its_second_item_run_and_keeps_it(tmp_path, servers):
    suite = _suite(tmp_path)
    alone = _probe(tmp_path, suite)
    assert alone["collected"] == alone["ran"] and servers.servers == {}  # check and progress run a suite once
    first, second = _probe(tmp_path, suite), _probe(tmp_path, suite)
    server = _server_pid(servers, suite)
    assert first["collected"] == second["collected"] == first["parent"] == second["parent"] == str(server)
    assert len({first["ran"], second["ran"], str(server)}) == 3  # a worker of its own each time


def test_without_servers_each_worker_collects_for_itself(tmp_path, servers):
    servers.enabled = False
    report = _served(tmp_path, _suite(tmp_path))
    assert report["collected"] == report["ran"]
    assert servers.servers == {}


def test_a_worker_holds_no_descriptor_of_its_server(tmp_path, servers):
    """Its first act closes every descriptor but its results pipe: the server's socket too."""
    report = _served(tmp_path, _suite(tmp_path))
    assert "socket" not in report["fds"].split(","), report
    assert report["fds"].split(",").count("pipe") == 1, report  # the results pipe


def test_a_changed_suite_gets_a_new_server(tmp_path, servers):
    suite = _suite(tmp_path)
    before = _served(tmp_path, suite)
    old = _server_pid(servers, suite)
    old_server = servers.servers[next(iter(servers.servers))]
    _suite(tmp_path, version="2, changed")
    after = _served(tmp_path, suite)
    assert not old_server.process.is_alive()  # retired
    assert (before["version"], after["version"]) == ("1", "changed")
    assert after["collected"] == str(_server_pid(servers, suite)) != str(old)


def test_a_killed_server_costs_one_ordinary_worker_then_is_replaced(tmp_path, servers):
    suite = _suite(tmp_path)
    _served(tmp_path, suite)
    killed = _server_pid(servers, suite)
    os.kill(killed, signal.SIGKILL)
    fallback = _probe(tmp_path, suite)
    assert fallback["collected"] == fallback["ran"]  # forked from the fork server, collected itself
    replaced = _probe(tmp_path, suite)
    assert replaced["collected"] == replaced["parent"] == str(_server_pid(servers, suite)) != str(killed)


def test_a_suite_whose_server_cannot_start_is_graded_by_ordinary_workers(tmp_path, servers):
    """A conftest that fails ends pytest before collection: the server never serves, and the
    ordinary worker is the one that meets the error (as it did before there were servers)."""
    suite = _suite(tmp_path, conftest="raise RuntimeError('a broken conftest')\n")
    servers.enabled = False
    before_servers = _probe(tmp_path, suite)
    servers.enabled = True
    report = _served(tmp_path, suite)
    assert report == before_servers and report["ended"] == "crashed"
    assert [key[0] for key in servers.refused] == [str(suite)]
    assert servers.servers == {}


def test_the_server_reaps_every_worker(tmp_path, servers):
    suite = _suite(tmp_path)
    for _ in range(4):
        _probe(tmp_path, suite)
    server = _server_pid(servers, suite)
    children = Path(f"/proc/{server}/task/{server}/children").read_text().split()
    assert children == []  # no zombie (nor live worker) left behind


def test_the_least_recently_used_server_is_retired_past_the_limit(tmp_path, servers):
    servers.limit = 1
    first = _suite(tmp_path, name="test_probe.py")
    second = _suite(tmp_path, name="test_other.py")
    _served(tmp_path, first)
    old = servers.servers[next(iter(servers.servers))]
    report = _served(tmp_path, second)
    assert [key[0] for key in servers.servers] == [str(second)]
    assert report["collected"] == str(_server_pid(servers, second))
    assert not old.process.is_alive()


def test_what_the_session_writes_to_never_lands_in_the_students_files(tmp_path, servers):
    """pytest's log file handler, opened in the server, writes to /dev/null: a worker keeps
    that descriptor. Closed, its number went to a file the student's code opened next (the
    capstone's SQLite database), and the log lines landed there: a 500 on a valid request."""
    assert _served(tmp_path, _suite(tmp_path), "test_logs")["logged"] == "nowhere"


def test_a_server_that_stops_answering_is_killed_and_costs_one_ordinary_worker(tmp_path, servers, monkeypatch):
    monkeypatch.setattr(suite_server, "REPLY_SECONDS", 0.2)
    suite = _suite(tmp_path)
    _served(tmp_path, suite)
    stuck = servers.servers[next(iter(servers.servers))]
    os.kill(stuck.process.pid, signal.SIGSTOP)
    report = _probe(tmp_path, suite)
    assert report["collected"] == report["ran"]  # the job went to an ordinary worker
    assert stuck.closed and not stuck.process.is_alive() and servers.servers == {}
    assert servers.refused == set()  # it served before: the next job starts a new server
    assert _probe(tmp_path, suite)["collected"] == str(_server_pid(servers, suite))
