"""Hidden suite for async07_await.

Catches: ``GET /items/{item_id}`` still returning the coroutine object (500) or an
unknown id not turned into 404 ``Item <id> not found``; ``fetch_all`` returning
coroutine objects or an un-awaited gather, fetching one after another (peak 1),
without a bound (more than ``MAX_CONCURRENCY`` in flight), in fixed batches (a freed
slot not reused until the whole batch is done), losing, duplicating or reordering
results, or with ``MAX_CONCURRENCY`` changed from 3; ``GET /items`` not using the
bounded ``fetch_all``, losing the order, or answering anything but 404 for an unknown
id and 422 without ids.

``fetch_item`` is replaced by stand-ins built on the kit's ``ConcurrencyProbe``, which
counts calls and the peak number in flight without any clock. Some stand-ins yield to
the loop more times for chosen ids, so that fetches finish in another order than they
started. Every coroutine the stand-ins create is tracked; those never awaited are
closed at the end of the test (so Python's "never awaited" warning does not leak into
another check) and named in the failure message.
"""

from __future__ import annotations

import asyncio
import inspect
from collections import Counter

import pytest
from fastapi.testclient import TestClient

from autograder.kit import ConcurrencyProbe, SleepRecorder, expect, expect_json, expect_status, run, same

REAL_ASYNC_SLEEP = asyncio.sleep


def item(item_id: int) -> dict:
    """What the stand-in fetch_item returns: not the catalogue's data, so hard-coding shows."""
    return {"id": item_id, "name": f"item-{item_id}"}


class Fetches:
    """Stand-ins for ``fetch_item``: counted, probed for concurrency, optionally slow per id."""

    def __init__(self, student, extra_yields: dict[int, int] | None = None, real: bool = False) -> None:
        self.probe = ConcurrencyProbe()
        self.extra = extra_yields or {}
        self.fetched: Counter[int] = Counter()
        self.finished: list[int] = []
        self.coroutines: list = []
        original = student.fetch_item
        probed = self.probe.wrap("fetch_item", self._lookup)

        async def fetch(item_id):
            for _ in range(self.extra.get(item_id, 0)):
                await REAL_ASYNC_SLEEP(0)
            try:
                return await (original(item_id) if real else probed(item_id))
            finally:
                self.finished.append(item_id)

        def fetch_item(item_id):
            coroutine = fetch(item_id)
            self.coroutines.append(coroutine)
            return coroutine

        student.fetch_item = fetch_item

    def _lookup(self, item_id):
        self.fetched[item_id] += 1
        if item_id == 99:
            raise KeyError(item_id)
        return item(item_id)

    def never_awaited(self) -> int:
        return sum(inspect.getcoroutinestate(c) == inspect.CORO_CREATED for c in self.coroutines)

    def close(self) -> None:
        for coroutine in self.coroutines:
            if inspect.getcoroutinestate(coroutine) == inspect.CORO_CREATED:
                coroutine.close()


@pytest.fixture
def stand_ins(student):
    """Install stand-ins for fetch_item: ``stand_ins(extra_yields=None, real=False)``."""
    student.FETCH_DELAY = 0.001
    made: list[Fetches] = []

    def install(extra_yields=None, real=False):
        made.append(Fetches(student, extra_yields, real))
        return made[-1]

    yield install
    for fetches in made:
        fetches.close()


@pytest.fixture
def api(student):
    """A TestClient on one event loop that answers 500 instead of raising the app's errors."""
    with TestClient(student.app, raise_server_exceptions=False) as test_client:
        yield test_client


def results(student, *batches):
    """``await fetch_all(ids)`` for each batch, in turn, on one event loop."""

    async def call_all():
        return [await student.fetch_all(list(ids)) for ids in batches]

    return run(call_all())


def expect_results(got, ids, fetches):
    if fetches.never_awaited():
        pytest.fail(f"fetch_all({ids}) created {fetches.never_awaited()} fetch_item(...) coroutines and never awaited "
                    "them; a coroutine runs only when awaited (gather them)", pytrace=False)
    expected = [item(i) for i in ids]
    expect(isinstance(got, list), f"fetch_all({ids}) returned {type(got).__name__} {got!r:.100}; expected a list "
                                  "(did you return the gather without awaiting it?)")
    expect(got == expected, f"fetch_all({ids}) returned {got!r}; expected one result per id in the order of ids: "
                            f"{expected!r}")
    expect(fetches.fetched == Counter(ids),
           f"fetch_all({ids}) fetched {dict(fetches.fetched)}; expected each id fetched once per occurrence")


# --- Task 1: the forgotten await -------------------------------------------------------


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_item_route_awaits_fetch_item(stand_ins, api):
    """GET /items/2 answers what fetch_item(2) returned (the coroutine is awaited)"""
    fetches = stand_ins()
    response = api.get("/items/2")
    if response.status_code == 500 and fetches.never_awaited():
        pytest.fail("GET /items/2 answered 500: the route called fetch_item(item_id) without `await`, so it "
                    "returned a coroutine object instead of the item; write `await fetch_item(item_id)`",
                    pytrace=False)
    expect_status(response, 200, "a known item must answer 200")
    expect_json(response, item(2), "the answer must be exactly what fetch_item(2) returned")
    expect(fetches.probe.calls["fetch_item"] == 1,
           f"one request called fetch_item {fetches.probe.calls['fetch_item']} times; expected once")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_unknown_item_is_404(student, stand_ins, api, monkeypatch, student_path):
    """with the real fetch_item: GET /items/1 is the keyboard, GET /items/99 is 404 'Item 99 not found'"""
    sleeps = SleepRecorder(student_path).install(monkeypatch)
    fetches = stand_ins(real=True)
    missing = api.get("/items/99")
    if missing.status_code == 500 and fetches.never_awaited():
        pytest.fail("GET /items/99 answered 500: without `await`, fetch_item never runs, so its KeyError never "
                    "reaches your `except`; write `await fetch_item(item_id)`", pytrace=False)
    expect_status(missing, 404, "an unknown item must answer 404 Not Found")
    expect_json(missing, {"detail": "Item 99 not found"}, "the detail must be 'Item 99 not found'")
    expect_json(api.get("/items/1"), {"id": 1, "name": "keyboard"}, "item 1 of the catalogue is the keyboard")
    waits = [call.seconds for call in sleeps.of("asyncio.sleep")]
    # Whatever FETCH_DELAY the file sets (the suite sets its own), the given fetch_item
    # must still be the one that ran: one wait of FETCH_DELAY per request.
    expect(waits == [student.FETCH_DELAY] * 2,
           f"the given fetch_item was changed (waits {waits}); leave it as given: it awaits "
           "asyncio.sleep(FETCH_DELAY) once per call")


