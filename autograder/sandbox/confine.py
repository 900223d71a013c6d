"""The worker's kernel sandbox: what student code cannot do, whatever Python it runs.

The audit hook in :mod:`autograder.sandbox.guard` sees only what Python reports, and code in
the same interpreter can always reach around it. The boundary is therefore the kernel.
A worker applies every layer to itself right after the fork, before pytest collects
the suite and long before the student's module is imported, and each layer is
inherited by every thread it starts:

* **namespaces** (``unshare``): a private mount namespace, in which the worker's job
  folder becomes a size-capped ``tmpfs`` (the student's copy and the temporary folder
  live there, and vanish with the worker: nothing a worker writes reaches the disk),
  and a private network namespace whose only interface is loopback. As root this needs
  no user namespace; an unprivileged grader gets one that maps its own uid.
* **capabilities**: all dropped, bounding set included (root inside the worker is an
  ordinary user that happens to have uid 0).
* **Landlock** (unprivileged, per process): reading is allowed in the Python
  environment, the system's libraries and the grader's package minus its suites; the
  item's own suite is readable only until collection ends (:func:`seal`); writing only
  in the job folder. Everything else of the project (solutions, other suites, ``.git``,
  tests, other students' copies, the gradebook, the export paths) cannot be opened. ABI
  6 also scopes signals and abstract Unix sockets to the worker itself.
* **seccomp** (libseccomp through ``pyseccomp``): no new process by any path (execve,
  fork, vfork, a non-thread clone, clone3), no signal to another process, no ptrace, no
  leaving its process group, no change to another process's priority or CPUs,
  no namespace, mount, BPF, io_uring or keyring calls, no raised resource limits.

Why Landlock and not bubblewrap: bubblewrap starts a fresh process (``execve``), which
throws away the fork server's imports; a worker would pay 0.6 s of imports instead of
a few milliseconds of fork (measured by ``benchmarks/throughput.py``). Landlock, seccomp
and ``unshare`` apply to the forked process itself.

Where the kernel lacks a layer, :func:`enter` records which one and goes on
(``auto``) or refuses (``strict``). :func:`probe` asks a forked child which layers the
kernel grants, so that the grader can print and record the level before it grades.

Landlock is driven through its three system calls directly: the ``landlock`` package
on PyPI (1.0.0.dev5) knows only the filesystem rights of ABI 1 to 3, none of the TCP
rules (ABI 4) or the signal scoping (ABI 6) this module relies on.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import socket
import struct
import sys
import sysconfig
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from autograder.paths import COURSE, PACKAGE, SUITES

try:  # imported here, in the fork server: a worker must not need to read it after its fork
    import pyseccomp
except (ImportError, OSError):  # pragma: no cover - no libseccomp on this machine
    pyseccomp = None

Level = str  # "strict" | "auto" | "off"
LEVELS = ("strict", "auto", "off")
LAYERS = ("namespaces", "tmpfs", "network", "capabilities", "landlock", "seccomp")
# Where, under any installed copy of the package, the suites and the audit's records are.
COURSE_SUITES = SUITES.relative_to(PACKAGE).parts
COURSE_RECORDS = tuple(path.relative_to(PACKAGE).parts
                       for path in (COURSE / "equivalents.toml", COURSE / "baseline.json"))

# --- Landlock (include/uapi/linux/landlock.h) ----------------------------------------
_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_REMOVE_DIR = 1 << 4
FS_REMOVE_FILE = 1 << 5
FS_MAKE_CHAR = 1 << 6
FS_MAKE_DIR = 1 << 7
FS_MAKE_REG = 1 << 8
FS_MAKE_SOCK = 1 << 9
FS_MAKE_FIFO = 1 << 10
FS_MAKE_BLOCK = 1 << 11
FS_MAKE_SYM = 1 << 12
FS_REFER = 1 << 13      # ABI 2
FS_TRUNCATE = 1 << 14   # ABI 3
FS_IOCTL_DEV = 1 << 15  # ABI 5
NET_BIND_TCP = 1 << 0   # ABI 4
NET_CONNECT_TCP = 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
SCOPE_SIGNAL = 1 << 1

FILE_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
READ = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
LIST = FS_READ_DIR
WRITE = (READ | FS_WRITE_FILE | FS_REMOVE_DIR | FS_REMOVE_FILE | FS_MAKE_DIR | FS_MAKE_REG | FS_MAKE_SOCK
         | FS_MAKE_FIFO | FS_MAKE_SYM | FS_REFER | FS_TRUNCATE)

# --- namespaces, mounts, capabilities --------------------------------------------------
CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
CLONE_NEWCGROUP = 0x02000000
CLONE_THREAD = 0x00010000
NAMESPACE_FLAGS = (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET
                   | CLONE_NEWCGROUP)
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 2, 4, 8, 16384, 1 << 18
PR_SET_NO_NEW_PRIVS, PR_CAPBSET_DROP, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 38, 24, 47, 4
PR_SET_DUMPABLE = 4
_CAPABILITY_VERSION_3 = 0x20080522
SIOCGIFFLAGS, SIOCSIFFLAGS, IFF_UP = 0x8913, 0x8914, 0x1


class SandboxError(Exception):
    """A layer could not be applied (one readable line)."""


@dataclass(frozen=True)
class Rule:
    """One Landlock rule: ``path`` and what may be done beneath it."""

    path: str
    access: int


@dataclass(frozen=True)
class Policy:
    """What one worker may touch, computed by the grader and sent with the job.

    ``job`` is the only writable folder (it becomes a tmpfs of ``job_bytes``); ``read``
    rules stay for the whole run; ``collection`` rules (the item's suite) are dropped by
    :func:`seal` once pytest has collected the tests.
    """

    job: str
    read: tuple[Rule, ...]
    collection: tuple[Rule, ...] = ()
    job_bytes: int = 64 << 20
    job_inodes: int = 4096
    level: Level = "auto"
    unix_sockets: bool = False  # only to reach a database through its socket (the PostgreSQL leg)


@dataclass
class Applied:
    """Which layers the worker has, and why any is missing."""

    layers: dict[str, str] = field(default_factory=dict)
    missing: dict[str, str] = field(default_factory=dict)

    def record(self) -> dict:
        return {"level": level_name(self.missing), "layers": dict(self.layers), "missing": dict(self.missing)}


def level_name(missing: dict[str, str] | Iterable[str]) -> str:
    """``full`` when every layer is in place, ``partial`` otherwise."""
    return "partial" if missing else "full"


# --- libc --------------------------------------------------------------------------


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


_LIBC = _libc()  # loaded in the fork server, before any worker exists


def _check(result: int, what: str) -> int:
    if result < 0 or result == -1:
        code = ctypes.get_errno()
        raise SandboxError(f"{what}: {os.strerror(code)}")
    return result


def _syscall(number: int, *args: object) -> int:
    return _LIBC.syscall(ctypes.c_long(number), *args)


# --- Landlock ----------------------------------------------------------------------


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 when it has none (or it is disabled)."""
    result = _syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    return max(result, 0)


def _handled(abi: int) -> tuple[int, int, int]:
    fs = (1 << 13) - 1
    if abi >= 2:
        fs |= FS_REFER
    if abi >= 3:
        fs |= FS_TRUNCATE
    if abi >= 5:
        fs |= FS_IOCTL_DEV
    net = NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0
    scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0
    return fs, net, scoped


def _restrict(rules: Iterable[Rule], abi: int, *, deny_tcp: bool) -> int:
    """Add one Landlock layer that allows exactly ``rules``; returns how many rules took."""
    fs, net, scoped = _handled(abi)
    if not deny_tcp:
        net = 0
    attr = struct.pack("=QQQ", fs, net, scoped)
    size = 8 if abi < 4 else (16 if abi < 6 else 24)
    buffer = ctypes.create_string_buffer(attr[:size], size)
    ruleset = _check(_syscall(_SYS_CREATE_RULESET, buffer, ctypes.c_size_t(size), ctypes.c_uint32(0)),
                     "landlock_create_ruleset")
    added = 0
    try:
        for rule in rules:
            try:
                fd = os.open(rule.path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue  # a path this machine lacks: nothing to allow
            try:
                access = rule.access & fs
                if not _is_dir_fd(fd):
                    access &= FILE_RIGHTS
                beneath = ctypes.create_string_buffer(struct.pack("=Qi", access, fd), 12)
                _check(_syscall(_SYS_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(_RULE_PATH_BENEATH), beneath,
                                ctypes.c_uint32(0)), f"landlock_add_rule({rule.path})")
                added += 1
            finally:
                os.close(fd)
        _check(_syscall(_SYS_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)), "landlock_restrict_self")
    finally:
        os.close(ruleset)
    return added


def _is_dir_fd(fd: int) -> bool:
    import stat

    return stat.S_ISDIR(os.fstat(fd).st_mode)


# --- rules -------------------------------------------------------------------------

SYSTEM_READ = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/opt/pyenv",
               "/etc/hosts", "/etc/localtime", "/etc/ssl", "/etc/ca-certificates", "/etc/mime.types",
               "/etc/nsswitch.conf", "/etc/host.conf", "/etc/gai.conf", "/etc/resolv.conf", "/etc/ld.so.cache",
               "/etc/passwd", "/etc/group", "/etc/os-release", "/dev/urandom", "/dev/random", "/dev/zero",
               "/dev/null", "/dev/full")
