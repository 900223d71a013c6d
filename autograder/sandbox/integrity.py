"""Did the student's code replace what a result passes through on its way to the grader?

Taken after collection, before the student's module is imported, a snapshot records the
identity (and, for functions, the code object) of every function, class and module
bound in:

* pytest's and pluggy's runner modules, and the classes defined in them;
* the grader's own modules loaded in the worker (the reporter, the kit, the loader...);
* the hidden suite's module globals (``sys.modules[...]`` gives the student a way in);
* each collected test's function, class, session and config (``item.obj`` replaced by a
  no-op passes the test unrun), and no method of its own shadowing its class's;
* the test client and the HTTP classes a response passes through (``TestClient``,
  Starlette's transport, ``httpx.Client``, ``Response``, ``Request``, ``Headers``);
* ``json`` and the builtins;
* ``sys.modules`` entries of all of the above.

:func:`changed` compares the present with the snapshot. The reporter calls it at every
result event (setup, call and teardown of every test), and :func:`checkpoint`, which
the kit calls after every request and inside its probes, catches a builtin patched only
while a request runs. The suites' own ``monkeypatch`` targets (``time``, ``asyncio``,
``jwt``, ``httpx.AsyncClient``...) are deliberately not watched: a suite patching them
must not look like tampering.
"""

from __future__ import annotations

import builtins
import importlib
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import FunctionType, MethodType, ModuleType
from typing import Any

# Modules whose every function, class (and its attributes) and module binding is watched.
# Each exists in every release this project supports, unless RELEASES says which have it.
WATCHED_MODULES: tuple[str, ...] = (
    "_pytest.runner", "_pytest.reports", "_pytest.python", "_pytest.main", "_pytest.outcomes",
    "_pytest.fixtures", "_pytest.nodes", "_pytest.python_api", "_pytest.raises", "_pytest.approx",
    "_pytest.assertion.rewrite",
    "_pytest.assertion.util", "_pytest.skipping", "_pytest.unittest", "_pytest.terminal", "_pytest.logging",
    "pluggy", "pluggy._callers", "pluggy._hooks", "pluggy._manager", "pluggy._result",
    "pluggy._caller", "pluggy._execution", "pluggy._impl",
    "pytest",
    "autograder.sandbox.plugin", "autograder.sandbox.messages", "autograder.sandbox.loader",
    "autograder.sandbox.canary", "autograder.sandbox.integrity", "autograder.sandbox.guard",
    "autograder.sandbox.protocol",  # the events are built from its classes after the student's code ran
    "json", "json.decoder", "json.encoder",
)
# What a result passes through on its way to the grader, named where it is defined. A module
# watched whole says nothing when pytest or pluggy moves a function out of it (pluggy 1.7 left
# ``_hooks`` and ``_callers`` as re-exports: ``HookCaller.__call__`` went unwatched), so each of
# these must be an entry of every snapshot: :func:`gaps` names the ones that are not.
WATCHED_NAMES: tuple[str, ...] = (
    "_pytest.runner.runtestprotocol", "_pytest.runner.call_and_report", "_pytest.runner.CallInfo.from_call",
    "_pytest.runner.pytest_runtest_makereport", "_pytest.runner.pytest_runtest_protocol",
    "_pytest.runner.check_interactive_exception",
    "_pytest.reports.TestReport.from_item_and_call", "_pytest.reports.TestReport.__init__",
    "_pytest.reports.BaseReport.passed", "_pytest.reports.BaseReport.failed", "_pytest.reports.CollectReport.__init__",
    "_pytest.python.Function.runtest", "_pytest.python.Function.setup", "_pytest.python.pytest_pyfunc_call",
    "_pytest.main.pytest_runtestloop", "_pytest.main.Session.perform_collect",
    "_pytest.outcomes.fail", "_pytest.outcomes.skip", "_pytest.outcomes.exit",
    "_pytest.outcomes.OutcomeException.__init__",
    "_pytest.fixtures.FixtureDef.execute", "_pytest.fixtures.FixtureRequest.getfixturevalue",
    "_pytest.python_api.raises", "_pytest.raises.raises", "_pytest.python_api.approx", "_pytest.approx.approx",
    "_pytest.assertion.rewrite.rewrite_asserts", "_pytest.assertion.util.assertrepr_compare",
    "pytest.fail", "pytest.skip", "pytest.raises", "pytest.approx", "pytest.main",
    "pluggy._manager.PluginManager._hookexec", "pluggy._manager._multicall", "pluggy._callers._multicall",
    "pluggy._execution._multicall", "pluggy._hooks.HookCaller.__call__", "pluggy._caller.HookCaller.__call__",
    "pluggy._result.Result.get_result",
    "json.dumps", "json.loads",
)
# The watched modules and names that only some of the supported releases have (pytest>=8.2 in
# pyproject.toml, the floor of the minimum-versions leg, and the pluggy>=1.5 it brings): the
# distribution, the first release with it and the first without (None: every supported one).
# A name inherits its module's entry. Anything not here must exist in every supported release.
RELEASES: dict[str, tuple[str, str | None, str | None]] = {
    "_pytest.raises": ("pytest", "8.4", None),       # raises() moved out of python_api
    "_pytest.python_api": ("pytest", None, "9.2"),   # what was left of it became _pytest.approx
    "_pytest.python_api.raises": ("pytest", None, "8.4"),
    "_pytest.approx": ("pytest", "9.2", None),
    "pluggy._caller": ("pluggy", "1.7", None),       # HookCaller, from pluggy._hooks
    "pluggy._execution": ("pluggy", "1.7", None),    # _multicall, from pluggy._callers
    "pluggy._impl": ("pluggy", "1.7", None),         # HookImpl, from pluggy._hooks
    "pluggy._hooks.HookCaller.__call__": ("pluggy", None, "1.7"),  # pluggy._hooks re-exports it since
}
# Module prefixes watched the same way, whatever they hold (the kit grows).
WATCHED_PREFIXES: tuple[str, ...] = ("autograder.kit",)
# Classes watched attribute by attribute although their module is not.
WATCHED_CLASSES: tuple[tuple[str, str], ...] = (
    ("fastapi.testclient", "TestClient"),
    ("starlette.testclient", "TestClient"),
    ("starlette.testclient", "_TestClientTransport"),
    ("httpx", "Client"),
    ("httpx._client", "BaseClient"),
    ("httpx", "Response"),
    ("httpx", "Request"),
    ("httpx", "Headers"),
)
# What each collected test (a pytest item) must keep: its function and the objects its hooks
# and fixtures are found through. Replacing ``item.obj`` by a no-op passes a test unrun.
ITEM_ATTRIBUTES: tuple[str, ...] = ("_obj", "session", "config", "parent", "_fixtureinfo", "path")
# Methods an item must not get an instance attribute of its own for (shadowing its class's).
ITEM_METHODS: tuple[str, ...] = ("runtest", "setup", "teardown", "repr_failure", "reportinfo", "_getobj")
Checker = Callable[[], None]
_MISSING = object()