# --- Task 2: fetch_all -------------------------------------------------------------------


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_fetch_all_keeps_the_order_of_ids(student, stand_ins):
    """fetch_all returns one result per id in the order of ids, even when later ones finish first"""
    ids = [5, 1, 4, 2, 5, 3, 6]
    fetches = stand_ins(extra_yields={5: 60, 1: 45, 4: 30, 2: 15})
    empty, got = results(student, [], ids)
    expect(empty == [], f"fetch_all([]) returned {empty!r}; expected [] (an awaited gather of nothing)")
    expect_results(got, ids, fetches)


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_at_most_three_in_flight(student, stand_ins):
    """fetch_all never has more than MAX_CONCURRENCY (3) fetches in flight, and MAX_CONCURRENCY is 3"""
    expect(same(student.MAX_CONCURRENCY, 3),
           f"MAX_CONCURRENCY is {student.MAX_CONCURRENCY!r}; the inventory service allows 3 requests in flight")
    ids = list(range(1, 11))
    fetches = stand_ins()
    (got,) = results(student, ids)
    expect_results(got, ids, fetches)
    expect(fetches.probe.peak <= 3, f"fetch_all with 10 ids had {fetches.probe.peak} fetches in flight at once; "
                                    "at most MAX_CONCURRENCY (3): guard each fetch with an asyncio.Semaphore")


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_fetches_overlap_up_to_the_limit(student, stand_ins):
    """fetch_all runs exactly 3 fetches at once for 10 ids, and both at once for 2 ids"""
    fetches = stand_ins()
    ids = list(range(1, 11))

    async def two_then_ten():
        two = await student.fetch_all([4, 6])
        peak_of_two = fetches.probe.peak
        fetches.probe.peak = 0
        fetches.fetched.clear()
        return two, peak_of_two, await student.fetch_all(ids)

    two, peak_of_two, ten = run(two_then_ten())
    expect_results(ten, ids, fetches)
    peak = fetches.probe.peak
    expect(peak != 1, "fetch_all awaited one fetch after another (1 in flight at a time); start them together "
                      "(asyncio.gather) and let the semaphore hold back all but 3")
    expect(peak <= 3, f"fetch_all had {peak} fetches in flight at once; at most MAX_CONCURRENCY (3)")
    expect(peak == 3, f"with 10 ids fetch_all had at most {peak} fetches in flight; it must keep 3 going")
    expect(two == [item(4), item(6)], f"fetch_all([4, 6]) returned {two!r}; expected items 4 and 6")
    expect(peak_of_two == 2, f"fetch_all([4, 6]) had {peak_of_two} in flight at once; with fewer ids than the "
                             "limit, all of them must run together")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_a_freed_slot_is_reused_at_once(student, stand_ins):
    """while one slow fetch holds its slot, the two other slots work through all the remaining ids"""
    ids = list(range(1, 9))
    fetches = stand_ins(extra_yields={1: 300})
    (got,) = results(student, ids)
    expect_results(got, ids, fetches)
    before_slow = fetches.finished.index(1)
    expect(before_slow == len(ids) - 1,
           f"when the slow fetch of id 1 finished, only {before_slow} of the 7 other fetches had finished; with a "
           "semaphore a new fetch starts as soon as any one ends (fixed batches of 3 wait for their slowest)")


# --- Task 3: GET /items?ids=... -----------------------------------------------------------


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_batch_route_answers_in_order_with_the_limit(stand_ins, api):
    """GET /items?ids=3&ids=1&ids=5&ids=2&ids=4 answers the items in order, 3 in flight at most; no ids is 422"""
    ids = [3, 1, 5, 2, 4]
    fetches = stand_ins()
    response = api.get("/items", params={"ids": ids})
    expect_status(response, 200, "a batch of known ids must answer 200")
    expect_json(response, {"items": [item(i) for i in ids]},
                "expected {'items': [...]} with what fetch_item returned for each id, in the order asked")
    expect(fetches.probe.peak == 3, f"GET /items with 5 ids had {fetches.probe.peak} fetches in flight at once; "
                                    "use fetch_all, which keeps 3 in flight")
    expect_status(api.get("/items"), 422, "GET /items without ids must be refused with 422")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_batch_with_unknown_id_is_404(stand_ins, api):
    """GET /items?ids=1&ids=99&ids=2 answers 404 {"detail": "Item 99 not found"}"""
    stand_ins()
    response = api.get("/items", params={"ids": [1, 99, 2]})
    expect_status(response, 404, "a batch holding an unknown id must answer 404 Not Found")
    expect_json(response, {"detail": "Item 99 not found"}, "the detail must name the unknown id: 'Item 99 not found'")
