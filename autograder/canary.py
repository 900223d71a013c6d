"""Canary tests: extra tests, shaped like the real ones, whose right outcome is failure.

The grader names a few canaries for each run (random names in the suites' style) and the
worker slips them in among the real tests. Each one asks the student's app for a page
that cannot exist and expects an impossible status, so it fails for every honest
submission. Code that makes tests pass without earning it (a patched report, a replaced
assertion, a forged result) makes the canaries pass too: the grader then voids the run.
"""

from __future__ import annotations

import random
import secrets

import pytest

from autograder.kit.checks import expect_status

VERBS = ("answers", "keeps", "returns", "refuses", "accepts", "rejects", "stores", "reports", "sends", "checks")
NOUNS = ("request", "response", "header", "token", "body", "status", "route", "record", "user", "result")
ENDINGS = ("in_order", "after_reset", "for_missing_value", "with_defaults", "on_second_call", "when_valid",
           "unchanged", "as_json", "per_client", "exactly_once")


def names(existing: set[str], count: int = 2, rng: random.Random | None = None) -> tuple[str, ...]:
    """``count`` fresh test names that collide with none of ``existing``."""
    rng = rng or random.SystemRandom()
    chosen: list[str] = []
    while len(chosen) < count:
        name = f"test_{rng.choice(NOUNS)}_{rng.choice(VERBS)}_{rng.choice(ENDINGS)}"
        if name not in existing and name not in chosen:
            chosen.append(name)
    return tuple(chosen)


def _canary(client) -> None:  # noqa: ANN001 - the kit's client fixture
    """the answer matches what the specification asks for"""
    path = "/" + secrets.token_hex(8)
    expect_status(client.get(path), 299, f"GET {path} must answer 299")


def mix(items: list[pytest.Item], canaries: tuple[str, ...], template: pytest.Item) -> list[pytest.Item]:
    """The real items with one canary item per name, at random places among them.

    Each canary lives in ``template``'s module (a real test of the suite, collected even
    if this worker skips it) and carries its markers, so that nothing tells it from a
    real test. ``items`` may be empty: every real test was graded by an earlier worker.
    """
    parent = template.parent
    points = template.get_closest_marker("points")
    task = template.get_closest_marker("task")
    mixed = list(items)
    rng = random.SystemRandom()
    for name in canaries:
        item = pytest.Function.from_parent(parent, name=name, callobj=_canary)
        for marker in (points, task):
            if marker is not None:
                item.add_marker(getattr(pytest.mark, marker.name)(*marker.args, **marker.kwargs))
        mixed.insert(rng.randrange(len(mixed) + 1), item)
    return mixed
