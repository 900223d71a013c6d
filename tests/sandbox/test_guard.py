"""The guard's decisions, tested directly: no packet ever leaves loopback here.

The hostile corpus (``test_hostile.py``) proves the guard inside real workers; these
tests pin the address rules it applies, including the ones a corpus case cannot try
without sending a packet out (a public address, a host name).
"""

from __future__ import annotations

import pytest

from autograder.sandbox import guard


@pytest.mark.parametrize("address", [("127.0.0.1", 80), ("127.8.9.10", 1), ("::1", 443, 0, 0), ("localhost", 8000),
                                     ("LOCALHOST", 1), ("testserver", 80), ("/tmp/app.sock"), (b"\0abstract")])
def test_loopback_and_unix_addresses_are_allowed(address):
    assert guard.is_loopback(address)


@pytest.mark.parametrize("address", [("93.184.216.34", 80), ("10.0.0.1", 5432), ("0.0.0.0", 9), ("::", 80),
                                     ("2001:db8::1", 443, 0, 0), ("example.com", 80), ("127.0.0.1.nip.io", 80),
                                     (None, 80), (), 42])
def test_everything_else_is_refused(address):
    assert not guard.is_loopback(address)


@pytest.mark.parametrize("host, literal", [("10.1.2.3", True), ("::1", True), ("fe80::1%eth0", True),
                                           (b"127.0.0.1", True), ("example.com", False), ("", False)])
def test_ip_literals_need_no_name_server(host, literal):
    assert guard.is_address(host) is literal


def test_every_always_refused_event_has_a_readable_rule():
    for event, rule in guard.ALWAYS_REFUSED.items():
        assert rule and rule[0].islower() and not rule.endswith("."), event


def test_trusted_roots_cover_python_and_the_grader_but_not_the_course_files():
    roots = guard.trusted_roots()
    assert any(root.endswith("/autograder/") for root in roots)
    assert not any(root.endswith("/solutions/") or root.endswith("/exercises/") for root in roots)
