"""The kit's probes: evidence about concurrency that does not depend on the clock."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from fastapi import FastAPI

from autograder.kit import probes
from autograder.kit.probes import ConcurrencyProbe, Gate, SleepRecorder, asgi_client, on_event_loop, run
from autograder.sandbox import integrity, loader

STUDENT = '''
import asyncio
import time
from time import sleep


def nap(seconds):
    time.sleep(seconds)


def nap_by_name(seconds):
    sleep(seconds)  # bound at import: the recorder must be installed before


async def wait(seconds):
    await asyncio.sleep(seconds)
    return "waited"


async def wait_together(count):
    return await asyncio.gather(*(asyncio.sleep(5, n) for n in range(count)))
'''


@pytest.fixture
def checks(monkeypatch):
    """The integrity checks the probes run (in a worker, the reporter's), counted."""
    calls = []
    monkeypatch.setattr(integrity, "_checker", [lambda: calls.append(1)])
    return calls


# --- run, on_event_loop, asgi_client -----------------------------------------------------


def test_run_answers_what_the_coroutine_returned():
    async def answer():
        await asyncio.sleep(0)
        return 42

    assert run(answer()) == 42


def test_on_event_loop_tells_the_loops_thread_from_others():
    async def where():
        return on_event_loop(), await asyncio.to_thread(on_event_loop)

    assert on_event_loop() is False
    assert run(where()) == (True, False)


def test_asgi_client_talks_to_the_app_in_process_without_its_lifespan():
    started = []

    async def lifespan(app):
        started.append(True)
        yield

    app = FastAPI(lifespan=lifespan)

    @app.get("/ping")
    async def ping() -> dict:
        return {"loop": on_event_loop()}

    async def call():
        async with asgi_client(app) as client:
            return (await client.get("/ping")), str(client.base_url)

    response, base = run(call())
    assert response.json() == {"loop": True} and base == "http://testserver"
    assert started == []


# --- ConcurrencyProbe --------------------------------------------------------------------


def test_calls_started_together_are_all_in_flight(checks):
    probe = ConcurrencyProbe()
    fetch = probe.wrap("fetch", lambda n: n * 2)

    async def together():
        return await asyncio.gather(fetch(1), fetch(2), fetch(3))

    assert run(together()) == [2, 4, 6]
    assert (probe.peak, probe.in_flight, probe.calls["fetch"], probe.order) == (3, 0, 3, ["fetch"] * 3)
    assert len(checks) == 3  # each call ran the integrity check


def test_calls_awaited_in_turn_never_overlap():
    probe = ConcurrencyProbe()
    fetch, store = probe.wrap("fetch", "data"), probe.wrap("store", None)

    async def in_turn():
        return [await fetch(), await store(), await fetch()]

    assert run(in_turn()) == ["data", None, "data"]
    assert probe.peak == 1
    assert probe.order == ["fetch", "store", "fetch"] and probe.calls == {"fetch": 2, "store": 1}
    assert fetch.__name__ == "fetch"


def test_without_yields_even_gathered_calls_run_one_by_one():
    """The yields are what make started-together calls overlap: with none, nothing does."""
    probe = ConcurrencyProbe(yields=0)
    fetch = probe.wrap("fetch", 1)

    async def together():
        await asyncio.gather(fetch(), fetch())

    run(together())
    assert probe.peak == 1


def test_a_call_that_raises_leaves_the_flight():
    probe = ConcurrencyProbe()

    def fail():
        raise LookupError("no such user")

    broken = probe.wrap("lookup", fail)
    with pytest.raises(LookupError):
        run(broken())
    assert probe.in_flight == 0 and probe.calls["lookup"] == 1


def test_a_reset_peak_measures_the_next_phase_only():
    probe = ConcurrencyProbe()
    fetch = probe.wrap("fetch", None)

    async def phases():
        await asyncio.gather(fetch(), fetch(), fetch())
        probe.peak = 0
        await fetch()
        await fetch()

    run(phases())
    assert probe.peak == 1


def test_calls_still_in_flight_at_a_reset_count_under_the_next_ones():
    probe = ConcurrencyProbe()
    fetch = probe.wrap("fetch", None)

    async def reset_midway():
        first = [asyncio.ensure_future(fetch()), asyncio.ensure_future(fetch())]
        await asyncio.sleep(0)  # both have started and wait in their yields
        assert probe.in_flight == 2
        probe.peak = 0
        await asyncio.gather(fetch(), *first)  # one more, on top of the two

    run(reset_midway())
    assert probe.peak == 3 and probe.in_flight == 0


@pytest.mark.parametrize("value", [1, 3, -1])
def test_a_peak_cannot_be_set(value):
    probe = ConcurrencyProbe()
    with pytest.raises(AttributeError, match="a probe's peak is measured, not set"):
        probe.peak = value


# --- SleepRecorder -----------------------------------------------------------------------


@pytest.fixture
def student(tmp_path):
    path = tmp_path / "sleeper.py"
    path.write_text(STUDENT, encoding="utf-8")
    return path


def test_the_students_sleeps_are_recorded_and_cut_short(monkeypatch, student, checks):
    recorder = SleepRecorder(student).install(monkeypatch)
    module = loader.load(student, "sleeper_case")
    started = time.monotonic()
    module.nap(30)
    module.nap_by_name(20)
    assert run(module.wait(40)) == "waited"
    assert time.monotonic() - started < 10  # cut to the cap (0): nothing slept for 90 s
    assert [(c.kind, c.seconds, c.on_loop) for c in recorder.calls] == [
        ("time.sleep", 30, False), ("time.sleep", 20, False), ("asyncio.sleep", 40, True)]
    assert [c.seconds for c in recorder.of("time.sleep")] == [30, 20]
    assert len(checks) == 3


def test_a_blocking_sleep_inside_async_code_is_seen_on_the_loop(monkeypatch, student):
    recorder = SleepRecorder(student).install(monkeypatch)
    module = loader.load(student, "sleeper_case")

    async def route():
        module.nap(1)

    run(route())
    assert [(c.kind, c.on_loop) for c in recorder.calls] == [("time.sleep", True)]


def test_sleeps_of_other_code_are_not_recorded(monkeypatch, student):
    recorder = SleepRecorder(student).install(monkeypatch)
    time.sleep(0)
    assert run(asyncio.sleep(0, "mine")) == "mine"
    assert recorder.calls == []


def test_concurrent_async_sleeps_show_as_overlapping(monkeypatch, student):
    recorder = SleepRecorder(student).install(monkeypatch)
    module = loader.load(student, "sleeper_case")
    assert run(module.wait_together(3)) == [0, 1, 2]  # the result argument comes back
    assert recorder.peak == 3 and recorder.in_flight == 0
    assert len(recorder.of("asyncio.sleep")) == 3


def test_the_recorder_sleeps_for_real_up_to_its_cap(monkeypatch, student):
    cut = []
    monkeypatch.setattr(probes, "_real_sync_sleep", cut.append)
    SleepRecorder(student, cap=0.25).install(monkeypatch)
    loader.load(student, "sleeper_case").nap(30)
    assert cut == [0.25]


# --- Gate --------------------------------------------------------------------------------


def test_a_gate_opened_in_time_lets_the_slow_call_finish():
    gate = Gate(timeout=30)
    slow = gate.guard(lambda x: x + 1)
    results = []
    worker = threading.Thread(target=lambda: results.append(slow(1)))
    worker.start()
    assert run(gate.wait_entered()) is True
    gate.open()
    worker.join(30)
    assert results == [2] and gate.timed_out is False and gate.on_loop == [False]


def test_a_gate_never_opened_times_out():
    """What a slow call holding the event loop leads to: the test could not open the gate."""
    gate = Gate(timeout=0.05)
    gate.wait()
    assert gate.timed_out is True and gate.entered.is_set()


def test_a_gated_call_keeps_its_name():
    def lookup():
        return None

    assert Gate().guard(lookup).__name__ == "lookup"


def test_a_gate_reports_the_wait_from_the_loop():
    gate = Gate(timeout=0.05)

    async def blocking_route():
        gate.wait()

    run(blocking_route())
    assert gate.on_loop == [True] and gate.timed_out