def _unwrap(value: Any) -> Any:
    if isinstance(value, (staticmethod, classmethod)):
        return value.__func__
    if isinstance(value, property):
        return value.fget
    return value


def _code_of(value: Any) -> tuple[Any, Any]:
    """The function whose ``__code__`` to watch, and that code (or two Nones)."""
    inner = _unwrap(value)
    if isinstance(inner, MethodType):
        inner = inner.__func__
    if isinstance(inner, FunctionType):
        return inner, inner.__code__
    return None, None


def _watchable(value: Any) -> bool:
    """Functions, classes, modules, descriptors, and any other callable (``pytest.fail`` is
    an instance of a wrapper class, not a function)."""
    return callable(value) or isinstance(value, (ModuleType, staticmethod, classmethod, property))


@dataclass
class Snapshot:
    """Each watched binding: (its name, the namespace, the key, the object, the function
    holding its code, that code).

    The namespaces are the live dictionaries (module ``__dict__``, class mapping
    proxies, ``sys.modules``), so a check is one identity comparison per binding:
    cheap enough to run after every request.
    """

    entries: list[tuple[str, Any, str, Any, Any, Any]] = field(default_factory=list)
    sizes: list[tuple[str, Any, int]] = field(default_factory=list)
    computed: list[tuple[str, Callable[[], Any], Any]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.entries)


def _modules(suite_modules: Iterable[ModuleType]) -> list[tuple[str, ModuleType]]:
    found: dict[str, ModuleType] = {}
    for name in WATCHED_MODULES:
        module = sys.modules.get(name)
        if module is None:
            try:
                module = importlib.import_module(name)
            except ImportError:
                continue  # not in this release (RELEASES says which have it; gaps() checks)
        found[name] = module
    for name, module in list(sys.modules.items()):
        if isinstance(module, ModuleType) and name.startswith(WATCHED_PREFIXES):
            found[name] = module
    for module in suite_modules:
        found[module.__name__] = module
    return sorted(found.items())


