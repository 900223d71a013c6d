"""The bundled samples score exactly what ``samples/expected.toml`` says.

This is the demo's golden file: ``make demo`` grades the same four submissions.
"""

from __future__ import annotations

import tomllib

import pytest

from autograder.paths import SAMPLES
from tests.conftest import COURSE

EXPECTED = tomllib.loads((SAMPLES / "expected.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def results(graded_samples):
    return {r.submission: r for r in graded_samples}


def test_solutions_score_everything(results):
    assert results["solutions"].score == results["solutions"].max_score == sum(i.points for i in COURSE.items)


def test_stubs_score_nothing(results):
    assert results["exercises"].score == 0
    assert all(i.status == "graded" for i in results["exercises"].items)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_scores(results, name):
    got = {i.id: i.score for i in results[name].items}
    for item in COURSE.items:
        if item.id in EXPECTED[name]:
            assert got[item.id] == EXPECTED[name][item.id], (item.id, results[name].item(item.id).tests)
        else:
            assert results[name].item(item.id).status == "missing" and got[item.id] == 0
