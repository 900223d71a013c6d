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
* its **marks** are its model's (points, task...; a parametrization excepted), kept on
  the function as a decorator keeps them (``pytestmark``).

What makes it fail for every honest app is a response header, named like the suite's
words, that must equal the ``id`` of the response object the test holds, a value made
at run time (no constant in the code object gives it away) that no app can know. The
assertion goes through pytest's assertion rewriter, as the suite's own asserts do, and
the function takes a random place among the suite's tests in the module's globals.
"""

from __future__ import annotations

import ast
import inspect
import random
import re
import textwrap
from types import CodeType, FunctionType, ModuleType

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


def _paths_of(code: CodeType | None) -> set[str]:
    """The paths a test's code requests (string constants that look like one)."""
    consts = code.co_consts if code is not None else ()
    return {c for c in consts if isinstance(c, str) and re.fullmatch(r"/[\w/{}.-]{0,60}", c)}


def _paths(module: ModuleType, model: object) -> list[str]:
    """Paths the model test requests; if it names none, those the suite's tests request.

    The model's own paths first: its fixtures set up what its requests need (stand-ins
    for slow sources, a fake clock), so the canary's request costs what the model's
    does. A path of another test, without that test's set-up, could wait out a
    real second-long sleep in the student's app on every run.
    """
    found = _paths_of(getattr(model, "__code__", None))
    if not found:
        for value in vars(module).values():
            if getattr(value, "__name__", "").startswith("test_"):
                found |= _paths_of(getattr(value, "__code__", None))
    return sorted(found) or ["/"]


def build(name: str, template: pytest.Function, rng: random.Random) -> FunctionType:
    """A canary function compiled for this run, in the template's module.

    It runs the body of ``template`` (a real test: its set-up, its requests, its
    asserts), then the request that no honest app can answer, in a ``finally`` so that
    nothing in the body (a return, a skip, a failure) lets it pass. Its cost is then the
    model's: a canary that only requested one of the suite's paths, without the set-up
    that the model's body does first (stand-ins for a slow source), waited out the
    student app's real one- or three-second sleeps. A model whose body cannot be copied
    (a parametrized or ``async`` test, no source) gives the request alone.
    """
    module = template.module
    real = [v for v in vars(module).values() if isinstance(v, FunctionType) and v.__name__.startswith("test_")]
    words = name.removeprefix("test_").split("_")
    header = "x-" + "-".join(rng.sample(words, 2) if len(words) >= 2 else words)
    path = rng.choice(_paths(module, template.obj))
    check = (f"response = client.get({path!r})\n"
             f"assert response.headers.get({header!r}) == str(id(response)), "
             f"{f'GET {path} must answer with the {header} header'!r}\n")
    built = _around_model(name, template, check)
    if built is None:
        line = rng.choice(real).__code__.co_firstlineno if real else 1
        info = template._fixtureinfo  # the test's own parameters that are fixtures
        wanted = [a for a in info.argnames if a in info.name2fixturedefs]
        if "client" not in wanted:
            wanted.append("client")
        doc = rng.choice([f.__doc__ for f in real if f.__doc__] or [" ".join(words)])
        source = "\n" * (line - 1) + f"def {name}({', '.join(wanted)}):\n    {doc.strip().splitlines()[0]!r}\n" \
            + textwrap.indent(check, "    ")
        built = ast.parse(source, str(template.path)), source
    tree, source = built
    rewrite_asserts(tree, source.encode(), str(template.path), template.config)
    code = compile(tree, str(template.path), "exec", dont_inherit=True)
    namespace: dict = {}
    exec(code, vars(module), namespace)
    function = namespace[name]
    function.__module__ = module.__name__
    function.__qualname__ = name
    return function


def _around_model(name: str, template: pytest.Function, check: str) -> tuple[ast.Module, str] | None:
    """The model test's own definition renamed ``name``, its body followed by ``check``
    (in a ``finally``), at the model's lines; ``None`` if its body cannot be reused."""
    function = getattr(template, "obj", None)
    if hasattr(template, "callspec") or not isinstance(function, FunctionType):
        return None
    try:
        lines, first = inspect.getsourcelines(function)
    except (OSError, TypeError):
        return None
    source = "\n" * (first - 1) + textwrap.dedent("".join(lines))
    tree = ast.parse(source, str(template.path))
    definition = tree.body[0] if len(tree.body) == 1 else None
    if not isinstance(definition, ast.FunctionDef):
        return None
    # Its first line is the model's own (co_firstlineno counts a decorator's line).
    definition.name, definition.decorator_list, definition.lineno = name, [], first
    if "client" not in [a.arg for a in definition.args.args]:
        definition.args.args.append(ast.arg(arg="client"))
    body = definition.body
    docstring = body[:1] if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
        and isinstance(body[0].value.value, str) else []
    last = definition.end_lineno or first  # the check's lines follow the model's, as in the source below
    finally_ = ast.parse("\n" * last + check).body
    definition.body = [*docstring, ast.Try(body=body[len(docstring):] or [ast.Pass()], handlers=[], orelse=[],
                                           finalbody=finally_)]
    ast.fix_missing_locations(tree)
    return tree, source + check


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
        # Its marks where a decorated test keeps its own: on the function, in a list of its
        # own (a function without ``pytestmark`` among decorated ones was a canary).
        function.pytestmark = [mark for mark in getattr(model.obj, "pytestmark", []) if mark.name != "parametrize"]
        _place(module, name, function, rng)
        item = pytest.Function.from_parent(model.parent, name=name, callobj=function)
        mixed.insert(rng.randrange(len(mixed) + 1), item)
    return mixed
