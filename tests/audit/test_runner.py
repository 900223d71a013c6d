"""Grading the mutants: one test grades a few mutants of async01 through the real engine;
the others check what the runner makes of prepared outcomes."""

from __future__ import annotations

import pytest

from autograder.audit import mutants as mutation
from autograder.audit import records, runner
from autograder.paths import SOLUTIONS
from tests.audit.conftest import fake_audit
from tests.conftest import COURSE, SLOW_MACHINE

ITEM = COURSE.item("async01_why_async")


def test_the_engine_kills_survives_and_honours_equivalents(tmp_path):
    """async01 with an unused line in its answer: the suite cannot see that line's mutants."""
    solution = (SOLUTIONS / ITEM.filename).read_text(encoding="utf-8")
    padded = solution.replace("    return {\"profile\"", "    note = \"gathered\"\n    return {\"profile\"")
    assert padded != solution
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / ITEM.filename).write_text(padded, encoding="utf-8")
    mutants = mutation.make_mutants(padded)
    chosen = {next(m.id for m in mutants if m.operator == "return-none"),
              next(m.id for m in mutants if m.operator == "delete-stmt" and "note" in m.description),
              next(m.id for m in mutants if m.operator == "string" and "gathered" in m.description)}
    equivalent = next(m for m in mutants if m.id in chosen and m.operator == "string")
    equivalents = tmp_path / "eq.toml"
    equivalents.write_text(f'[{ITEM.id}]\n"{equivalent.id}" = "note is never read"\n"number:L1:00000000" = "gone"\n',
                           encoding="utf-8")
    [found] = runner.audit([ITEM], workers=2, limits=SLOW_MACHINE, equivalents_path=equivalents,
                          solutions=tmp_path / "solutions", only=lambda m: m.id in chosen)
    assert not found.control
    by_operator = {o.mutant.operator: o for o in found.outcomes}
    assert by_operator["return-none"].killed and by_operator["return-none"].how
    assert [o.mutant.operator for o in found.survivors] == ["delete-stmt"]
    assert [o.equivalent for o in found.equivalent] == ["note is never read"]
    assert found.stale == ["number:L1:00000000"]
    assert (found.total, found.killed, found.score, found.passed) == (3, 1, 0.5, False)


def test_an_item_without_a_solution_stops_the_audit_before_any_grading(tmp_path):
    with pytest.raises(records.AuditError, match="has no reference solution"):
        runner.audit([ITEM], solutions=tmp_path, on_plan=lambda total: pytest.fail("planned a run"))


def test_a_baseline_entry_holds_the_fingerprint_and_the_counts():
    found = fake_audit("auth05_jwt_dependency", killed=8, survived=2, equivalent=1, invalid=1)
    assert found.baseline_entry() == {
        "fingerprint": records.fingerprint(COURSE.item("auth05_jwt_dependency")), "audited": True, "mutants": 12,
        "killed": 8, "equivalent": 1, "invalid": 1, "survived": 2, "score": 0.8}
    assert list(found.baseline_entry()) == ["fingerprint", "audited", "mutants", "killed", "equivalent", "invalid",
                                            "survived", "score"]
