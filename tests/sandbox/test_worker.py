"""What runs inside a worker process, in the parts that can be run on their own.

``worker.run`` itself runs only in a worker the engine forks: tests/sandbox/test_protocol.py
runs real workers down six paths (sandboxed, import error, crash, collection error, worker
error, sandbox error), and every graded item goes through one. Here: the kernel limits, the
descriptors a worker closes and the output it captures, each in a fresh interpreter (they
change the process for good), the capped stream, and the spec that crosses to the fork server.
"""

from __future__ import annotations

import errno
import json
import pickle

import pytest

from autograder.sandbox import confine, worker
from autograder.sandbox.limits import ResourceLimits
from tests.support.processes import run_python


def test_the_capped_stream_keeps_the_first_characters_and_counts_the_rest():
    out = worker._CappedOutput(5)
    assert [out.write("abc"), out.write("defgh"), out.write(7)] == [3, 5, 1]  # the whole length, always
    assert ("".join(out.kept), out.size, out.dropped) == ("abcde", 5, 4)
    assert (out.encoding, out.errors, out.isatty(), out.writable(), out.flush()) == ("utf-8", "replace", False, True,
                                                                                     None)
    with pytest.raises(OSError, match="the grader captures output: it has no file descriptor"):
        out.fileno()


def test_a_spec_is_plain_data_that_crosses_to_the_fork_server():
    spec = worker.WorkerSpec("suite.py", "student.py", "async01_why_async", skip=("test_a",), canaries=("test_b",),
                             protected=("/suites",), resources=ResourceLimits(cpu_seconds=5),
                             policy=confine.Policy(job="/job", read=(), level="strict"))
    assert pickle.loads(pickle.dumps(spec)) == spec


LIMIT = """
import json, resource, signal, sys
from autograder.sandbox import worker
from autograder.sandbox.limits import ResourceLimits

resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))  # a hard limit below the one asked for
worker._limit(ResourceLimits(cpu_seconds=7, memory_bytes=2 << 30, file_bytes=1 << 20, open_files=512,
                             processes=300))
limits = {name: resource.getrlimit(getattr(resource, name))
          for name in ("RLIMIT_CPU", "RLIMIT_AS", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_NPROC")}
try:
    with open(sys.argv[2], "wb") as big:
        big.write(b"x" * (2 << 20))
    failed = None
except OSError as exc:
    failed = exc.errno
with open(sys.argv[1], "w") as out:
    json.dump({"limits": limits, "ignored": signal.getsignal(signal.SIGXFSZ) == signal.SIG_IGN,
               "failed": failed}, out)
"""


def test_the_kernel_limits_are_set_soft_and_hard_and_a_large_file_fails_instead_of_killing(tmp_path):
    done = run_python(LIMIT, str(tmp_path / "out.json"), str(tmp_path / "big"))
    assert done.returncode == 0, done.stderr
    found = json.loads((tmp_path / "out.json").read_text())
    assert found["limits"] == {"RLIMIT_CPU": [7, 7], "RLIMIT_AS": [2 << 30] * 2, "RLIMIT_FSIZE": [1 << 20] * 2,
                               "RLIMIT_NOFILE": [64, 64], "RLIMIT_NPROC": [300, 300]}  # never above a hard limit
    assert found["ignored"] and found["failed"] == errno.EFBIG
    assert (tmp_path / "big").stat().st_size == 1 << 20


CLOSE = """
import json, os, sys
from autograder.sandbox import worker

pipes = [fd for _ in range(3) for fd in os.pipe()]
worker._close_inherited(pipes[2])


def is_open(fd):
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


found = {"pipes": pipes, "open": [fd for fd in (0, 1, 2, *pipes) if is_open(fd)]}  # before opening another
with open(sys.argv[1], "w") as out:
    json.dump(found, out)
"""


def test_a_worker_keeps_stdio_and_its_results_pipe_and_closes_every_other_descriptor(tmp_path):
    done = run_python(CLOSE, str(tmp_path / "out.json"))
    assert done.returncode == 0, done.stderr
    found = json.loads((tmp_path / "out.json").read_text())
    assert found["open"] == [0, 1, 2, found["pipes"][2]]


CAPTURE = """
import json, os, sys
from autograder.sandbox import worker

out = open(sys.argv[1], "w")
worker._capture_output(10)
print("printed: more than ten characters")
sys.stderr.write("to stderr")
os.write(1, b"written below Python\\n")
os.write(2, b"written below Python\\n")
json.dump({"kind": type(sys.stdout).__name__, "kept": "".join(getattr(sys.stdout, "kept", [])),
           "dropped": getattr(sys.stdout, "dropped", None), "errors": "".join(getattr(sys.stderr, "kept", [])),
           "same": sys.__stdout__ is sys.stdout and sys.__stderr__ is sys.stderr}, out)
out.close()
"""


def test_the_students_output_is_captured_and_capped_and_the_descriptors_go_nowhere(tmp_path):
    done = run_python(CAPTURE, str(tmp_path / "out.json"))
    assert done.returncode == 0 and (done.stdout, done.stderr) == ("", "")
    found = json.loads((tmp_path / "out.json").read_text())
    printed = "printed: more than ten characters\n"
    assert found == {"kind": "_CappedOutput", "kept": printed[:10], "dropped": len(printed) - 10,
                     "errors": "to stderr", "same": True}


def test_worker_debug_keeps_the_output_on_the_terminal(tmp_path):
    done = run_python(CAPTURE, str(tmp_path / "out.json"), env={"WORKBOOK_WORKER_DEBUG": "1"})
    assert done.returncode == 0
    assert done.stdout == "printed: more than ten characters\nwritten below Python\n"
    assert done.stderr == "to stderrwritten below Python\n"
    assert json.loads((tmp_path / "out.json").read_text())["kind"] == "TextIOWrapper"
