"""Canary tests: extra tests, shaped like the real ones, whose right outcome is failure.

The grader names a few canaries for each run and the worker slips them in among the
real tests. Code that makes tests pass without earning it (a patched report, a replaced
assertion, a forged result) makes the canaries pass too: the grader then voids the run.

A canary is only useful if nothing tells it from a real test, so each one is built
afresh in every run, from the suite itself:

* its **name** is made of words taken from the suite's own test names;
* its **code object** is compiled for this run (no two runs share one), with the suite's
  file name, a line among the suite's tests, and the canary's name as its ``co_name``;
  it lives in the suite module's globals like the real tests;
* its **body** uses the suite's own fixtures (the arguments of a real test, chosen at
  random) and asks the student's app for a path the suite itself requests;
* its **markers** (points, task) are a real test's.

What makes it fail for every honest app is a response header, named like the suite's
words, that must equal the ``id`` of the response object the test holds, a value made
at run time (no constant in the code object gives it away) that no app can know. The
assertion goes through pytest's assertion rewriter, as the suite's own asserts do, and
the function takes a random place among the suite's tests in the module's globals.
"""

from __future__ import annotations

import ast
import random
import re
from types import FunctionType, ModuleType

import pytest
from _pytest.assertion.rewrite import rewrite_asserts

VERBS = ("answers", "keeps", "returns", "refuses", "accepts", "rejects", "stores", "reports", "sends", "checks")
NOUNS = ("request", "response", "header", "token", "body", "status", "route", "record", "user", "result")


def names(existing: set[str], count: int = 2, rng: random.Random | None = None) -> tuple[str, ...]:
    """``count`` fresh test names, made of the suite's own words, colliding with none of ``existing``."""
    rng = rng or random.SystemRandom()
    words = sorted({w for name in existing for w in name.removeprefix("test_").split("_") if w.isalpha()})
    if len(words) < 4:
        words = sorted({*words, *VERBS, *NOUNS})
    chosen: list[str] = []
    while len(chosen) < count:
        name = "test_" + "_".join(rng.sample(words, rng.choice((3, 4, 5)) if len(words) >= 5 else 3))
        if name not in existing and name not in chosen:
            chosen.append(name)
    return tuple(chosen)


def _paths(module: ModuleType) -> list[str]:
    """Paths the suite's tests request (string constants that look like one)."""
    found = set()
    for value in vars(module).values():
        code = getattr(value, "__code__", None)
        if code is None or not getattr(value, "__name__", "").startswith("test_"):
            continue
        for const in code.co_consts:
            if isinstance(const, str) and re.fullmatch(r"/[\w/{}.-]{0,60}", const):
                found.add(const)
    return sorted(found) or ["/"]


def build(name: str, template: pytest.Function, rng: random.Random) -> FunctionType:
    """A canary function compiled for this run, in the template's module."""
    module = template.module
    real = [v for v in vars(module).values() if isinstance(v, FunctionType) and v.__name__.startswith("test_")]
    line = rng.choice(real).__code__.co_firstlineno if real else 1
    info = template._fixtureinfo  # the test's own parameters that are fixtures
    wanted = [a for a in info.argnames if a in info.name2fixturedefs]
    if "client" not in wanted:
        wanted.append("client")
    words = name.removeprefix("test_").split("_")
    header = "x-" + "-".join(rng.sample(words, 2) if len(words) >= 2 else words)
    path = rng.choice(_paths(module))
    doc = rng.choice([f.__doc__ for f in real if f.__doc__] or [" ".join(words)])
    source = "\n" * (line - 1) + (
        f"def {name}({', '.join(wanted)}):\n"
        f"    {doc.strip().splitlines()[0]!r}\n"
        f"    response = client.get({path!r})\n"
        f"    assert response.headers.get({header!r}) == str(id(response)), "
        f"{f'GET {path} must answer with the {header} header'!r}\n")
    tree = ast.parse(source, str(template.path))
    rewrite_asserts(tree, source.encode(), str(template.path), template.config)
    code = compile(tree, str(template.path), "exec", dont_inherit=True)
    namespace: dict = {}
    exec(code, vars(module), namespace)
    function = namespace[name]
    function.__module__ = module.__name__
    function.__qualname__ = name
    return function


def _place(module: ModuleType, name: str, function: FunctionType, rng: random.Random) -> None:
    """Bind ``function`` in the module's globals at a random place among its tests (the
    order of a module's dict would otherwise tell the canaries, added last)."""
    namespace = vars(module)
    entries = [(k, v) for k, v in namespace.items() if k != name]
    tests = [n for n, (k, _) in enumerate(entries) if k.startswith("test_")]
    entries.insert(rng.choice(tests) if tests else len(entries), (name, function))
    namespace.clear()
    namespace.update(entries)


def mix(items: list[pytest.Item], canaries: tuple[str, ...], template: pytest.Item) -> list[pytest.Item]:
    """The real items with one canary item per name, at random places among them.

    ``template`` is a real test of the suite (collected even if this worker skips it):
    each canary is built from its module and carries the markers of a real test.
    ``items`` may be empty: every real test was graded by an earlier worker.
    """
    rng = random.SystemRandom()
    module = template.module
    mixed = list(items)
    models = [i for i in (items or [template]) if isinstance(i, pytest.Function)] or [template]
    for name in canaries:
        model = rng.choice(models)
        function = build(name, model, rng)
        _place(module, name, function, rng)
        item = pytest.Function.from_parent(model.parent, name=name, callobj=function)
        for marker in (model.get_closest_marker("points"), model.get_closest_marker("task")):
            if marker is not None:
                item.add_marker(getattr(pytest.mark, marker.name)(*marker.args, **marker.kwargs))
        mixed.insert(rng.randrange(len(mixed) + 1), item)
    return mixed
