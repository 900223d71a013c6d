"""Integrity snapshots: what they watch, what they deliberately leave to the suites."""

from __future__ import annotations

import builtins
import importlib
import sys
import time
import types

import pytest
from starlette.testclient import TestClient

from autograder.kit import checks
from autograder.sandbox import integrity

MISSING = object()


@pytest.fixture
def suite_module(monkeypatch):
    module = types.ModuleType("autograder.course.suites.hidden.test_fake")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    module.expect = checks.expect
    module.test_something = lambda: None
    return module


def test_every_watched_module_and_class_exists():
    """A watched name that pytest or httpx renamed would be silently unwatched: fail instead."""
    for name in integrity.WATCHED_MODULES:
        if integrity.expected(name):
            importlib.import_module(name)  # ImportError: gone, update integrity.WATCHED_MODULES
        else:
            with pytest.raises(ImportError):
                importlib.import_module(name)
    for module_name, class_name in integrity.WATCHED_CLASSES:
        assert isinstance(getattr(importlib.import_module(module_name), class_name), type), (module_name, class_name)


def test_every_watched_name_is_in_a_snapshot():
    """What a result passes through is watched where this pytest and pluggy define it, and a
    module or name that only some supported releases have is declared with those releases."""
    assert integrity.gaps() == []


def test_a_watched_name_that_moved_is_a_gap(monkeypatch):
    """Gone from pytest 8.1 (folded into call_and_report): watching it would watch nothing."""
    monkeypatch.setattr(integrity, "WATCHED_NAMES", (*integrity.WATCHED_NAMES, "_pytest.runner.call_runtest_hook"))
    monkeypatch.setattr(integrity, "WATCHED_MODULES", (*integrity.WATCHED_MODULES, "_pytest.no_such_module"))
    version = importlib.import_module("pytest").__version__
    assert integrity.gaps() == [
        f"_pytest.no_such_module is not watched: pytest {version} does not define it there (moved or renamed?)",
        f"_pytest.runner.call_runtest_hook is not watched: pytest {version} does not define it there "
        "(moved or renamed?)",
    ]


def test_a_name_declared_absent_but_present_is_a_gap(monkeypatch):
    monkeypatch.setitem(integrity.RELEASES, "_pytest.runner.call_and_report", ("pytest", None, "1"))
    monkeypatch.setitem(integrity.RELEASES, "pluggy._manager", ("pluggy", "999", None))
    pytest_version = importlib.import_module("pytest").__version__
    pluggy_version = importlib.import_module("pluggy").__version__
    assert integrity.gaps() == [
        f"pluggy._manager is watched, but RELEASES says pluggy {pluggy_version} has no such name",
        f"_pytest.runner.call_and_report is watched, but RELEASES says pytest {pytest_version} has no such name",
        f"pluggy._manager.PluginManager._hookexec is watched, but RELEASES says pluggy {pluggy_version} has no such "
        "name",
        f"pluggy._manager._multicall is watched, but RELEASES says pluggy {pluggy_version} has no such name",
    ]


def test_a_name_declared_for_other_releases_only_is_no_gap(monkeypatch):
    monkeypatch.setattr(integrity, "WATCHED_NAMES", (*integrity.WATCHED_NAMES, "_pytest.runner.call_runtest_hook",
                                                     "_pytest.runner.a_future_hook"))
    monkeypatch.setitem(integrity.RELEASES, "_pytest.runner.call_runtest_hook", ("pytest", None, "8.1"))
    monkeypatch.setitem(integrity.RELEASES, "_pytest.runner.a_future_hook", ("pytest", "999", None))
    assert integrity.gaps() == []


@pytest.mark.parametrize("version, expected", [
    ("8.3.5", False), ("8.4", True), ("8.4.0", True), ("8.4.0rc1", True), ("9.1.9", True), ("9.2.0", False),
    ("9.2.0.dev3+g1234", False), ("10.0", False),
])
def test_expected_reads_the_installed_release(monkeypatch, version, expected):
    monkeypatch.setattr(importlib.import_module("pytest"), "__version__", version)
    monkeypatch.setitem(integrity.RELEASES, "_pytest.fake", ("pytest", "8.4", "9.2"))
    assert integrity.expected("_pytest.fake") is expected
    assert integrity.expected("_pytest.fake.Class.method") is expected  # a name inherits its module's entry
    assert integrity.expected("_pytest.fakes") is True  # a prefix of the name is not its module


