"""Did the student's code replace pytest's or the grader's functions?

Taken before the student's module is imported, a snapshot records the identity (and,
for functions, the code object) of everything a result passes through on its way to the
grader: pytest's runner and report classes, pluggy's hook calls, the reporter, the kit's
checks, and the builtins. The reporter compares the snapshot after the import and after
every test; any difference flags the item and voids its results.
"""

from __future__ import annotations

import builtins
import importlib
from types import FunctionType, ModuleType
from typing import Any

# module -> attribute paths whose objects must stay the same.
WATCHED: dict[str, tuple[str, ...]] = {
    "_pytest.runner": ("call_and_report", "runtestprotocol", "call_runtest_hook", "CallInfo.from_call",
                       "pytest_runtest_makereport", "check_interactive_exception", "show_test_item"),
    "_pytest.reports": ("TestReport.from_item_and_call", "TestReport.__init__", "BaseReport.passed",
                        "BaseReport.failed"),
    "_pytest.python": ("Function.runtest", "pytest_pyfunc_call", "Function.setup"),
    "_pytest.main": ("pytest_runtestloop", "Session.perform_collect"),
    "_pytest.outcomes": ("fail", "skip", "exit", "OutcomeException.__init__"),
    "_pytest.fixtures": ("FixtureDef.execute", "FixtureRequest.getfixturevalue"),
    "pluggy._callers": ("_multicall",),
    "pluggy._execution": ("_multicall",),
    "pluggy._hooks": ("HookCaller.__call__",),
    "pluggy._caller": ("HookCaller.__call__",),
    "pluggy._manager": ("PluginManager._hookexec",),
    "pytest": ("fail", "skip", "raises", "approx", "main"),
    "autograder.reporter": ("Reporter.pytest_runtest_makereport", "Reporter.pytest_runtest_logstart",
                            "Reporter.pytest_sessionfinish", "Reporter.pytest_collection_modifyitems",
                            "Reporter._check", "points_of", "task_of"),
    "autograder.messages": ("failure", "describe", "shorten"),
    "autograder.kit.checks": ("expect", "expect_status", "expect_json", "route_for"),
    "autograder.kit.fixtures": ("student", "client", "load_student"),
    "autograder.loader": ("load",),
    "os": ("_exit",),
    "json": ("dumps",),
}

Snapshot = dict[str, tuple[int, Any]]


def _resolve(module: ModuleType, path: str) -> Any:
    value: Any = module
    for part in path.split("."):
        value = value.__dict__[part] if isinstance(value, type) and part in value.__dict__ else getattr(value, part)
    return value


def _fingerprint(value: Any) -> tuple[int, Any]:
    code = getattr(value, "__code__", None) if isinstance(value, FunctionType) else None
    wrapped = getattr(value, "fget", None)  # properties: their getter's code
    return id(value), (id(code) if code is not None else (id(getattr(wrapped, "__code__", None)) if wrapped else None))


def snapshot() -> Snapshot:
    """Fingerprints of every watched object, and of every builtin."""
    taken: Snapshot = {}
    for module_name, paths in WATCHED.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue  # not in this pluggy or pytest release
        for path in paths:
            try:
                taken[f"{module_name}.{path}"] = _fingerprint(_resolve(module, path))
            except (AttributeError, KeyError):
                continue  # not in this pytest release: nothing to watch
    for name, value in vars(builtins).items():
        if not name.startswith("_"):
            taken[f"builtins.{name}"] = _fingerprint(value)
    return taken


def changed(before: Snapshot) -> list[str]:
    """The watched names whose object or code is no longer what ``before`` recorded."""
    now = snapshot()
    return sorted(name for name, print_ in before.items() if now.get(name) != print_)
