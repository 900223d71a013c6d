"""Hidden suite for async03_mixed_sync_async.

Catches: the blocking ``legacy_lookup`` called directly inside ``async def`` (it then
runs on the event loop's thread: ``/ping`` cannot answer and two requests cannot look up
at once); the legacy record or the price lost or altered (the source's own example
discards the result); a wrong message; ``fetch_price`` handed to a thread (which only
creates the coroutine) or run on another event loop; either function called twice or
with the wrong sku.

Evidence, not timing: the two given functions are replaced by stand-ins that record
the sku, the thread and the event loop they ran on, or wait at a ``Gate`` (or a
two-party barrier) that only a free event loop lets through.
"""

import asyncio
import threading

import pytest

from autograder.kit import (
    Gate,
    SleepRecorder,
    asgi_client,
    expect,
    expect_json,
    on_event_loop,
    run,
)

MESSAGE = "This is a mixed route"


def fake_record(sku):
    return {"sku": sku, "stock": 77, "source": "legacy stand-in"}


def fake_price(sku):
    return 12.5 if sku == "Z-9" else 3.25


@pytest.fixture
def calls(student):
    """Stand-ins for both given functions; each call is recorded with where it ran."""
    seen = {"legacy_lookup": [], "fetch_price": []}

    def legacy_lookup(sku):
        seen["legacy_lookup"].append({"sku": sku, "on_loop": on_event_loop()})
        return fake_record(sku)

    async def fetch_price(sku):
        seen["fetch_price"].append({"sku": sku, "loop": asyncio.get_running_loop()})
        await asyncio.sleep(0)
        return fake_price(sku)

    student.legacy_lookup = legacy_lookup
    student.fetch_price = fetch_price
    return seen


async def get(app, *requests):
    """Send the requests together; returns the app's loop and the responses, in order."""
    async with asgi_client(app) as ac:
        responses = await asyncio.gather(*(ac.get("/mixed-endpoint", params=params) for params in requests))
    return asyncio.get_running_loop(), responses