DEVICES_RW = ("/dev/null",)


def python_roots() -> list[str]:
    """The Python installation and environment: interpreter, standard library, site-packages.

    Only ``sys.path`` entries inside the installation, or named like a package folder
    (``site-packages``, ``dist-packages``, an egg or a zip), count: the current folder or a
    script's folder on ``sys.path`` (``python -m`` from one's home, a script in ``/tmp``)
    would otherwise open that whole folder to every student.
    """
    import site

    installs = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    installs.update(p for key in ("stdlib", "platstdlib", "purelib", "platlib")
                    if (p := sysconfig.get_paths().get(key)))
    user_site = site.getusersitepackages() if site.ENABLE_USER_SITE else None
    if user_site and os.path.isdir(user_site):
        installs.add(user_site)
    roots = {os.path.realpath(r) for r in installs}
    for entry in sys.path:
        if not entry or not os.path.isdir(entry):
            continue
        real = os.path.realpath(entry)
        if any(_inside(real, root) for root in roots) or os.path.basename(real) in ("site-packages", "dist-packages") \
                or real.endswith((".egg", ".zip")):
            roots.add(real)
    return sorted(roots)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _allow_except(root: str, excluded: list[str], access: int, out: list[Rule]) -> None:
    """Rules that allow ``root`` whole, or, when an excluded path lies beneath it, every
    sibling along the way (Landlock only allows: a carve-out is a set of smaller rules)."""
    inner = [e for e in excluded if _inside(e, root)]
    if not inner:
        out.append(Rule(root, access))
        return
    if any(e == root for e in inner):
        return
    out.append(Rule(root, LIST))
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        path = os.path.join(root, entry.name)
        if entry.is_dir(follow_symlinks=False):
            _allow_except(path, inner, access, out)
        elif not any(e == path for e in inner):
            out.append(Rule(path, access & FILE_RIGHTS))


