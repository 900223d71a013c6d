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
    for entry in integrity.WATCHED_MODULES:
        present = []
        for name in (entry,) if isinstance(entry, str) else entry:
            try:
                present.append(importlib.import_module(name))
            except ImportError:
                pass
        assert present, f"none of {entry} exists any more: update integrity.WATCHED_MODULES"
    for module_name, class_name in integrity.WATCHED_CLASSES:
        assert isinstance(getattr(importlib.import_module(module_name), class_name), type), (module_name, class_name)


@pytest.mark.parametrize("attack, expected", [
    (lambda m: setattr(builtins, "max", min), "builtins.max"),
    (lambda m: setattr(m, "expect", lambda *a, **k: None), "autograder.course.suites.hidden.test_fake.expect"),
    (lambda m: setattr(checks, "expect_status", lambda *a, **k: None), "autograder.kit.checks.expect_status"),
    (lambda m: setattr(TestClient, "request", lambda *a, **k: None), "starlette.testclient.TestClient.request"),
    (lambda m: setattr(TestClient, "put", TestClient.get), "starlette.testclient.TestClient (a member was added"),
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