def _classes() -> list[tuple[str, type]]:
    found = []
    for module_name, class_name in WATCHED_CLASSES:
        module = sys.modules.get(module_name)
        value = getattr(module, class_name, None) if module is not None else None
        if isinstance(value, type):
            found.append((f"{module_name}.{class_name}", value))
    return found


def _record_class(taken: Snapshot, label: str, cls: type) -> None:
    namespace = cls.__dict__
    taken.sizes.append((label, namespace, len(namespace)))
    for attribute, member in list(namespace.items()):
        if _watchable(member):
            taken.entries.append((f"{label}.{attribute}", namespace, attribute, member, *_code_of(member)))


class _Cells:
    """A function's closure cells seen as a namespace (``cell_contents`` is writable)."""

    def __init__(self, function: Any) -> None:
        self.cells = dict(enumerate(getattr(function, "__closure__", None) or ()))

    def get(self, key: int, default: Any = None) -> Any:
        try:
            return self.cells[key].cell_contents
        except (KeyError, ValueError):
            return default


class _Type:
    """An object's class seen as a namespace of one key (``__class__`` is writable)."""

    def __init__(self, obj: Any) -> None:
        self.obj = obj

    def get(self, key: str, default: Any = None) -> Any:
        return type(self.obj)


def _record_items(taken: Snapshot, items: Iterable[Any]) -> None:
    for item in items:
        getattr(item, "obj", None)  # pytest binds the function on first use: bound now, before any check
        namespace = vars(item)
        label = f"the test {getattr(item, 'name', '?')}"
        taken.entries.append((f"{label} (its class)", _Type(item), "__class__", type(item), None, None))
        for key in ITEM_ATTRIBUTES:
            value = namespace.get(key, _MISSING)
            taken.entries.append((f"{label}.{key}", namespace, key, value, *_code_of(value)))
        for key in ITEM_METHODS:
            taken.entries.append((f"{label}.{key}", namespace, key, _MISSING, None, None))


def _hookimpls(manager: Any) -> Callable[[], Any]:
    """Which functions implement each of pytest's hooks (a plugin added or a hook
    implementation's function swapped changes it)."""

    def read() -> tuple:
        return tuple((name, tuple((id(impl), id(getattr(impl, "function", None))) for impl in caller.get_hookimpls()))
                     for name, caller in sorted(vars(manager.hook).items()) if hasattr(caller, "get_hookimpls"))

    return read


def shared() -> Snapshot:
    """What every snapshot of this process holds whatever the suite: pytest's, pluggy's and
    the grader's modules, the watched classes and the builtins.

    A suite server (:mod:`autograder.sandbox.suite_server`) takes it once, before it forks
    any worker, and each worker's :func:`snapshot` starts from it: a worker then records only
    its own (the suite module with its canaries, the reporter, the closures), about 5 ms
    less per item run. The identities it holds are the worker's own, inherited by the fork.
    """
    taken = Snapshot()
    for name, module in _modules(()):
        _record_module(taken, name, module)
    for label, cls in _classes():
        _record_class(taken, label, cls)
    namespace = vars(builtins)
    for key, value in list(namespace.items()):
        if not key.startswith("_") or key in ("__import__", "__build_class__"):
            taken.entries.append((f"builtins.{key}", namespace, key, value, *_code_of(value)))
    return taken


def _record_module(taken: Snapshot, name: str, module: ModuleType) -> None:
    taken.entries.append((f"sys.modules[{name}]", sys.modules, name, module, None, None))
    namespace = vars(module)
    for key, value in list(namespace.items()):
        if not _watchable(value):
            continue
        taken.entries.append((f"{name}.{key}", namespace, key, value, *_code_of(value)))
        if isinstance(value, type) and getattr(value, "__module__", None) == name:
            _record_class(taken, f"{name}.{key}", value)


