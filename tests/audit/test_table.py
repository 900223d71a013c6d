"""The audit's report: its table, what an author must act on, and the command's exit code."""

from __future__ import annotations

import dataclasses
import os

import pytest
from rich.console import Console

from autograder.audit import mutants as mutation
from autograder.audit import records, table
from autograder.audit.runner import ItemAudit, Outcome
from autograder.paths import SOLUTIONS
from tests.audit.conftest import fake_audit
from tests.conftest import COURSE


def printed(audits, diffs: bool = False, width: int = 200) -> str:
    with open(os.devnull, "w") as nowhere:
        screen = Console(width=width, record=True, file=nowhere)
        table.report(audits, 60.0, diffs, screen)
    return screen.export_text()


def test_below_target_exits_1_and_lists_the_survivors(cli):
    cli.planned["async01_why_async"] = fake_audit("async01_why_async", killed=9, survived=1, equivalent=2)
    cli.planned["auth05_jwt_dependency"] = fake_audit("auth05_jwt_dependency", killed=8, survived=2, invalid=1)
    result = cli("async01_why_async", "auth05_jwt_dependency", "--record")
    assert result.exit_code == 1, result.output
    assert "90%" in result.output and "80% ✗" in result.output
    assert "auth05_jwt_dependency: 2 survivor(s)" in result.output
    assert "number:L9:00000009  line 9: change 9" in result.output
    assert "total" in result.output and result.output.rstrip().endswith("audit: 1 passed, 1 failed")
    assert not records.BASELINE.exists(), "a failing run records nothing"


def test_unknown_item_is_one_line(cli):
    result = cli("no_such_item")
    assert result.exit_code == 2 and "unknown item" in result.output


def test_the_total_row_scores_every_judged_mutant_not_the_mean_of_items():
    text = printed([fake_audit("async01_why_async", killed=1, survived=1),
                    fake_audit("auth05_jwt_dependency", killed=8, survived=0, equivalent=3, invalid=2)])
    total = next(line for line in text.splitlines() if "total" in line)
    assert [cell.strip() for cell in total.split("│")][1:-1] == ["total", "15", "2", "9", "3", "1", "90% ✗", "2"]


def test_a_failed_control_a_survivor_s_diff_and_a_stale_entry_are_shown():
    item = COURSE.item("async01_why_async")
    source = (SOLUTIONS / item.filename).read_text(encoding="utf-8")
    mutant = next(m for m in mutation.make_mutants(source) if m.operator == "return-none")
    found = dataclasses.replace(fake_audit(item.id, killed=1, survived=0), control="test_x: [bold]boom[/bold]",
                                stale=["number:L1:00000000"])
    found.outcomes.append(Outcome(mutant, killed=False))
    text = printed([found], diffs=True)
    assert f"{item.id}: the unmutated solution does not get full marks, so its audit proves nothing: " \
           "test_x: [bold]boom[/bold]" in text
    assert f"{item.id}: 1 survivor(s)" in text and f"  {mutant.id}  line {mutant.line}: {mutant.description}" in text
    assert f"+++ {mutant.id}" in text and "+    return None" in text
    assert (f"{item.id}: equivalents entry number:L1:00000000 matches no surviving mutant (killed now, or gone): "
            "remove it") in text


def _audits():
    """An audit of every item with CI-sized numbers: thousands of mutants, hours of worker time."""
    def outcome(item, n, killed):
        return Outcome(mutation.Mutant(f"{item.id}:{n}", "op", 1, "a mutant", ""), killed=killed)

    return [ItemAudit(item, "f", outcomes=[outcome(item, n, n % 9 != 0) for n in range(60)], seconds=9999.0)
            for item in COURSE.items]


@pytest.mark.parametrize("width", [80, 140])
def test_the_audit_table_never_cuts_an_item_id(width):
    with open(os.devnull, "w") as nowhere:
        screen = Console(width=width, record=True, file=nowhere)
        table.report(_audits(), 600.0, False, screen)
    lines = screen.export_text().splitlines()
    shown = lines[:lines.index(next(line for line in lines if line.startswith("└"))) + 1]
    cells = {cell.strip() for line in shown for cell in line.split("│")}
    assert [item.id for item in COURSE.items if item.id not in cells] == []
    assert max(len(line) for line in shown) <= width
    header = next(line for line in shown if "item" in line)
    if width >= 140:  # room for the full headers
        assert "equivalent" in header and "worker s" in header and "…" not in header
    else:  # short headers, whole, and a legend that names them
        assert "eqv" in header and "…" not in header
        assert any(line.startswith("mut: mutants; inv: invalid;") for line in lines[len(shown):])
