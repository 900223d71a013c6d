"""Every limit on a graded run declared once: the defaults, how they relate, and who reads them."""

from __future__ import annotations

import dataclasses

import pytest
import typer

from autograder import cli
from autograder.sandbox import confine, limits
from autograder.sandbox.limits import CHECK_LIMITS, Limits, ResourceLimits


def test_the_defaults_are_the_declared_constants():
    default = Limits()
    assert (default.test, default.import_, default.item, default.canaries) == (
        limits.TEST_SECONDS, limits.IMPORT_SECONDS, limits.ITEM_SECONDS, limits.CANARIES)
    assert default.resources == ResourceLimits()
    assert default.isolation == "auto"


def test_the_import_limit_is_its_own():
    """It once followed the test limit silently: a short test limit cut imports short too."""
    assert Limits(test=1).import_ == limits.IMPORT_SECONDS
    assert Limits(import_=3).test == limits.TEST_SECONDS


def test_the_limits_fit_inside_each_other():
    default, resources = Limits(), ResourceLimits()
    assert default.test < default.item and default.import_ < default.item
    assert CHECK_LIMITS.item < default.item  # a hung public check ends sooner than a graded item
    assert default.canaries >= 1  # a run without a canary could not be voided
    assert resources.cpu_seconds >= default.item  # wall time, not CPU time, ends a looping item
    assert resources.output_bytes < resources.file_bytes <= resources.tmp_bytes


def test_a_students_checks_differ_only_in_the_item_limit():
    assert CHECK_LIMITS.item == limits.CHECK_ITEM_SECONDS
    assert dataclasses.replace(CHECK_LIMITS, item=limits.ITEM_SECONDS) == Limits()


def test_limits_cannot_be_changed_in_place():
    """One Limits is shared by every worker of a run (and CHECK_LIMITS by every check)."""
    with pytest.raises(dataclasses.FrozenInstanceError):
        CHECK_LIMITS.item = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        CHECK_LIMITS.resources.memory_bytes = 1  # type: ignore[misc]


def test_the_isolation_default_is_a_level_the_sandbox_knows():
    assert Limits().isolation in confine.LEVELS
    assert [level.value for level in cli.Isolation] == list(confine.LEVELS)


@pytest.mark.parametrize(("cores", "workers"), [(8, 8), (1, 1), (None, 1)])
def test_default_workers_is_one_per_core(monkeypatch, cores, workers):
    monkeypatch.setattr(limits.os, "cpu_count", lambda: cores)
    assert limits.default_workers() == workers


@pytest.mark.parametrize("command", ["grade", "audit"])
def test_the_command_line_takes_its_defaults_from_here(command):
    options = {param.name: param.default for param in typer.main.get_command(cli.app).commands[command].params}
    assert (options["test_timeout"], options["import_timeout"], options["item_timeout"]) == (
        limits.TEST_SECONDS, limits.IMPORT_SECONDS, limits.ITEM_SECONDS)
