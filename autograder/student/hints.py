"""Graduated hints, revealed one level at a time, for the CLI and the notebooks alike.

A task's hint has up to three levels: the idea, then the API, and only last the code.
A failing check shows the first level; ``workbook hint ITEM`` (or ``hint("ITEM")``)
shows one more level of the first unfinished task at each call, so a student who only
needed a nudge never reads the answer. Both front ends print the lines built here, so
the wording exists once.
"""

from __future__ import annotations

from pathlib import Path

from autograder.manifest import Item
from autograder.paths import EXERCISES
from autograder.student.state import Reveal, State, UnknownTask


def lines(item: Item, folder: Path | None = None, task: int | None = None, show_all: bool = False,
          again: str = "workbook hint {id}") -> list[str]:
    """What ``workbook hint`` and the notebook's ``hint()`` show: every level of every
    task with ``show_all``, else the next level (see :func:`reveal`). A ``task`` the item
    does not have raises :class:`UnknownTask`."""
    if task is not None and not item.levels(task):
        raise UnknownTask(item, task)
    if show_all:
        return all_lines(item)
    return reveal(item, folder, task, again)[1]


def reveal(item: Item, folder: Path | None = None, task: int | None = None,
           again: str = "workbook hint {id}") -> tuple[Reveal | None, list[str]]:
    """Show the next level of ``task``'s hint (default: the first unfinished task, as the
    last check of the saved file found it) and record it; returns what was shown and the
    lines to print. ``again`` is how the front end asks for the next level."""
    if not item.hints:
        return None, [f"{item.id} has no hints."]
    state = State.load()
    if task is None:
        unfinished = state.unfinished_tasks(item, Path(folder or EXERCISES) / item.filename)
        if not unfinished:
            return None, [f"Every check of {item.id} passes: no hint needed "
                          f"(`workbook hint {item.id} --all` shows them all)."]
        task = unfinished[0]
    shown = state.next_hint(item, task)
    try:
        state.save()
    except OSError:
        pass
    command = again.format(id=item.id)
    said = [f"hint {shown.level}/{shown.levels} for task {task}: {shown.text}"]
    if shown.exhausted:
        said.append(f"That was already the last level of task {task}'s hint; there is no further one.")
    elif shown.last:
        said.append(f"That was the last level of task {task}'s hint.")
    else:
        said.append(f"Run `{command}` again for the next level.")
    return shown, said


def all_lines(item: Item) -> list[str]:
    """Every level of every task's hint, in order (``--all``)."""
    if not item.hints:
        return [f"{item.id} has no hints."]
    return [f"task {task}, hint {level}/{len(item.levels(task))}: {text}"
            for task in range(1, item.tasks + 1)
            for level, text in enumerate(item.levels(task), start=1)]
