"""What the audit's tests share: prepared audits, and the ``audit`` command run on them."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from autograder.audit import records, runner
from autograder.audit.mutants import Mutant
from autograder.audit.runner import ItemAudit, Outcome
from autograder.cli import app
from tests.conftest import COURSE


def fake_audit(item_id: str, killed: int, survived: int, equivalent: int = 0, invalid: int = 0) -> ItemAudit:
    """An item's audit with these counts, made without grading (one worker second)."""
    found = ItemAudit(COURSE.item(item_id), records.fingerprint(COURSE.item(item_id)), seconds=1.0)

    def mutant(n: int, operator: str) -> Mutant:
        return Mutant(f"{operator}:L{n}:{n:08x}", operator, n, f"change {n}", "")

    n = 0
    for kind, count in (("killed", killed), ("survived", survived), ("equivalent", equivalent), ("invalid", invalid)):
        for _ in range(count):
            n += 1
            found.outcomes.append(Outcome(mutant(n, "number"), killed=kind in ("killed", "invalid"),
                                          invalid=kind == "invalid",
                                          equivalent="same" if kind == "equivalent" else None))
    return found


@pytest.fixture
def cli(monkeypatch, tmp_path):
    """The audit command with prepared results (no grading) and a baseline under tmp_path."""
    planned: dict[str, ItemAudit] = {}
    graded: list[list[str]] = []

    def prepared(items, **kwargs):
        graded.append([i.id for i in items])
        return [planned[i.id] for i in items]

    monkeypatch.setattr(runner, "audit", prepared)
    monkeypatch.setattr(records, "BASELINE", tmp_path / "baseline.json")
    cli_runner = CliRunner()

    def invoke(*args):
        return cli_runner.invoke(app, ["audit", "-q", *args], catch_exceptions=False)

    invoke.planned, invoke.graded = planned, graded
    return invoke
