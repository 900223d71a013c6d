"""The running service most tests under tests/service act on (see tests/support/service.py)."""

from __future__ import annotations

import contextlib
import itertools

import pytest

from tests.support.service import Service, open_service, settings_for, start


@pytest.fixture
def service(tmp_path) -> Service:
    client, invites = start(settings_for(tmp_path))
    with client:
        yield open_service(client, invites)


@pytest.fixture
def service_with(tmp_path):
    """Start a service with changed settings (``service_with(policy=..., logins_per_minute=3)``);
    each call gets a store of its own, and every one is stopped after the test."""
    numbers = itertools.count()
    with contextlib.ExitStack() as stack:
        def make(**changes) -> Service:
            folder = tmp_path / f"store{next(numbers)}"
            folder.mkdir()
            client, invites = start(settings_for(folder, **changes))
            stack.enter_context(client)
            return open_service(client, invites)

        yield make
