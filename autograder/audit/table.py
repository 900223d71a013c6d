"""The audit's report on a terminal: a table of the items, then what each one left behind.

``workbook audit`` prints it, but it is the audit's own: what a run's numbers mean and which
survivors an author must read belong beside the runner that produced them, and the CLI stays a
thin layer over the package. Every name, id and description is printed as plain text, never as
Rich markup (see :mod:`autograder.cli`).
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from autograder.audit import mutants
from autograder.audit.runner import TARGET, ItemAudit
from autograder.paths import SOLUTIONS
from autograder.safe import plain

#: The table's number columns: the header, and the short one a narrow terminal gets.
COLUMNS = (("mutants", "mut"), ("invalid", "inv"), ("killed", "kill"), ("equivalent", "eqv"),
           ("survived", "surv"), ("score", "score"), ("worker s", "s"))


def table(audits: list[ItemAudit], title: str, short: bool) -> Table:
    """The audit's table. An item id is never cut (--diff, the equivalents file and
    `workbook audit ITEM` all name it): ``short`` headers make room for it instead."""
    grid = Table(title=title)
    grid.add_column("item", no_wrap=True, min_width=max((len(a.item.id) for a in audits), default=len("total")))
    for long, brief in COLUMNS:
        grid.add_column(brief if short else long, justify="right")

    def row(name, total, invalid, killed, equivalent, survived, score, seconds, ok, style=None):
        mark = "" if ok else " ✗"
        grid.add_row(plain(name), str(total), str(invalid), str(killed), str(equivalent), str(survived),
                     f"{score:.0%}{mark}", f"{seconds:.0f}", style=style)

    for found in audits:
        row(found.item.id, found.total, found.invalid, found.killed, len(found.equivalent), len(found.survivors),
            found.score, found.seconds, found.passed, None if found.passed else "red")
    grid.add_section()
    row("total", *_totals(audits), all(a.passed for a in audits), "bold")
    return grid


def _totals(audits: list[ItemAudit]) -> tuple[int, int, int, int, int, float, float]:
    """The total row's numbers: its score is over every item's judged mutants, not a mean of scores."""
    killed = sum(a.killed for a in audits)
    survived = sum(len(a.survivors) for a in audits)
    score = killed / (killed + survived) if killed + survived else 1.0
    return (sum(a.total for a in audits), sum(a.invalid for a in audits), killed,
            sum(len(a.equivalent) for a in audits), survived, score, sum(a.seconds for a in audits))


def report(audits: list[ItemAudit], elapsed: float, diffs: bool, console: Console) -> None:
    """The table and its legend, then each item's failed control, survivors and stale equivalents."""
    title = f"Mutation audit (target: {TARGET:.0%} of non-equivalent mutants killed)"
    grid = table(audits, title, short=False)
    # CI's log is 80 columns wide: where the full headers do not fit, the short ones and a legend.
    short = console.measure(grid, options=console.options.update_width(10_000)).maximum > console.width
    if short:
        grid = table(audits, title, short=True)
    console.print(grid)
    (long_seconds, short_seconds) = COLUMNS[-1]
    legend = "".join(f"{brief}: {long}; " for long, brief in COLUMNS[:-1] if brief != long) if short else ""
    seconds = short_seconds if short else long_seconds
    console.print(f"{legend}wall time {elapsed / 60:.1f} min; \"{seconds}\" is the time the isolated workers spent "
                  "grading each item's mutants and its unmutated control", highlight=False, soft_wrap=True)
    for found in audits:
        _findings(found, diffs, console)


def _findings(found: ItemAudit, diffs: bool, console: Console) -> None:
    """What an author must act on for one item: a failed control, each survivor, each stale entry."""
    if found.control:
        console.print(plain(f"{found.item.id}: the unmutated solution does not get full marks, so its audit "
                            "proves nothing: ", "red") + plain(found.control), highlight=False, soft_wrap=True)
    if found.survivors:
        console.print(plain(found.item.id, "bold") + f": {len(found.survivors)} survivor(s)", highlight=False)
        source = (SOLUTIONS / found.item.filename).read_text(encoding="utf-8") if diffs else ""
        for outcome in found.survivors:
            mutant = outcome.mutant
            _say(console, f"  {mutant.id}  line {mutant.line}: {mutant.description}")
            if diffs:
                console.print(mutants.diff(source, mutant), highlight=False, soft_wrap=True, markup=False)
    for entry in found.stale:
        _say(console, f"{found.item.id}: equivalents entry {entry} matches no surviving mutant (killed now, or gone): "
                      "remove it", "yellow")


def _say(console: Console, message: object, style: str = "") -> None:
    """One line of plain text, as the CLI's ``say`` prints it."""
    console.print(plain(message, style), highlight=False, soft_wrap=True)
