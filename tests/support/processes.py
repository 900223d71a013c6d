"""Code run in a fresh interpreter: for what changes a process for good, or ends it.

A worker's kernel limits, the descriptors it closes, the output it captures, and the
reporter that ends the process when the student's module fails to import: none of it
can run in the test process. The interpreter imports this checkout's package.
"""

from __future__ import annotations

import os
import subprocess
import sys

from autograder.paths import PACKAGE


def run_python(code: str, *args: str, env: dict[str, str] | None = None, timeout: float = 120):
    """Run ``code`` with ``args`` as ``sys.argv[1:]``; ``env`` adds to a clean copy of ours."""
    environment = {key: value for key, value in os.environ.items() if key != "WORKBOOK_WORKER_DEBUG"}
    environment.update(env or {}, PYTHONPATH=str(PACKAGE.parent), PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
    return subprocess.run([sys.executable, "-c", code, *args], env=environment, capture_output=True, text=True,
                          timeout=timeout)
