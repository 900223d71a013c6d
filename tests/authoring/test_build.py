"""Stubs from solutions, notebooks from lessons."""

from __future__ import annotations

import pytest

from autograder.authoring import build
from tests.conftest import COURSE

SOLUTION = '''"""Doc."""
x = 1


def f():
    # BEGIN SOLUTION
    return 42
    # END SOLUTION
    # STUB: # TODO: return the answer
    # STUB: raise NotImplementedError
'''


def test_stub_drops_the_answer_and_uncomments_stub_lines():
    assert build.make_stub(SOLUTION) == '''"""Doc."""
x = 1


def f():
    # TODO: return the answer
    raise NotImplementedError
'''


@pytest.mark.parametrize(("source", "error"), [
    ("# BEGIN SOLUTION\n", "never closed"),
    ("# END SOLUTION\n", "without BEGIN"),
    ("# BEGIN SOLUTION\n# BEGIN SOLUTION\n", "nested"),
])
def test_unbalanced_markers_are_errors(source, error):
    with pytest.raises(build.BuildError, match=error):
        build.make_stub(source, "x.py")


def test_notebook_has_header_lesson_and_check_cell():
    item = COURSE.items[0]
    notebook = build.make_notebook(COURSE, item, "Some words.\n\n```python\nprint(1)\n```\n")
    kinds = [(c.cell_type, c.source.splitlines()[0]) for c in notebook.cells]
    assert kinds[0] == ("markdown", f"# 1. {item.title}")
    assert ("code", "print(1)") in kinds
    assert notebook.cells[-1].source.endswith(f'check("{item.id}")')
    assert notebook.metadata["workbook"]["item"] == item.id
