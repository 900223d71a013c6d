"""Every limit on a graded run, and its default, declared once.

Wall time (per test, for importing the student's module, per item), the worker's kernel
limits, the canaries, the isolation level, and how many workers run side by side. The
CLI's options take their defaults from here, the engine enforces them, the audit and the
student's checks pass their own values; nothing else writes a number.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

TEST_SECONDS = 10.0     # one test: setup, call and teardown
IMPORT_SECONDS = 10.0   # importing the student's module, before the first test
ITEM_SECONDS = 120.0    # the whole item: the worker is killed past it
CHECK_ITEM_SECONDS = 60.0  # a student's public checks: a hung check ends sooner
CANARIES = 2


@dataclass(frozen=True)
class ResourceLimits:
    """Kernel limits for one worker (``setrlimit`` and the job folder's tmpfs)."""

    cpu_seconds: int = 120            # RLIMIT_CPU: a busy loop that wall time would also catch
    memory_bytes: int = 4 << 30       # RLIMIT_AS: address space (threads reserve a lot of it)
    file_bytes: int = 64 << 20        # RLIMIT_FSIZE: the largest file the student may write
    open_files: int = 512             # RLIMIT_NOFILE
    processes: int = 512              # RLIMIT_NPROC (ignored for root: the guard refuses forks anyway)
    output_bytes: int = 64 << 10      # what is kept of the student's prints
    tmp_bytes: int = 64 << 20         # the job folder's tmpfs: every file the student writes, together


@dataclass(frozen=True)
class Limits:
    """Wall-time limits in seconds, the worker's kernel limits, and how many canaries run."""

    test: float = TEST_SECONDS
    import_: float = IMPORT_SECONDS
    item: float = ITEM_SECONDS
    resources: ResourceLimits = field(default_factory=ResourceLimits)
    canaries: int = CANARIES
    isolation: str = "auto"  # confine.LEVELS: "strict" | "auto" | "off"


CHECK_LIMITS = Limits(item=CHECK_ITEM_SECONDS)


def default_workers() -> int:
    """Workers side by side when the caller does not say: one per core."""
    return os.cpu_count() or 1
