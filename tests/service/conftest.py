"""The running service most tests under tests/service act on (see tests/support/service.py)."""

from __future__ import annotations

import pytest

from tests.support.service import Service, open_service, settings_for, start


@pytest.fixture
def service(tmp_path) -> Service:
    client, invites = start(settings_for(tmp_path))
    with client:
        yield open_service(client, invites)
