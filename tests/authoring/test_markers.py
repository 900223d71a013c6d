"""The solution markers: which lines they are, as the build, the audit and the teaching measure read them."""

from __future__ import annotations

import re

import pytest

from autograder.authoring.markers import BEGIN, END
from autograder.paths import PACKAGE, SOLUTIONS


@pytest.mark.parametrize("line", ["# BEGIN SOLUTION", "    # BEGIN SOLUTION", "\t# BEGIN SOLUTION  ",
                                  "# BEGIN SOLUTION\n"])
def test_begin_is_the_marker_line_at_any_indent(line):
    assert BEGIN.match(line) and not END.match(line)


@pytest.mark.parametrize("line", ["# END SOLUTION", "        # END SOLUTION", "# END SOLUTION \n"])
def test_end_is_the_marker_line_at_any_indent(line):
    assert END.match(line) and not BEGIN.match(line)


@pytest.mark.parametrize("line", [
    "#BEGIN SOLUTION",                # no space after the hash
    "# begin solution",               # the markers are upper case
    "# BEGIN SOLUTIONS",
    "# BEGIN  SOLUTION",
    "x = 1  # BEGIN SOLUTION",        # a marker is a line of its own, never a trailing comment
    "# BEGIN SOLUTION: the answer",
    "print('# BEGIN SOLUTION')",
    "## BEGIN SOLUTION",
])
def test_a_near_miss_is_not_a_marker(line):
    assert not BEGIN.match(line) and not END.match(line.replace("BEGIN", "END").replace("begin", "end"))


def is_marker(line: str) -> bool:
    return bool(BEGIN.match(line) or END.match(line))


def test_every_reference_solution_marks_its_answer_with_balanced_markers():
    """A typo in a marker would make it an ordinary comment: the stub would ship the answer."""
    for solution in sorted(SOLUTIONS.glob("*.py")):
        lines = solution.read_text(encoding="utf-8").splitlines()
        kinds = ["begin" if BEGIN.match(line) else "end" for line in lines if is_marker(line)]
        assert kinds and kinds == ["begin", "end"] * (len(kinds) // 2), solution.name
        near_misses = [n for n, line in enumerate(lines, 1)
                       if re.search(r"(BEGIN|END)\s*SOLUTION", line, re.IGNORECASE) and not is_marker(line)]
        assert near_misses == [], f"{solution.name}: lines {near_misses} look like markers but are not"


def test_the_markers_are_defined_once():
    """The build, the audit and the teaching measure import them; none writes its own copy."""
    copies = [path.relative_to(PACKAGE).as_posix() for path in sorted(PACKAGE.rglob("*.py"))
              if path.name != "markers.py" and "course" not in path.relative_to(PACKAGE).parts
              and re.search(r"re\.compile\([^)]*(BEGIN|END) SOLUTION", path.read_text(encoding="utf-8"))]
    assert copies == []
