"""Hidden suite for async06_blocking_pitfall.

Catches: any of the given blocking functions (``make_thumbnail``,
``fetch_price_blocking``, ``write_audit_line``) still called on the event loop's thread;
``GET /ping`` not answered while a slow route is in progress; any answer changed by the
fix (the thumbnail, the upper-cased symbol and price, the 404 and its detail, the order's
201, total and audit entry number, the 422 for a quantity below 1, an audit line written
for a refused order); a slow function skipped or called twice; the given functions or
``WORK_DELAY`` edited instead of the routes (checked by calling the originals with
``time.sleep``/``asyncio.sleep`` recorded).

Every check runs its slow request while the given functions are *held*: the suite
replaces them with stand-ins that call the originals (with ``WORK_DELAY = 0``) but first
wait until the test has had ``GET /ping`` answered. A stand-in called on the event
loop's thread does not wait (that would hang the loop): it records the blocking call,
which fails the check at once. So the stub, which blocks in every slow route, scores
nothing, and a correct fix never waits for a timeout.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from autograder.kit import (
    Gate,
    SleepRecorder,
    asgi_client,
    expect,
    expect_json,
    expect_status,
    on_event_loop,
    run,
    same,
)

BLOCKING = ("make_thumbnail", "fetch_price_blocking", "write_audit_line")
FIXES = {
    "make_thumbnail": "declare the route with plain `def` (FastAPI runs it in its thread pool)",
    "fetch_price_blocking": "call the async client instead: `await fetch_price(symbol)`",
    "write_audit_line": "run it in the thread pool: `await run_in_threadpool(write_audit_line, line)`",
}


class Held:
    """Stand-ins for the given slow functions, held at one gate until /ping was answered."""

    def __init__(self, student) -> None:
        self.gate = Gate()
        self.calls: Counter[str] = Counter()
        self.blocked: list[str] = []  # blocking functions called on the event loop's thread
        self.originals = {name: getattr(student, name) for name in (*BLOCKING, "fetch_price")}
        for name in BLOCKING:
            setattr(student, name, self._blocking(name, getattr(student, name)))
        student.fetch_price = self._awaitable("fetch_price", student.fetch_price)

    def _blocking(self, name, original):
        def stand_in(*args, **kwargs):
            self.calls[name] += 1
            if on_event_loop():
                self.blocked.append(name)
                self.gate.entered.set()  # waiting here would hang the loop: record it and go on
            else:
                self.gate.wait()
            return original(*args, **kwargs)

        stand_in.__name__ = name
        return stand_in

    def _awaitable(self, name, original):
        async def stand_in(*args, **kwargs):
            self.calls[name] += 1
            self.gate.entered.set()
            if not await asyncio.to_thread(self.gate.opened.wait, self.gate.timeout):
                self.gate.timed_out = True
            return await original(*args, **kwargs)

        stand_in.__name__ = name
        return stand_in

    def request(self, app, method: str, path: str, **kwargs):
        """Send the slow request, have /ping answered while it is held, then let it finish."""

        async def scenario():
            async with asgi_client(app) as ac:
                slow = asyncio.create_task(ac.request(method, path, **kwargs))
                entered = await self.gate.wait_entered()
                ping = await ac.get("/ping") if entered else None
                self.gate.open()
                return entered, ping, await slow

        entered, ping, response = run(scenario())
        what = f"{method} {path}"
        expect(entered, f"{what} called none of the given slow functions; keep calling them (the answers come "
                        "from them), only change how")
        for name in dict.fromkeys(self.blocked):
            expect(False, f"{what} called {name}() on the event loop's thread, so while it runs no other request "
                          f"(not even /ping) is answered; {FIXES[name]}")
        expect_json(ping, {"ping": "pong"}, f"GET /ping must answer {{'ping': 'pong'}} while {what} is in progress")
        expect(not self.gate.timed_out, f"GET /ping was not answered while {what} was in progress; the slow work "
                                        "must leave the event loop free")
        return response


@pytest.fixture
def held(student):
    default_delay = getattr(student, "WORK_DELAY", None)
    student.WORK_DELAY = 0
    held = Held(student)
    held.default_delay = default_delay
    return held


def expect_given_functions_unchanged(student, held, monkeypatch, student_path):
    """The given slow functions still do their slow work: fixing the routes must not touch them."""
    expect(held.default_delay == 0.5, f"WORK_DELAY is {held.default_delay!r}; leave the given constant at 0.5")
    student.WORK_DELAY = 0.0123
    given = held.originals
    with monkeypatch.context() as patch:
        sleeps = SleepRecorder(student_path).install(patch)
        outcomes = {
            "make_thumbnail": given["make_thumbnail"](3) == {"image_id": 3, "size": "128x128", "format": "webp"},
            "fetch_price_blocking": given["fetch_price_blocking"]("ACME") == 12.5,
            "fetch_price": run(given["fetch_price"]("GLOBEX")) == 99.0,
            "write_audit_line": given["write_audit_line"]("check") == len(student.AUDIT_LOG),
        }
        for name in ("fetch_price_blocking", "fetch_price"):
            try:
                result = given[name]("NOPE")
                if name == "fetch_price":
                    run(result)
                outcomes[name] = False
            except KeyError:
                pass
    student.AUDIT_LOG.clear()
    student.WORK_DELAY = 0
    changed = [name for name, ok in outcomes.items() if not ok]
    expect(not changed, f"the given {', '.join(changed)} no longer answer(s) as given; fix the routes, not the "
                        "given functions")
    kinds = [(call.kind, call.seconds) for call in sleeps.calls]
    expected = [("time.sleep", 0.0123)] * 2 + [("asyncio.sleep", 0.0123)] + [("time.sleep", 0.0123)] * 2 + [
        ("asyncio.sleep", 0.0123)]
    expect(kinds == expected, f"the given functions waited {kinds}; leave them as given (each waits WORK_DELAY, "
                              "fetch_price with asyncio.sleep, the others with time.sleep)")


# --- Task 1: GET /thumbnails/{image_id} ----------------------------------------------


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_thumbnail_leaves_the_loop_free(student, held):
    """/ping is answered while GET /thumbnails/7 works, and the thumbnail is unchanged"""
    response = held.request(student.app, "GET", "/thumbnails/7")
    expect_status(response, 200, "a thumbnail request must still answer 200")
    expect_json(response, {"image_id": 7, "size": "128x128", "format": "webp"},
                "the answer must stay exactly what make_thumbnail(7) returned")
    expect(held.calls["make_thumbnail"] == 1,
           f"one thumbnail request called make_thumbnail {held.calls['make_thumbnail']} times; expected once")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_thumbnail_for_another_image_and_bad_id(student, held, monkeypatch, student_path):
    """GET /thumbnails/42 answers image 42 without blocking; /thumbnails/abc is still 422; the given code is intact"""
    expect_given_functions_unchanged(student, held, monkeypatch, student_path)
    response = held.request(student.app, "GET", "/thumbnails/42")
    expect_json(response, {"image_id": 42, "size": "128x128", "format": "webp"},
                "the answer must stay exactly what make_thumbnail(42) returned")

    async def bad_id():
        async with asgi_client(student.app) as ac:
            return await ac.get("/thumbnails/abc")

    expect_status(run(bad_id()), 422, "a non-integer image id must still be refused with 422")


# --- Task 2: GET /prices/{symbol} ----------------------------------------------------


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_price_leaves_the_loop_free(student, held):
    """/ping is answered while GET /prices/acme waits, and the prices are unchanged"""
    response = held.request(student.app, "GET", "/prices/acme")
    expect_status(response, 200, "a known symbol must still answer 200")
    expect_json(response, {"symbol": "ACME", "price": 12.5},
                "the answer must stay {'symbol': 'ACME', 'price': 12.5} (the symbol upper-cased)")
    fetched = held.calls["fetch_price"] + held.calls["fetch_price_blocking"]
    expect(fetched == 1, f"one price request fetched the price {fetched} times; expected once")
    for path, expected in (("/prices/GLOBEX", {"symbol": "GLOBEX", "price": 99.0}),
                           ("/prices/Initech", {"symbol": "INITECH", "price": 3.3333})):
        held.gate = Gate()
        expect_json(held.request(student.app, "GET", path), expected, f"expected {expected!r}")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_unknown_symbol_is_still_404(student, held):
    """GET /prices/nope answers 404 {"detail": "Unknown symbol: NOPE"} without blocking"""
    response = held.request(student.app, "GET", "/prices/nope")
    expect_status(response, 404, "a symbol without a price must still answer 404 Not Found")
    expect_json(response, {"detail": "Unknown symbol: NOPE"}, "the detail must stay 'Unknown symbol: NOPE'")


# --- Task 3: POST /orders --------------------------------------------------------------


@pytest.mark.task(3)
@pytest.mark.points(2)
def test_order_leaves_the_loop_free(student, held):
    """/ping is answered while POST /orders works, the audit write blocks no one, the answer is unchanged"""
    response = held.request(student.app, "POST", "/orders", json={"symbol": "globex", "quantity": 3})
    expect_status(response, 201, "a placed order must still answer 201 Created")
    expect_json(response, {"symbol": "GLOBEX", "quantity": 3, "total": 297.0, "audit_entry": 1},
                "the answer must stay {'symbol': 'GLOBEX', 'quantity': 3, 'total': 297.0, 'audit_entry': 1}")
    expect(same(student.AUDIT_LOG, ["BUY 3 GLOBEX @ 99.0"]),
           f"after one order the audit log holds {student.AUDIT_LOG!r}; expected ['BUY 3 GLOBEX @ 99.0']")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_unknown_symbol_order_is_404_without_audit(student, held):
    """POST /orders for an unknown symbol answers 404 and writes no audit line (the next order is entry 1)"""
    response = held.request(student.app, "POST", "/orders", json={"symbol": "nope", "quantity": 1})
    expect_status(response, 404, "an order for a symbol without a price must still answer 404 Not Found")
    expect_json(response, {"detail": "Unknown symbol: NOPE"}, "the detail must stay 'Unknown symbol: NOPE'")
    expect(same(student.AUDIT_LOG, []) and held.calls["write_audit_line"] == 0,
           f"a refused order wrote audit lines {student.AUDIT_LOG!r}; only placed orders are audited")
    held.gate = Gate()
    placed = held.request(student.app, "POST", "/orders", json={"symbol": "INITECH", "quantity": 2})
    expect_json(placed, {"symbol": "INITECH", "quantity": 2, "total": 6.67, "audit_entry": 1},
                "after a refused order, the next placed order must be audit entry 1 (total 6.67, rounded to cents)")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_orders_are_numbered_and_validated(student, held):
    """two orders get audit entries 1 and 2 and their own totals; a quantity of 0 is still 422"""
    first = held.request(student.app, "POST", "/orders", json={"symbol": "ACME", "quantity": 1})
    held.gate = Gate()
    second = held.request(student.app, "POST", "/orders", json={"symbol": "initech", "quantity": 3})
    expect_json(first, {"symbol": "ACME", "quantity": 1, "total": 12.5, "audit_entry": 1},
                "the first order must stay {'symbol': 'ACME', 'quantity': 1, 'total': 12.5, 'audit_entry': 1}")
    expect_json(second, {"symbol": "INITECH", "quantity": 3, "total": 10.0, "audit_entry": 2},
                "the second order must stay {'symbol': 'INITECH', 'quantity': 3, 'total': 10.0, 'audit_entry': 2} "
                "(the total rounded to cents)")

    async def zero_quantity():
        async with asgi_client(student.app) as ac:
            return await ac.post("/orders", json={"symbol": "ACME", "quantity": 0})

    expect_status(run(zero_quantity()), 422, "a quantity of 0 must still be refused with 422")
    expect(len(student.AUDIT_LOG) == 2, f"the audit log holds {student.AUDIT_LOG!r}; expected the two placed orders")
