"""Making mutants: the mistakes each operator makes, only in the answer, under stable ids."""

from __future__ import annotations

import ast
from functools import cache

import pytest

from autograder.audit import mutants as mutation
from autograder.audit.mutants import Mutant
from autograder.authoring import build
from tests.support.audit import SAMPLE


@cache
def mutants_by_operator(source: str = SAMPLE) -> dict[str, list[Mutant]]:
    found: dict[str, list[Mutant]] = {}
    for mutant in mutation.make_mutants(source):
        found.setdefault(mutant.operator, []).append(mutant)
    return found


def descriptions(operator: str) -> list[str]:
    return [m.description for m in mutants_by_operator()[operator]]


def test_the_mutator_makes_every_kind_the_course_cares_about():
    assert set(mutants_by_operator()) == {
        "drop-await", "drop-async", "sync-sleep", "sequential-gather", "unthread", "status-code", "drop-dependency",
        "drop-scopes", "drop-keyword", "drop-element", "drop-entry", "flip-compare", "swap-boolop", "drop-not",
        "flip-bool", "number", "string", "string-number", "delete-stmt", "return-none", "drop-decorator"}


@pytest.mark.parametrize(("operator", "description"), [
    ("sync-sleep", "`await asyncio.sleep(LATENCY)` -> `time.sleep(LATENCY)`"),
    ("sequential-gather", "`await asyncio.gather(one(), two())` -> `[await one(), await two()]`"),
    ("unthread", "`await asyncio.to_thread(crunch, first)` -> `crunch(first)`"),
    ("drop-async", "`async def items` -> `def items`"),
    ("drop-dependency", "`Annotated[str, Depends(scheme)]` -> `str`"),
    ("drop-dependency", "`Depends(current)` -> `None`"),
    ("drop-dependency", "`[Depends(current), Depends(audit_me)]` -> `[Depends(audit_me)]`"),
    ("drop-keyword", "`jwt.decode(...)` without `algorithms=['HS256', 'HS384']`"),
    ("drop-keyword", "`HTTPException(...)` without `headers={'WWW-Authenticate': 'Bearer', 'X-Why': 'bad'}`"),
    ("drop-entry", "`{'WWW-Authenticate': 'Bearer', 'X-Why': 'bad'}` -> `{'X-Why': 'bad'}`"),
    ("string-number", "`'5/minute'` -> `'5/hour'`"),
    ("string-number", "`'5/minute'` -> `'4/minute'`"),
    ("flip-bool", "`True` -> `False`"),
    ("return-none", "`return claims` -> `return None`"),
    ("drop-decorator", "removed decorator `@app.get('/items', status_code=404)`"),
])
def test_each_operator_makes_the_mistake_it_is_named_for(operator, description):
    assert description in descriptions(operator)


@pytest.mark.parametrize(("operator", "expected"), [
    ("status-code", {"`status.HTTP_401_UNAUTHORIZED` -> `status.HTTP_403_FORBIDDEN`", "`404` -> `200`"}),
    ("flip-compare", {"`claims.get('n', 0) > 3` -> `claims.get('n', 0) <= 3`",
                      "`claims.get('n', 0) > 3` -> `claims.get('n', 0) >= 3`"}),
])
def test_these_operators_make_only_these_mistakes(operator, expected):
    assert set(descriptions(operator)) == expected


def test_scopes_are_dropped_once_and_a_raise_can_be_deleted():
    assert descriptions("drop-scopes") == ["`Security(...)` without `scopes=['read', 'write']`"]
    assert any(d.startswith("deleted `raise HTTPException(") for d in descriptions("delete-stmt"))


def test_every_kind_of_statement_that_can_go_is_deleted():
    """One visitor method serves every kind in DELETABLE: each kind here must still be met."""
    source = ("async def f(xs, n: int):\n    y: int = 0\n    y += 1\n    z = y\n    print(z)\n    del n\n"
              "    assert xs\n    if xs:\n        raise ValueError\n    for x in xs:\n        continue\n"
              "    while xs:\n        break\n    async for x in xs:\n        pass\n    with open(xs):\n"
              "        pass\n    async with xs:\n        pass\n    try:\n        pass\n    except OSError:\n"
              "        pass\n")
    deleted = [m.description for m in mutation.make_mutants(source) if m.operator == "delete-stmt"]
    assert deleted == [f"deleted `{s}`" for s in (
        "y: int = 0", "y += 1", "z = y", "print(z)", "del n", "assert xs", "if xs: raise ValueError",
        "raise ValueError", "for x in xs: continue", "continue", "while xs: break", "break",
        "async for x in xs: pass", "with open(xs): pass", "async with xs: pass", "try: pass except OSError: pass")]


def test_only_the_answer_is_mutated_and_every_mutant_is_new_python():
    mutants = mutation.make_mutants(SAMPLE)
    answer = mutation.solution_lines(SAMPLE)
    assert all(m.line in answer for m in mutants)
    assert not any("Docstrings" in m.description or "LATENCY + 1" in m.description for m in mutants)
    original = ast.unparse(ast.parse(SAMPLE))
    assert len({m.source for m in mutants}) == len(mutants) and original + "\n" not in {m.source for m in mutants}
    assert all(mutation.is_valid(m) for m in mutants if m.operator != "drop-async")
    sync = next(m for m in mutants if m.operator == "sync-sleep")
    assert "import time" in sync.source and mutation.is_valid(sync)


def test_dropping_async_from_a_function_that_awaits_is_invalid():
    mutant = next(m for m in mutation.make_mutants(SAMPLE) if m.operator == "drop-async")
    assert not mutation.is_valid(mutant)


def test_a_module_without_markers_is_mutated_whole_but_its_docstrings():
    source = '"""doc"""\ndef f(x):\n    """doc"""\n    return x > 1\n'
    assert mutation.solution_lines(source) is None
    assert {m.operator for m in mutation.make_mutants(source)} == {"flip-compare", "number", "return-none"}


def test_mutant_ids_are_stable_and_survive_a_line_moving():
    first = mutation.make_mutants(SAMPLE)
    assert [m.id for m in first] == [m.id for m in mutation.make_mutants(SAMPLE)]
    assert len({m.id for m in first}) == len(first)
    moved = mutation.make_mutants(SAMPLE.replace("LATENCY = 1.0\n", "LATENCY = 1.0\nOTHER = 2\n"))
    assert [m.key for m in moved] == [m.key for m in first]
    assert [m.line for m in moved] == [m.line + 1 for m in first]


def test_markers_match_the_builder():
    assert (mutation.BEGIN.pattern, mutation.END.pattern) == (build.BEGIN.pattern, build.END.pattern)