def snapshot(suite_modules: Iterable[ModuleType] = (), *, instances: Iterable[tuple[str, Any, frozenset]] = (),
             closures: Iterable[tuple[str, Any]] = (), plugin_manager: Any = None,
             base: Snapshot | None = None, items: Iterable[Any] = ()) -> Snapshot:
    """Every watched binding as it is now.

    ``instances`` are (label, object, attribute names that may change) whose attributes
    must keep their identity (the reporter: its ``emit``, its outcomes...);
    ``closures`` are (label, function) whose closure cells must keep their contents;
    ``plugin_manager``'s hook implementations must stay the same functions; ``items``
    (pytest's collected tests) must keep their function, class and session. ``base`` is
    :func:`shared` as taken earlier in this process (or before its fork), else taken now.
    """
    taken = Snapshot()
    for label, instance, mutable in instances:
        namespace = vars(instance)
        taken.sizes.append((label, namespace, len(namespace)))
        for key, value in list(namespace.items()):
            if key not in mutable:
                taken.entries.append((f"{label}.{key}", namespace, key, value, *_code_of(value)))
    for label, function in closures:
        cells = _Cells(function)
        taken.entries.append((f"{label}.__code__", {label: function}, label, function, *_code_of(function)))
        for key in cells.cells:
            value = cells.get(key)
            taken.entries.append((f"{label} (closure cell {key})", cells, key, value, None, None))
    if plugin_manager is not None:
        read = _hookimpls(plugin_manager)
        taken.computed.append(("pytest's hook implementations", read, read()))
    for module in suite_modules:
        _record_module(taken, module.__name__, module)
    _record_items(taken, items)
    base = base if base is not None else shared()
    taken.entries += base.entries
    taken.sizes += base.sizes
    return taken


def changed(before: Snapshot, suite_modules: Iterable[ModuleType] = ()) -> list[str]:
    """The watched names bound to another object (or code) than ``before`` recorded.

    A member added to a watched class (shadowing an inherited method) counts too.
    """
    missing = _MISSING
    found = [label for label, namespace, key, value, holder, code in before.entries
             if namespace.get(key, missing) is not value or (holder is not None and holder.__code__ is not code)]
    for label, namespace, size in before.sizes:
        if len(namespace) != size:
            found.append(f"{label} (a member was added or removed)")
    for label, read, expected in before.computed:
        if read() != expected:
            found.append(label)
    return sorted(found)


def _release(version: str) -> tuple[int, ...]:
    """'9.2.0' -> (9, 2, 0); a pre-release counts as its release ('9.3.0rc1' -> (9, 3, 0))."""
    match = re.match(r"\d+(?:\.\d+)*", version)
    return tuple(int(part) for part in match.group().split(".")) if match else ()


def expected(label: str) -> bool:
    """Whether the installed releases should have the watched module or name ``label``."""
    declared = [key for key in RELEASES if label == key or label.startswith(key + ".")]
    if not declared:
        return True
    distribution, first, last = RELEASES[max(declared, key=len)]
    installed = _release(importlib.import_module(distribution).__version__)
    return (first is None or installed >= _release(first)) and (last is None or installed < _release(last))


def _releases(label: str) -> str:
    """The distribution a watched name comes from, with its installed release: 'pytest 9.2.0'."""
    name = label.partition(".")[0].lstrip("_")
    version = getattr(importlib.import_module(name), "__version__", "?") if name in ("pytest", "pluggy") else ""
    return f"{name} {version}".strip()


def _held() -> set[str]:
    """The labels of a snapshot taken now (the watched classes' modules imported first)."""
    for module_name, _ in WATCHED_CLASSES:
        importlib.import_module(module_name)
    taken = snapshot()
    return {entry[0] for entry in taken.entries} | {label for label, _, _ in taken.sizes}


def gaps() -> list[str]:
    """What the watch lists promise and this installation breaks, one sentence each.

    A watched module, class or name that the installed releases should have and a snapshot
    does not hold was renamed or moved: nothing watches it any more (find where it went,
    watch that, and say in :data:`RELEASES` which releases have which). One that
    :data:`RELEASES` declares absent from them but is there has a wrong declaration.
    The grader itself never calls this (a worker grades with whatever is installed and
    watches what it finds); tests/sandbox/test_integrity.py does, and fails on any gap.
    """
    held = _held()
    wanted = [(f"sys.modules[{name}]", name) for name in WATCHED_MODULES]
    wanted += [(f"{module}.{cls}", f"{module}.{cls}") for module, cls in WATCHED_CLASSES]
    wanted += [(name, name) for name in WATCHED_NAMES]
    found = []
    for label, name in wanted:
        if expected(name) and label not in held:
            found.append(f"{name} is not watched: {_releases(name)} does not define it there (moved or renamed?)")
        elif label in held and not expected(name):
            found.append(f"{name} is watched, but RELEASES says {_releases(name)} has no such name")
    return found


_checker: list[Checker] = []


def install(checker: Checker) -> None:
    """Register the reporter's check, which :func:`checkpoint` runs (once per worker)."""
    if not _checker:
        _checker.append(checker)


def checkpoint() -> None:
    """Run the registered check now (the kit calls this after requests and in probes)."""
    for check in _checker:
        check()
