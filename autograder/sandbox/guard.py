"""Guards installed in a worker before student code runs: refuse, record, report.

The student's module shares the worker process with pytest and the hidden suite (that
is what in-process ``TestClient`` grading means), so the worker protects itself with a
PEP 578 audit hook. Audit hooks cannot be removed once added, and the hook keeps every
function it relies on in its own closure, so replacing ``os.path`` or this module's
globals later changes nothing.

Two kinds of rule:

* **never after the import**: starting processes, signalling other processes, raising
  resource limits, non-loopback network traffic, ``ctypes``, walking ``gc`` objects,
  ``sys.settrace``/``sys.setprofile``, new audit hooks, replacing a function's code.
  Neither pytest nor the grader needs any of them once the tests are collected.
* **files, when the caller is the student**: reading the hidden suites, the solutions
  or other students' copies, and writing, deleting or renaming outside the student's
  own folder. The student is the caller when a frame of code that does not live in the
  standard library, site-packages or the grader is on the stack, or when the call
  comes from any thread but the main one (the app runs in TestClient's portal thread;
  the grader's own reads happen on the main thread).

A refusal raises ``PermissionError`` in the student's code and is reported once per
rule through ``report`` (the grader turns it into a flag on the item).
"""

from __future__ import annotations

import ipaddress
import os
import sys
import sysconfig
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from types import MappingProxyType

Report = Callable[[str], None]

# Event -> the rule's readable name, for events refused whoever calls them.
ALWAYS_REFUSED: dict[str, str] = {
    "os.fork": "started a process",
    "os.forkpty": "started a process",
    "os.posix_spawn": "started a process",
    "os.spawn": "started a process",
    "os.exec": "started a process",
    "os.system": "started a process",
    "os.startfile": "started a process",
    "subprocess.Popen": "started a process",
    "pty.spawn": "started a process",
    "os.kill": "sent a signal to a process",
    "os.killpg": "sent a signal to a process",
    "signal.pthread_kill": "sent a signal to a process",
    "resource.setrlimit": "changed the worker's resource limits",
    "resource.prlimit": "changed the worker's resource limits",
    "ctypes.dlopen": "used ctypes",
    "ctypes.dlsym": "used ctypes",
    "ctypes.dlsym/handle": "used ctypes",
    "ctypes.cdata": "used ctypes",
    "ctypes.cdata/buffer": "used ctypes",
    "ctypes.addressof": "used ctypes",
    "ctypes.call_function": "used ctypes",
    "ctypes.string_at": "used ctypes",
    "ctypes.wstring_at": "used ctypes",
    "gc.get_objects": "walked the garbage collector's objects",
    "gc.get_referrers": "walked the garbage collector's objects",
    "gc.get_referents": "walked the garbage collector's objects",
    "sys.settrace": "installed a trace function (sys.settrace)",
    "sys.setprofile": "installed a profile function (sys.setprofile)",
    "sys._current_frames": "inspected other threads' frames",
    "sys.addaudithook": "added an audit hook",
}
NETWORK_EVENTS = {"socket.connect", "socket.sendto", "socket.sendmsg"}
WRITE_EVENTS = {"os.remove": 0, "os.rmdir": 0, "os.truncate": 0, "os.chmod": 0, "os.chown": 0, "os.utime": 0,
                "shutil.rmtree": 0, "os.rename": 0, "os.link": 1, "os.symlink": 1, "os.mkdir": 0}
READ_EVENTS = {"os.listdir", "os.scandir", "glob.glob"}
LOOPBACK_NAMES = {"localhost", "testserver", "ip6-localhost"}


def is_loopback(address: object) -> bool:
    """Whether a socket address stays on this machine (AF_UNIX paths always do)."""
    if isinstance(address, (str, bytes)):
        return True  # a Unix socket path
    if not isinstance(address, tuple) or not address:
        return False
    host = address[0]
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False  # a host name other than localhost: resolving it would already leave the machine