def policy_for(job: Path, suite: Path, *, package: Path, project: Path, level: Level = "auto",
               job_bytes: int = 64 << 20) -> Policy:
    """The rules for grading ``suite`` in the job folder ``job``.

    The Python environment and the system's libraries are readable; the project
    (``project``) is not, except the grader's ``package`` minus its suites; of the
    suites, the shared conftest and package files, and the item's own ``suite`` until
    collection ends.
    """
    package, project, suite = (os.path.realpath(p) for p in (package, project, suite))
    suites = os.path.join(package, *COURSE_SUITES)
    # The audit's records say what each hidden suite lets pass: no business of a worker's.
    records = [os.path.join(package, *parts) for parts in COURSE_RECORDS]
    excluded = [suites, project]
    rules: list[Rule] = []
    venv = os.path.realpath(sys.prefix)
    for root in python_roots():
        if _inside(root, project) and not _inside(root, venv):
            continue  # a project folder on sys.path (pytest's pythonpath, the editable finder)
        _allow_except(root, excluded, READ, rules)
    rules.extend(Rule(p, READ) for p in SYSTEM_READ)
    rules.extend(Rule(p, READ | FS_WRITE_FILE) for p in DEVICES_RW)
    _allow_except(package, [suites, *records], READ, rules)
    kind_dir = os.path.dirname(suite)
    rules.append(Rule(suites, LIST))
    rules.extend(Rule(os.path.join(d, name), READ & FILE_RIGHTS)
                 for d in (suites, kind_dir) for name in ("__init__.py", "conftest.py"))
    collection = (Rule(suite, READ & FILE_RIGHTS),)
    return Policy(job=str(job), read=tuple(dict.fromkeys(rules)), collection=collection, level=level,
                  job_bytes=job_bytes, unix_sockets=database_socket())


