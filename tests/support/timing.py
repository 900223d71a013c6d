"""Calls that must return promptly: a regression that blocks fails its test, never hangs the run."""

from __future__ import annotations

import threading


def promptly(call, seconds: float = 20.0):
    """Run ``call`` in a thread and return what it returned or raised; fail if it blocks.

    A blocked ``open`` on a FIFO cannot be interrupted from Python: the thread is a
    daemon, so a regression fails this test instead of hanging the whole run.
    """
    outcome: dict = {}

    def target():
        try:
            outcome["value"] = call()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            outcome["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"{call} blocked for {seconds} s"
    return outcome