def is_address(host: object) -> bool:
    """Whether ``host`` is an IP literal (looking it up asks no name server)."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    try:
        ipaddress.ip_address(str(host).split("%", 1)[0])
    except ValueError:
        return False
    return True


def trusted_roots() -> tuple[str, ...]:
    """Where the code that may touch protected files lives: Python itself and the grader."""
    roots = {sysconfig.get_paths()[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots.add(str(Path(__file__).resolve().parents[1]))  # the whole package: sandbox, kit, suites
    import _pytest
    import pluggy

    roots.update(str(Path(m.__file__).resolve().parent) for m in (_pytest, pluggy))
    return tuple(sorted(os.path.realpath(r) + os.sep for r in roots))


def install(*, student_file: Path, protected: Iterable[Path], writable: Iterable[Path],
            report: Report) -> Callable[[str, tuple], None]:
    """Add the audit hook. Call it once, after collection, before importing student code.

    ``writable`` folders (the student's own, its temporary folder) may be read and
    written; ``protected`` ones (suites, solutions, other students) may not be read.
    """
    return _install(student_file, tuple(protected), tuple(writable), report)


def _install(student_file: Path, protected: tuple[Path, ...], writable: tuple[Path, ...],
             report: Report) -> Callable[[str, tuple], None]:
    realpath = os.path.realpath
    fspath = os.fspath
    getframe = sys._getframe
    current_thread = threading.current_thread
    main_thread = threading.main_thread()
    refused_error = PermissionError
    trusted = trusted_roots()
    student = realpath(student_file)
    protected_roots = tuple(realpath(p) + os.sep for p in protected)
    writable_roots = (*(realpath(p) + os.sep for p in writable), "/dev/null" + os.sep)
    reported: set[str] = set()
    is_loopback_ = is_loopback
    is_address_ = is_address
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
    # The tables are copied into the closure: emptying the module's dicts changes nothing.
    always_refused = MappingProxyType(dict(ALWAYS_REFUSED))
    network_events = frozenset(NETWORK_EVENTS)
    write_events = MappingProxyType(dict(WRITE_EVENTS))
    read_events = frozenset(READ_EVENTS)
    # Every event a rule below reads. The interpreter calls the hook for every audited call
    # (``id()`` alone, some 3,000 times in a suite's run): the others leave at one lookup.
    handled = frozenset({*always_refused, *network_events, *write_events, *read_events, "socket.getaddrinfo",
                         "object.__setattr__", "sqlite3.connect", "open", "os.link"})

    stdlib = tuple(os.path.realpath(sysconfig.get_paths()[key]) + os.sep for key in ("stdlib", "platstdlib"))
    site = tuple(os.path.realpath(sysconfig.get_paths()[key]) + os.sep for key in ("purelib", "platlib"))

    def is_student(name: str) -> bool:
        return name == student or (not name.startswith(trusted) and not name.startswith("<frozen "))

    def from_student() -> bool:
        """Student code anywhere on the stack, or another thread than the main one."""
        if current_thread() is not main_thread:
            return True
        frame = getframe(2)
        while frame is not None:
            if is_student(frame.f_code.co_filename):
                return True
            frame = frame.f_back
        return False

    def read_by_student() -> bool:
        """Whether the innermost caller outside the standard library is the student's.

        A library reading a file on its own account (FastAPI looking up an endpoint's
        source line for an error, with the student's app further up the stack) is not
        the student reading it; the kernel sandbox refuses the read either way.
        """
        frame = getframe(2)
        while frame is not None:
            name = frame.f_code.co_filename
            if not (name.startswith(stdlib) and not name.startswith(site)) and not name.startswith("<frozen "):
                return is_student(name)
            frame = frame.f_back
        return current_thread() is not main_thread

    def refuse(rule: str, detail: str) -> None:
        if rule not in reported:
            reported.add(rule)
            try:
                report(rule)
            except Exception:  # noqa: BLE001 - a broken pipe must not hide the refusal
                pass
        raise refused_error(f"workbook: your code {rule} ({detail}), which is not allowed while grading")

    def path_of(value: object) -> str | None:
        try:
            return realpath(fspath(value))  # type: ignore[arg-type]
        except (TypeError, ValueError, OSError):
            return None  # a file descriptor or an odd value: nothing to compare

    def hook(event: str, args: tuple) -> None:
        if event not in handled:
            return
        rule = always_refused.get(event)
        if rule is not None:
            refuse(rule, event)
        if event in network_events:
            address = args[-1] if event != "socket.sendmsg" else (args[-1] if len(args) > 1 else None)
            if not is_loopback_(address):
                refuse("opened a connection beyond this machine", f"{event} to {address!r}")
            return
        if event == "socket.getaddrinfo":
            if args[0] is not None and not is_loopback_((args[0],)) and not is_address_(args[0]):
                refuse("looked up a host name beyond this machine", f"getaddrinfo({args[0]!r})")
            return
        if event == "object.__setattr__" and len(args) > 1 and args[1] == "__code__":
            refuse("replaced a function's code", "__code__ assignment")
        if event == "sqlite3.connect":
            # sqlite3 creates and writes its file itself: a write, whatever the name says.
            name = os.fsdecode(args[0]) if args and isinstance(args[0], (str, bytes, os.PathLike)) else ""
            if name.startswith("file:"):  # a URI: its path, and whether it asks to write
                name, _, query = name[5:].partition("?")
                name = name.removeprefix("//localhost").removeprefix("//")
                if "mode=memory" in query or not name:
                    return
                event, args = "open", (name, "r" if "mode=ro" in query else "w")
            elif name in ("", ":memory:"):
                return
            else:
                event, args = "open", (name, "w")
        if event == "open" or event in read_events:
            path = path_of(args[0] if args else ".")
            if path is None or (path + os.sep).startswith(writable_roots):
                return
            mode = args[1] if event == "open" and len(args) > 1 and isinstance(args[1], str) else "r"
            if event == "open" and len(args) > 2 and args[1] is None and isinstance(args[2], int) \
                    and args[2] & write_flags:
                mode = "w"  # os.open: the flags, not a mode, say it writes
            if (path + os.sep).startswith(protected_roots):
                if read_by_student():
                    refuse("read the grader's files", f"{event}({path!r})")
            elif any(c in mode for c in "wax+") and from_student():
                refuse("wrote outside its own folder", f"open({path!r}, {mode!r})")
            return
        if event == "os.link" and args:
            source = path_of(args[0])  # a hard link to a protected file is a way to read it
            if source is not None and (source + os.sep).startswith(protected_roots) and read_by_student():
                refuse("read the grader's files", f"os.link({source!r})")
        index = write_events.get(event)
        if index is not None and len(args) > index:
            path = path_of(args[index])
            if path is not None and not (path + os.sep).startswith(writable_roots) and from_student():
                refuse("changed files outside its own folder", f"{event}({path!r})")

    sys.addaudithook(hook)
    return hook  # the reporter watches its closure: a cell emptied would switch a rule off