def expect_answer(response, sku):
    expect_json(response, {"message": MESSAGE, "record": fake_record(sku), "price": fake_price(sku)},
                f"for sku {sku} the answer must be {{\"message\": \"{MESSAGE}\", \"record\": <what legacy_lookup "
                "returned>, \"price\": <what fetch_price returned>}")


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_answer_carries_message_record_and_price(calls, client):
    """the answer is the message, legacy_lookup's record and fetch_price's price"""
    expect_answer(client.get("/mixed-endpoint", params={"sku": "Z-9"}), "Z-9")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_given_functions_and_default_sku(student, monkeypatch, student_path):
    """with the given functions: A-100 by default, other skus as given; the legacy sleep off the loop"""
    recorder = SleepRecorder(student_path).install(monkeypatch)
    _, (response,) = run(get(student.app, {}))
    expect_json(response, {"message": MESSAGE, "record": {"sku": "A-100", "stock": 12}, "price": 19.99},
                "without sku the answer is for A-100 (stock 12, price 19.99)")
    sleeps = sorted((call.kind, call.seconds, call.on_loop) for call in recorder.calls)
    expect(sleeps == [("asyncio.sleep", 0.5, True), ("time.sleep", 2.0, False)],
           f"one request made these sleeps (kind, seconds, on the loop): {sleeps}; expected the given "
           "legacy_lookup's time.sleep(2.0) in a worker thread and fetch_price's asyncio.sleep(0.5) on the loop")
    expect(recorder.peak == 1, "fetch_price's asyncio.sleep was called but never awaited; do not change the given "
                               "fetch_price")
    for sku, stock, price in (("B-200", 3, 5.5), ("C-300", 250, 0.75), ("Q-1", 0, 0.0)):
        _, (response,) = run(get(student.app, {"sku": sku}))
        expect_json(response, {"message": MESSAGE, "record": {"sku": sku, "stock": stock}, "price": price},
                    f"for sku {sku} the given functions give stock {stock} and price {price}")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_legacy_lookup_runs_in_a_worker_thread(calls, client):
    """legacy_lookup runs on a worker thread, not on the event loop's thread"""
    client.get("/mixed-endpoint", params={"sku": "B-200"})
    where = [call["on_loop"] for call in calls["legacy_lookup"]]
    expect(where == [False], "legacy_lookup ran on the event loop's thread (or not at all): it blocks every other "
                             "request; call it with `await run_in_threadpool(legacy_lookup, sku)`")


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_ping_answers_while_legacy_lookup_blocks(student, calls):
    """GET /ping answers while a request is still inside legacy_lookup"""
    gate = Gate(timeout=2.0)
    student.legacy_lookup = gate.guard(fake_record)

    async def scenario():
        async with asgi_client(student.app) as ac:
            mixed = asyncio.create_task(ac.get("/mixed-endpoint", params={"sku": "Z-9"}))
            async with asyncio.timeout(10):
                while not gate.entered.is_set() and not mixed.done():
                    await asyncio.sleep(0.001)
            reached = gate.entered.is_set()
            ping = await ac.get("/ping")
            still_inside = not mixed.done()
            gate.open()
            try:
                return reached, ping, still_inside, await mixed
            except Exception as exc:  # noqa: BLE001 - the student's route may raise anything
                pytest.fail(f"GET /mixed-endpoint raised {type(exc).__name__}: {exc}", pytrace=False)

    reached, ping, still_inside, mixed = run(scenario())
    expect(reached, f"GET /mixed-endpoint answered {mixed.status_code} without calling legacy_lookup(sku)")
    expect(not gate.timed_out and still_inside,
           "GET /ping could not be answered while legacy_lookup was blocking: the blocking call ran on the event "
           "loop; use `await run_in_threadpool(legacy_lookup, sku)`")
    expect_json(ping, {"status": "ok"})
    expect_answer(mixed, "Z-9")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_two_requests_look_up_at_the_same_time(student, calls):
    """two requests are inside legacy_lookup at the same time (each in its own worker thread)"""
    both_inside = threading.Barrier(2, timeout=2.0)
    met = []

    def legacy_lookup(sku):
        try:
            both_inside.wait()
            met.append(sku)
        except threading.BrokenBarrierError:
            pass
        return fake_record(sku)

    student.legacy_lookup = legacy_lookup
    _, (first, second) = run(get(student.app, {"sku": "Z-9"}, {"sku": "C-300"}))
    expect_answer(first, "Z-9")
    expect_answer(second, "C-300")
    expect(sorted(met) == ["C-300", "Z-9"],
           "two requests could not be inside legacy_lookup at the same time: the first one held the event loop "
           "while it blocked; run the call in the thread pool")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_price_is_awaited_on_the_apps_loop(student, calls):
    """fetch_price is awaited on the event loop that serves the request"""
    loop, (response,) = run(get(student.app, {"sku": "Z-9"}))
    expect_answer(response, "Z-9")
    loops = [call["loop"] for call in calls["fetch_price"]]
    expect(loops, "GET /mixed-endpoint never ran fetch_price(sku); await it in the route")
    expect(loops == [loop], "fetch_price did not run on the app's event loop; it is a coroutine function: "
                            "`await fetch_price(sku)` directly (a thread would only create the coroutine)")


@pytest.mark.task(3)
@pytest.mark.points(2)
def test_each_function_called_once_with_the_sku(student, calls):
    """one request calls legacy_lookup once and fetch_price once, both with its sku"""
    _, responses = run(get(student.app, {"sku": "Z-9"}, {"sku": "C-300"}))
    for response, sku in zip(responses, ("Z-9", "C-300"), strict=True):
        expect_answer(response, sku)
    made = {name: sorted(call["sku"] for call in made) for name, made in calls.items()}
    expect(made == {"legacy_lookup": ["C-300", "Z-9"], "fetch_price": ["C-300", "Z-9"]},
           f"two requests (skus Z-9 and C-300) made these calls: {made}; each function once per request, "
           "with the requested sku")
