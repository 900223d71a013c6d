"""What the course's suites are written with.

Public and hidden suites import from here and nowhere else in the grader: fixtures that
load the student's module fresh for every test, probes that collect deterministic
evidence (call counts, peak concurrency, which thread ran what), and assertions that
fail with one sentence a student can act on.
"""

from autograder.kit.checks import expect, expect_json, expect_status, route_for, same
from autograder.kit.probes import (
    ConcurrencyProbe,
    Gate,
    SleepRecorder,
    asgi_client,
    on_event_loop,
    run,
)

__all__ = [
    "ConcurrencyProbe",
    "Gate",
    "SleepRecorder",
    "asgi_client",
    "expect",
    "expect_json",
    "expect_status",
    "on_event_loop",
    "route_for",
    "run",
    "same",
]