def database_socket() -> bool:
    """Whether the suites reach a database through a Unix socket (``?host=/path`` in the
    ``WORKBOOK_DATABASE_URL`` of the PostgreSQL leg): only then may workers make one."""
    url = os.environ.get("WORKBOOK_DATABASE_URL", "")
    return "host=/" in url


# --- applying ----------------------------------------------------------------------


def _unshare(flags: int) -> None:
    _check(_LIBC.unshare(ctypes.c_int(flags)), "unshare")


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _namespaces() -> str:
    """A private mount, network and IPC namespace (in a user namespace when not root)."""
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
    if os.geteuid() == 0:
        _unshare(flags)
        return "mount, network, ipc, uts"
    uid, gid = os.geteuid(), os.getegid()
    # /proc/self/*_map belong to root while the process is not dumpable (as after a uid
    # change): dumpable for the few writes below, not dumpable again once sandboxed.
    _LIBC.prctl(ctypes.c_int(PR_SET_DUMPABLE), ctypes.c_ulong(1), 0, 0, 0)
    _unshare(flags | CLONE_NEWUSER)
    _write("/proc/self/setgroups", "deny")
    _write("/proc/self/uid_map", f"{uid} {uid} 1")
    _write("/proc/self/gid_map", f"{gid} {gid} 1")
    return "user, mount, network, ipc, uts"


def _tmpfs(job: str, size: int, inodes: int) -> None:
    """Make ``job`` a private tmpfs holding what it held (the student's copy)."""
    _check(_LIBC.mount(None, b"/", None, ctypes.c_ulong(MS_REC | MS_PRIVATE), None), "mount --make-rprivate /")
    kept: dict[str, bytes] = {}
    for entry in os.scandir(job):
        if entry.is_file(follow_symlinks=False):
            with open(entry.path, "rb") as stream:
                kept[entry.name] = stream.read(size)
    options = f"size={size},nr_inodes={inodes},mode=0700".encode()
    _check(_LIBC.mount(b"tmpfs", job.encode(), b"tmpfs", ctypes.c_ulong(MS_NOSUID | MS_NODEV | MS_NOEXEC),
                       ctypes.c_char_p(options)), "mount tmpfs")
    for name, data in kept.items():
        with open(os.path.join(job, name), "wb") as stream:
            stream.write(data)


def _loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack("16sH14x", b"lo", 0)
        flags = struct.unpack("16sH14x", fcntl.ioctl(sock, SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | IFF_UP))


def _drop_capabilities() -> None:
    """Empty every capability set, the bounding set included."""
    try:
        last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    except (OSError, ValueError):
        last = 40
    for cap in range(last + 1):
        _LIBC.prctl(ctypes.c_int(PR_CAPBSET_DROP), ctypes.c_ulong(cap), 0, 0, 0)  # EPERM once already gone
    _LIBC.prctl(ctypes.c_int(PR_CAP_AMBIENT), ctypes.c_ulong(PR_CAP_AMBIENT_CLEAR_ALL), 0, 0, 0)
    header = struct.pack("=Ii", _CAPABILITY_VERSION_3, 0)
    data = bytes(24)
    _check(_LIBC.capset(ctypes.create_string_buffer(header, 8), ctypes.create_string_buffer(data, 24)), "capset")