def test_a_names_own_entry_beats_its_modules(monkeypatch):
    monkeypatch.setitem(integrity.RELEASES, "_pytest.fake", ("pytest", None, None))
    monkeypatch.setitem(integrity.RELEASES, "_pytest.fake.old", ("pytest", None, "1"))
    assert integrity.expected("_pytest.fake.new") is True
    assert integrity.expected("_pytest.fake.old") is False


def test_the_hook_call_is_watched_where_pluggy_defines_it():
    """pluggy 1.7 moved HookCaller to pluggy._caller; pluggy._hooks only re-exports it."""
    pluggy = importlib.import_module("pluggy")
    snapshot = integrity.snapshot()
    original = pluggy.HookCaller.__dict__["__call__"]
    pluggy.HookCaller.__call__ = lambda self, **kwargs: original(self, **kwargs)
    try:
        assert any(label.endswith("HookCaller.__call__") for label in integrity.changed(snapshot))
    finally:
        pluggy.HookCaller.__call__ = original
    assert integrity.changed(snapshot) == []


@pytest.mark.parametrize("attack, expected", [
    (lambda m: setattr(builtins, "max", min), "builtins.max"),
    (lambda m: setattr(m, "expect", lambda *a, **k: None), "autograder.course.suites.hidden.test_fake.expect"),
    (lambda m: setattr(checks, "expect_status", lambda *a, **k: None), "autograder.kit.checks.expect_status"),
    (lambda m: setattr(TestClient, "request", lambda *a, **k: None), "starlette.testclient.TestClient.request"),
    # A member replaced, or added where this Starlette inherits it (0.46 defines put itself).
    (lambda m: setattr(TestClient, "put", TestClient.get), "starlette.testclient.TestClient"),
    (lambda m: setattr(checks.same, "__code__", (lambda a, e: True).__code__), "autograder.kit.checks.same"),
    (lambda m: setattr(importlib.import_module("pytest"), "fail", lambda *a, **k: None), "pytest.fail"),
])
def test_a_replaced_binding_is_named(suite_module, attack, expected):
    snapshot = integrity.snapshot([suite_module])
    saved = {(owner, name): owner.__dict__.get(name, MISSING) for owner, name in
             ((builtins, "max"), (suite_module, "expect"), (checks, "expect_status"), (TestClient, "request"),
              (TestClient, "put"), (importlib.import_module("pytest"), "fail"))}
    code = checks.same.__code__
    try:
        attack(suite_module)
        assert any(name.startswith(expected) for name in integrity.changed(snapshot, [suite_module]))
    finally:
        for (owner, name), value in saved.items():
            if value is MISSING:
                if name in owner.__dict__:
                    delattr(owner, name)
            else:
                setattr(owner, name, value)
        checks.same.__code__ = code
    assert integrity.changed(snapshot, [suite_module]) == []


def test_a_member_added_to_a_watched_class_is_seen():
    snapshot = integrity.snapshot()
    TestClient.workbook_extra = lambda self: None
    try:
        assert "starlette.testclient.TestClient (a member was added or removed)" in integrity.changed(snapshot)
    finally:
        del TestClient.workbook_extra


def test_what_suites_patch_is_not_watched(monkeypatch):
    """Suites monkeypatch time, asyncio and jwt: that must never look like tampering."""
    snapshot = integrity.snapshot()
    monkeypatch.setattr(time, "sleep", lambda seconds: None)
    monkeypatch.setattr(time, "monotonic", lambda: 0.0)
    assert integrity.changed(snapshot) == []


def test_checkpoint_runs_the_installed_check(monkeypatch):
    calls = []
    monkeypatch.setattr(integrity, "_checker", [])
    integrity.install(lambda: calls.append(1))
    integrity.install(lambda: calls.append(2))  # once per worker: the first stays
    integrity.checkpoint()
    assert calls == [1]
