"""Fixtures shared by the sandbox's tests."""

from __future__ import annotations

import pytest

from autograder.sandbox import engine, suite_server


@pytest.fixture
def servers(monkeypatch: pytest.MonkeyPatch):
    """Suite servers of this test's own, closed at its end: a test that kills, stalls or
    retires a server leaves the engine's own pool to the next test untouched."""
    pool = suite_server.Servers()
    monkeypatch.setattr(engine, "SERVERS", pool)
    yield pool
    pool.close()