def _seccomp(unix_sockets: bool) -> None:
    """No new process, no signal to another one, nothing that changes the sandbox.

    Without a database to reach, no ``AF_UNIX`` socket either: Landlock (ABI 7) does not
    govern connecting to a socket file, and the machine's services listen on some
    (PostgreSQL with trust authentication, Docker). ``socketpair``, which asyncio needs,
    stays allowed: it reaches nothing outside the process.
    """
    if pyseccomp is None:
        raise SandboxError("libseccomp (pyseccomp) is not available")
    sc = pyseccomp
    pid = os.getpid()
    deny = sc.ERRNO(errno.EPERM)
    rules = sc.SyscallFilter(defaction=sc.ALLOW)
    for name in ("execve", "execveat", "fork", "vfork", "ptrace", "process_vm_readv", "process_vm_writev",
                 "pidfd_getfd", "pidfd_send_signal", "tkill", "unshare", "setns", "mount", "umount2", "pivot_root",
                 "chroot", "move_mount", "open_tree", "fsopen", "fsmount", "fsconfig", "bpf", "perf_event_open",
                 "keyctl", "add_key", "request_key", "userfaultfd", "io_uring_setup", "io_uring_enter",
                 "io_uring_register", "setrlimit", "kexec_load", "kexec_file_load", "init_module", "finit_module",
                 "delete_module", "reboot", "swapon", "swapoff", "acct", "settimeofday", "clock_settime",
                 "clock_adjtime", "adjtimex", "sethostname", "setdomainname", "iopl", "ioperm", "seccomp",
                 "name_to_handle_at", "open_by_handle_at", "quotactl", "syslog", "vhangup", "personality"):
        try:
            rules.add_rule(deny, name)
        except (RuntimeError, ValueError, OSError):
            continue  # not a system call on this architecture
    # A thread is a clone with CLONE_THREAD and no new namespace; anything else is a process.
    rules.add_rule(deny, "clone", sc.Arg(0, sc.MASKED_EQ, CLONE_THREAD, 0))
    unshared = NAMESPACE_FLAGS & ~CLONE_NEWNS
    rules.add_rule(deny, "clone", sc.Arg(0, sc.MASKED_EQ, unshared, unshared))
    rules.add_rule(deny, "clone", sc.Arg(0, sc.MASKED_EQ, CLONE_NEWNS, CLONE_NEWNS))
    rules.add_rule(sc.ERRNO(errno.ENOSYS), "clone3")  # its flags sit behind a pointer: glibc falls back to clone
    for name in ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"):
        rules.add_rule(deny, name, sc.Arg(0, sc.NE, pid))
    # The worker's process group is what the grader kills: leaving it (for its server's, whose
    # session it shares) would let it outlive its item. The worker made its group before this.
    rules.add_rule(deny, "setpgid")
    # No other process's scheduling (its suite server's, inherited by every later worker).
    # Only 0, the caller, is allowed: libseccomp takes one comparison per argument in a rule.
    for name in ("sched_setaffinity", "sched_setscheduler", "sched_setparam", "sched_setattr"):
        rules.add_rule(deny, name, sc.Arg(0, sc.NE, 0))
    for name in ("setpriority", "ioprio_set"):  # (which, who, ...)
        rules.add_rule(deny, name, sc.Arg(1, sc.NE, 0))
    rules.add_rule(deny, "prlimit64", sc.Arg(2, sc.NE, 0))  # reading a limit passes no new one
    rules.add_rule(deny, "ioctl", sc.Arg(1, sc.EQ, 0x5412))  # TIOCSTI: typing into a terminal
    if not unix_sockets:
        rules.add_rule(deny, "socket", sc.Arg(0, sc.EQ, socket.AF_UNIX))
    rules.load()


def enter(policy: Policy) -> Applied:
    """Apply every layer to this (single-threaded, freshly forked) process.

    Call before pytest runs. With ``policy.level == "strict"`` a missing layer raises
    :class:`SandboxError`; with ``auto`` it is recorded in :attr:`Applied.missing`.
    """
    applied = Applied()
    if policy.level == "off":
        applied.missing = dict.fromkeys(LAYERS, "isolation is off")
        return applied

    def attempt(layer: str, step) -> bool:
        try:
            applied.layers[layer] = step() or "on"
            return True
        except (SandboxError, OSError, ImportError, RuntimeError, ValueError, AttributeError) as exc:
            applied.missing[layer] = str(exc) or type(exc).__name__
            if policy.level == "strict":
                raise SandboxError(f"{layer}: {applied.missing[layer]}") from None
            return False

    namespaced = attempt("namespaces", _namespaces)
    if namespaced:
        attempt("tmpfs", lambda: _tmpfs(policy.job, policy.job_bytes, policy.job_inodes)
                or f"{policy.job_bytes >> 20} MB")
        attempt("network", lambda: _loopback_up() or "loopback only (private network namespace)")
    else:
        applied.missing.setdefault("tmpfs", "needs a mount namespace")
    attempt("capabilities", lambda: _drop_capabilities() or "all dropped")
    _LIBC.prctl(ctypes.c_int(PR_SET_NO_NEW_PRIVS), ctypes.c_ulong(1), 0, 0, 0)
    _LIBC.prctl(ctypes.c_int(PR_SET_DUMPABLE), ctypes.c_ulong(0), 0, 0, 0)
    abi = landlock_abi()

    def landlock() -> str:
        if not abi:
            raise SandboxError("the kernel has no Landlock (or it is disabled)")
        rules = (*policy.read, *policy.collection, Rule(policy.job, WRITE))
        _restrict(rules, abi, deny_tcp=not _private_network(applied))
        if "network" not in applied.layers and abi >= 4:
            applied.layers["network"] = "no TCP at all (Landlock; no network namespace)"
            applied.missing.pop("network", None)
        return f"ABI {abi}" + ("" if abi >= 6 else " (no signal scoping: seccomp refuses signals instead)")

    attempt("landlock", landlock)
    attempt("seccomp", lambda: _seccomp(policy.unix_sockets) or "processes, signals, namespaces, ptrace refused")
    if "network" not in applied.layers:
        applied.missing.setdefault("network", "needs a network namespace or Landlock ABI 4")
    if policy.level == "strict" and applied.missing:
        layer, why = next(iter(applied.missing.items()))
        raise SandboxError(f"{layer}: {why}")
    return applied


