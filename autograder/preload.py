"""What the fork server imports once, so that no worker pays for it.

Every worker is forked from the fork server (see :mod:`autograder.sandbox.engine`), so whatever
is imported here is already in memory when a worker starts: FastAPI, pytest, the suites'
kit, and the grader's own in-worker modules. The grader process itself never imports
this module: a student's ``workbook check`` does not load FastAPI twice.
"""

import fastapi
import fastapi.testclient  # noqa: F401
import httpx  # noqa: F401
import pydantic  # noqa: F401
import pytest  # noqa: F401

import autograder.kit
import autograder.kit.fixtures  # noqa: F401
from autograder.sandbox import confine, guard, integrity, plugin, screen, worker  # noqa: F401
