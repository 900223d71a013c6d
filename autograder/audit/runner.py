"""Grading the mutants: every item's mutants through the grader's own engine, ``workers`` at a time."""

from __future__ import annotations

import ast
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from autograder.audit.mutants import Mutant, is_valid, make_mutants
from autograder.audit.records import AuditError, equivalence, fingerprint, load_equivalents
from autograder.manifest import Item
from autograder.paths import SOLUTIONS
from autograder.sandbox import engine, workspace
from autograder.sandbox.limits import Limits, default_workers

TARGET = 0.90

@dataclass
class Outcome:
    mutant: Mutant
    killed: bool
    invalid: bool = False
    equivalent: str | None = None   # the recorded reason
    how: str = ""                   # why it was killed: the first failed test, or the status


@dataclass
class ItemAudit:
    item: Item
    fingerprint: str
    control: str = ""                # non-empty: the unmutated solution did not get full marks
    outcomes: list[Outcome] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)   # equivalents entries that match no survivor
    seconds: float = 0.0             # worker time spent grading this item's mutants (and control)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def invalid(self) -> int:
        return sum(o.invalid for o in self.outcomes)

    @property
    def killed(self) -> int:
        return sum(o.killed and not o.invalid for o in self.outcomes)

    @property
    def equivalent(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.killed and o.equivalent is not None]

    @property
    def survivors(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.killed and o.equivalent is None]

    @property
    def score(self) -> float:
        judged = self.killed + len(self.survivors)
        return self.killed / judged if judged else 1.0

    @property
    def passed(self) -> bool:
        return not self.control and self.score >= TARGET

    def baseline_entry(self) -> dict:
        """What ``workbook audit --record`` keeps of this audit (see :func:`records.record`): the
        fingerprint that ``--changed`` compares, and the counts a reader of the baseline checks."""
        return {"fingerprint": self.fingerprint, "audited": True, "mutants": self.total, "killed": self.killed,
                "equivalent": len(self.equivalent), "invalid": self.invalid, "survived": len(self.survivors),
                "score": round(self.score, 4)}


OnMutant = Callable[[str, Outcome | None], None]


def _verdict(result, full: float) -> tuple[bool, str]:
    if result.status != "graded":
        return True, f"{result.status}: {result.message}"[:120]
    if result.flags:
        return True, f"flagged: {result.flags[0]}"[:120]
    if result.score < full:
        failed = next((t for t in result.tests if t.score < t.max_score), None)
        return True, f"{failed.name}: {failed.message}"[:160] if failed else f"scored {result.score}/{full}"
    return False, ""


# One grading: the item's audit, the mutant (None for the unmutated control), the text to grade.
Job = tuple[ItemAudit, Mutant | None, str]


def audit(items: list[Item], *, workers: int | None = None,
          limits: Limits = Limits(),
          on_plan: Callable[[int], None] | None = None, on_mutant: OnMutant | None = None,
          equivalents_path: Path | None = None, solutions: Path | None = None,
          only: Callable[[Mutant], bool] | None = None) -> list[ItemAudit]:
    """Make every item's mutants and grade them, ``workers`` at a time; one ItemAudit per item.

    ``solutions`` is the folder of reference solutions (default: the course's); ``only``
    keeps the mutants it accepts (the project's tests grade a few, not all).
    """
    solutions = solutions or SOLUTIONS
    equivalents = load_equivalents(equivalents_path)
    audits, jobs = _plan(items, equivalents, solutions, only)
    if on_plan:
        on_plan(len(jobs))
    lock = threading.Lock()

    with workspace.temporary("audit-") as tmp:
        def run(job: Job, number: int) -> None:
            found, mutant, text = job
            folder = Path(tmp) / str(number)
            folder.mkdir()
            file = folder / found.item.filename
            file.write_text(text, encoding="utf-8")
            began = time.monotonic()
            result = engine.grade_item(found.item, file, "hidden", limits)
            spent = time.monotonic() - began
            killed, how = _verdict(result, found.item.points)
            outcome = None
            with lock:
                if mutant is None:
                    if killed:
                        found.control = how or "the unmutated solution did not get full marks"
                else:
                    reason = None if killed else equivalence(mutant, equivalents.get(found.item.id, {}))
                    outcome = Outcome(mutant, killed, equivalent=reason, how=how)
                    found.outcomes.append(outcome)
                found.seconds += spent
            if on_mutant:
                on_mutant(found.item.id, outcome)

        with ThreadPoolExecutor(max_workers=max(1, workers or default_workers())) as pool:
            list(pool.map(run, jobs, range(len(jobs))))

    for found in audits:
        _settle(found, equivalents.get(found.item.id, {}))
    return audits


def _plan(items: list[Item], equivalents: dict[str, dict[str, str]], solutions: Path,
          only: Callable[[Mutant], bool] | None) -> tuple[list[ItemAudit], list[Job]]:
    """One ItemAudit per item, and what to grade: each item's control, then its mutants.

    A mutant that is not Python is killed here, without a worker.
    """
    audits: list[ItemAudit] = []
    jobs: list[Job] = []
    for item in items:
        source, mutants = _mutants(item, solutions)
        found = ItemAudit(item, fingerprint(item, equivalents, solutions))
        audits.append(found)
        jobs.append((found, None, ast.unparse(ast.parse(source)) + "\n"))
        for mutant in mutants:
            if only is not None and not only(mutant):
                continue
            if not is_valid(mutant):
                found.outcomes.append(Outcome(mutant, killed=True, invalid=True, how="SyntaxError"))
            else:
                jobs.append((found, mutant, mutant.source))
        found.stale = list(equivalents.get(item.id, {}))  # narrowed by _settle to the entries no survivor matched
    return audits, jobs


def _mutants(item: Item, solutions: Path) -> tuple[str, list[Mutant]]:
    """The item's reference solution and its mutants; an AuditError when there is none or it is not Python."""
    path = solutions / item.filename
    if not path.is_file():
        raise AuditError(f"{item.id} has no reference solution ({path})")
    source = path.read_text(encoding="utf-8")
    try:
        return source, make_mutants(source)
    except SyntaxError as exc:
        raise AuditError(f"{path}: {exc}") from None


def _settle(found: ItemAudit, entries: dict[str, str]) -> None:
    """After grading: the outcomes in source order, and only the equivalents entries no survivor matched."""
    found.outcomes.sort(key=lambda o: (o.mutant.line, o.mutant.id))
    matched = {e for o in found.equivalent for e in entries if equivalence(o.mutant, {e: ""}) is not None}
    found.stale = [e for e in found.stale if e not in matched]