def seal(policy: Policy, applied: Applied) -> None:
    """After collection: one more Landlock layer without the suite (its source is gone).

    Layers only ever narrow, so the suite file, readable while pytest imported it, can
    no longer be opened by anyone in the worker, ``linecache`` and ``inspect`` included.
    """
    if "landlock" not in applied.layers:
        return
    _restrict((*policy.read, Rule(policy.job, WRITE)), landlock_abi(), deny_tcp=not _private_network(applied))


def _private_network(applied: Applied) -> bool:
    return applied.layers.get("network", "").startswith("loopback only")


# --- asking the kernel, from the grader --------------------------------------------

_probed: dict[str, dict] = {}


def probe(level: Level = "auto") -> dict:
    """Which layers a worker gets on this machine: a forked child enters the sandbox and
    reports (with evidence: the project and ``fork`` must then be refused).

    Returns ``{"requested": level, "level": "full" | "partial" | "off", "layers": {...},
    "missing": {...}}``; ``error`` holds the reason when ``strict`` could not be met.
    Cached per level for the life of the process.
    """
    if level in _probed:
        return _probed[level]
    if level == "off":
        record = {"requested": "off", "level": "off", "layers": {},
                  "missing": dict.fromkeys(LAYERS, "isolation is off")}
        _probed[level] = record
        return record
    import json
    import select
    import time

    from autograder.paths import PACKAGE, ROOT
    from autograder.sandbox import workspace

    job = workspace.job_folder("probe-")
    policy = policy_for(job, job / "suite.py", package=PACKAGE, project=ROOT, level=level)
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(reader)
        try:
            applied = enter(policy)
            evidence = _evidence(applied, ROOT)
            payload = {**applied.record(), **evidence}
        except SandboxError as exc:
            payload = {"error": str(exc)}
        except BaseException as exc:  # noqa: BLE001 - report, never hang the grader
            payload = {"error": f"{type(exc).__name__}: {exc}"}
        os.write(writer, json.dumps(payload).encode())
        os._exit(0)
    os.close(writer)
    data = b""
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([reader], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            chunk = os.read(reader, 65536)
            if not chunk:
                break
            data += chunk
    finally:
        os.close(reader)
        os.waitpid(pid, 0)
        workspace.remove(job)
    try:
        payload = json.loads(data)
    except ValueError:
        payload = {"error": "the sandbox probe did not report"}
    record = {"requested": level, "level": payload.get("level", "none"), "layers": payload.get("layers", {}),
              "missing": payload.get("missing", {})}
    if "error" in payload:
        record["error"] = payload["error"]
        record["level"] = "none"
    _probed[level] = record
    return record


def _evidence(applied: Applied, project: Path) -> dict:
    """Check, not trust, that the layers hold: a layer reported on must refuse its test."""
    failures = {}
    if "landlock" in applied.layers:
        try:
            with open(project / "pyproject.toml", "rb"):
                failures["landlock"] = "the project could still be read"
        except FileNotFoundError:
            pass
        except OSError:
            pass
    if "seccomp" in applied.layers:
        try:
            child = os.fork()
        except OSError:
            pass
        else:
            if child == 0:
                os._exit(0)
            failures["seccomp"] = "a process could still be started"
    for layer, why in failures.items():
        applied.layers.pop(layer, None)
        applied.missing[layer] = why
    return {"level": level_name(applied.missing), "layers": applied.layers, "missing": applied.missing}
