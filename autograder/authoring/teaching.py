"""The course's teaching measures, computed in one place for the tests and the authors.

Three measures judge whether an item teaches rather than tells:

- **give-away**: how much of the reference answer the lesson already prints. A lesson
  that shows the answer line for line leaves the exercise nothing to exercise.
- **tasks with checks**: every numbered task has a public check, so a student gets
  feedback on each task before the hidden suite grades it.
- **graduated hints**: every task's hint has at least two levels, and the first level
  holds no code, so that a student who needed a nudge is not handed the answer.

``tests/authoring/test_teaching.py`` asserts them per item; ``python -m autograder.authoring.teaching``
prints the table for every item (``--items ID,ID`` for some), without the CLI.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass

from autograder import manifest
from autograder.authoring.markers import BEGIN, END
from autograder.manifest import Item
from autograder.paths import LESSON_SOURCES, SOLUTIONS, SUITES

#: An answer line shorter than this says too little to count as given away
#: (``return item``, ``yield session``, ``try:``); from this length on it is code.
MIN_LINE = 20
#: The share of the answer's lines a lesson may print verbatim.
GIVEAWAY_LIMIT = 0.30
#: The longest identifier a first-level hint may put in backticks.
SHORT_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,23}$")
BACKTICKED = re.compile(r"`([^`]+)`")
#: A name directly followed by "(": a call, that is code, backticked or not.
CALL = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*\(")
TASK_LINE = re.compile(r"^\s*Task (\d+)\.", re.MULTILINE)


def answer_lines(solution: str) -> list[str]:
    """The reference answer's distinct lines (between the solution markers), stripped,
    of ``MIN_LINE`` characters or more, in order."""
    lines: dict[str, None] = {}
    inside = False
    for line in solution.splitlines():
        if BEGIN.match(line):
            inside = True
        elif END.match(line):
            inside = False
        elif inside and len(line.strip()) >= MIN_LINE:
            lines[line.strip()] = None
    return list(lines)


@dataclass(frozen=True)
class Giveaway:
    item_id: str
    answer: list[str]
    copied: list[str]

    @property
    def ratio(self) -> float:
        return len(self.copied) / len(self.answer) if self.answer else 0.0

    @property
    def ok(self) -> bool:
        return self.ratio <= GIVEAWAY_LIMIT


def giveaway(item_id: str) -> Giveaway:
    """The answer's lines that the lesson source prints verbatim, as a whole stripped line."""
    answer = answer_lines((SOLUTIONS / f"{item_id}.py").read_text(encoding="utf-8"))
    lesson = {line.strip() for line in (LESSON_SOURCES / f"{item_id}.md").read_text(encoding="utf-8").splitlines()}
    return Giveaway(item_id, answer, [line for line in answer if line in lesson])


def docstring_tasks(item_id: str) -> set[int]:
    """The task numbers the solution's module docstring lists (``Task N.``)."""
    tree = ast.parse((SOLUTIONS / f"{item_id}.py").read_text(encoding="utf-8"))
    return {int(n) for n in TASK_LINE.findall(ast.get_docstring(tree) or "")}


def item_tasks(item: Item) -> set[int]:
    """Every numbered task of an item: one per hint entry, and those of the docstring."""
    return set(range(1, item.tasks + 1)) | docstring_tasks(item.id)


def checked_tasks(item_id: str, kind: str = "public") -> set[int]:
    """The task numbers of the tests in one of the item's suites (``@pytest.mark.task(N)``)."""
    tree = ast.parse((SUITES / kind / f"test_{item_id}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            for decorator in node.decorator_list:
                if (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
                        and decorator.func.attr == "task" and decorator.args):
                    found.add(ast.literal_eval(decorator.args[0]))
    return found


def code_in_hint(text: str, answer: list[str]) -> list[str]:
    """What counts as code in a first-level hint (empty when there is none):

    1. any line of the reference answer (``answer_lines``: stripped, 20+ characters)
       appearing in the hint;
    2. a backticked span that is not one short identifier (letters, digits and
       underscores, starting with a letter or underscore, at most 24 characters): a
       dotted name, a call, an expression or a statement is the API or the code, which
       belong to the later levels;
    3. a call, backticked or not: a name directly followed by ``(``.
    """
    found = [f"answer line {line!r}" for line in answer if line in text]
    found += [f"code span `{span}`" for span in BACKTICKED.findall(text) if not SHORT_IDENTIFIER.match(span)]
    found += [f"call {call}...)" for call in CALL.findall(text)]
    return found


@dataclass(frozen=True)
class HintCheck:
    task: int
    levels: int
    code: list[str]

    @property
    def ok(self) -> bool:
        return self.levels >= 2 and not self.code


def hint_checks(item: Item) -> list[HintCheck]:
    """For every task: how many levels its hint has, and any code in its first level."""
    answer = answer_lines((SOLUTIONS / item.filename).read_text(encoding="utf-8"))
    return [HintCheck(task, len(item.levels(task)), code_in_hint(item.levels(task)[0], answer) if item.levels(task)
                      else ["no hint"]) for task in sorted(item_tasks(item))]


def table(items: list[Item]) -> list[str]:
    """One line per item: give-away ratio, tasks without a public check, hints to graduate."""
    rows = [f"{'item':34} {'give-away':>9} {'copied':>8}  {'unchecked tasks':16} hints not graduated"]
    for item in items:
        given = giveaway(item.id)
        unchecked = sorted(item_tasks(item) - checked_tasks(item.id))
        flat = [str(h.task) for h in hint_checks(item) if not h.ok]
        rows.append(f"{item.id:34} {given.ratio:>8.0%}{'!' if not given.ok else ' '} "
                    f"{len(given.copied):>3}/{len(given.answer):<4}  {','.join(map(str, unchecked)) or '-':16} "
                    f"{','.join(flat) or '-'}")
    total = [giveaway(i.id) for i in items]
    rows.append(f"{len([g for g in total if not g.ok])} of {len(items)} items above the {GIVEAWAY_LIMIT:.0%} "
                f"give-away limit; {sum(1 for i in items if item_tasks(i) - checked_tasks(i.id))} with a task "
                f"without public check; {sum(1 for i in items if not all(h.ok for h in hint_checks(i)))} "
                "with hints to graduate")
    return rows


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    ids = args[args.index("--items") + 1].split(",") if "--items" in args else None
    print("\n".join(table(manifest.load().select(ids))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["GIVEAWAY_LIMIT", "Giveaway", "HintCheck", "answer_lines", "checked_tasks", "code_in_hint",
           "giveaway", "hint_checks", "item_tasks", "main", "table"]
