"""Hidden suite for db03_caching.

Catches: recomputation on every call (the source's ``lru_cache`` idea without the TTL
has the opposite fault: it never recomputes, also caught), an entry that expires too
early or too late (the boundary is ``now() - stored_at < 300``), expiry measured from
the first computation instead of the latest, keys mixed up, ``Cache-Control`` missing or
with another ``max-age``, no ``ETag``, a weak or unquoted one, an ETag that does not
follow the content, no ``304`` for a matching ``If-None-Match`` (plain, in a list, weak,
or ``*``), a 304 with a body or without its headers, a 304 for a stale ETag, and two
concurrent requests for a cold key computing it twice.

The clock is the module's ``now()``, replaced by a fake the tests move; nothing waits.
A stand-in ``compute_report`` counts its calls per key and returns content the tests
control.
"""

import asyncio
from collections import Counter

import pytest

from autograder.kit import asgi_client, expect, expect_json, expect_status, run


class Clock:
    def __init__(self):
        self.time = 1000.0

    def __call__(self):
        return self.time


class Reports:
    """Stand-in for compute_report: counts calls, yields to the loop, returns versioned content."""

    def __init__(self):
        self.calls = Counter()
        self.version = Counter()  # bump a key's version to change its content
        self.in_flight = 0
        self.peak = 0

    async def __call__(self, key):
        self.calls[key] += 1
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            for _ in range(5):
                await asyncio.sleep(0)
            return {"key": key, "version": self.version[key]}
        finally:
            self.in_flight -= 1


@pytest.fixture
def clock(student):
    fake = Clock()
    student.now = fake
    return fake


@pytest.fixture
def reports(student):
    student.COMPUTE_DELAY = 0
    stand_in = Reports()
    student.compute_report = stand_in
    return stand_in


def get(client, key, **headers):
    return client.get(f"/reports/{key}", headers=headers)


def report(client, key, **headers):
    response = get(client, key, **headers)
    expect_status(response, 200, f"GET /reports/{key} must answer 200 with the report")
    return response


def directives(response):
    value = response.headers.get("cache-control", "")
    return {part.strip().lower() for part in value.split(",") if part.strip()}


def etag_of(response):
    etag = response.headers.get("etag")
    expect(etag, f"{response.request.method} {response.request.url.path} answered no ETag header; send a quoted "
                 "hash of the content, e.g. '\"' + sha256(body).hexdigest() + '\"'")
    return etag


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_reports_are_computed_once_per_key(clock, reports, client):
    """repeated requests within the TTL compute each key once and answer its own report"""
    for _ in range(3):
        expect_json(report(client, "sales"), {"key": "sales", "version": 0},
                    "GET /reports/sales must answer what compute_report('sales') returned")
    expect(reports.calls["sales"] == 1, f"3 requests for 'sales' within the TTL ran compute_report "
                                        f"{reports.calls['sales']} times; cache it and compute it once")
    expect_json(report(client, "stock"), {"key": "stock", "version": 0}, "each key must have its own report")
    expect_json(report(client, "sales"), {"key": "sales", "version": 0}, "each key must have its own report")
    expect(reports.calls == Counter({"sales": 1, "stock": 1}),
           f"compute_report was called {dict(reports.calls)}; expected once for each key")


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_entries_expire_after_300_seconds(clock, reports, client):
    """fresh while now() - stored_at < 300: cached at 299.9 s, recomputed at 300 s, timed from the latest computation"""
    report(client, "sales")
    clock.time += 299.9
    report(client, "sales")
    expect(reports.calls["sales"] == 1, "a report 299.9 s old was computed again; it is fresh for 300 seconds")
    clock.time += 0.1
    report(client, "sales")
    expect(reports.calls["sales"] == 2, f"a report exactly 300 s old gave {reports.calls['sales'] - 1} "
                                        "recomputations; it is stale from 300 s on (now() - stored_at < CACHE_TTL "
                                        "is fresh) and must be computed again")
    clock.time += 450
    report(client, "sales")
    expect(reports.calls["sales"] == 3, "a report 450 s old was not computed again")
    clock.time += 299
    report(client, "sales")
    expect(reports.calls["sales"] == 3, "299 s after the latest computation the report was computed again; the "
                                        "TTL counts from the latest computation (store now() with each result)")
    clock.time += 1
    report(client, "sales")
    expect(reports.calls["sales"] == 4, "300 s after the latest computation the report was not computed again")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_cache_control_allows_300_seconds(clock, reports, client):
    """every 200 carries Cache-Control: public, max-age=300"""
    for _ in range(2):
        found = directives(report(client, "sales"))
        expect({"public", "max-age=300"} <= found and not any(d.startswith("max-age=") and d != "max-age=300"
                                                              for d in found),
               f"Cache-Control was {sorted(found)}; expected 'public, max-age=300'")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_etag_follows_the_content(clock, reports, client):
    """the ETag is strong and quoted, the same while the content is, and changes with it"""
    first = etag_of(report(client, "sales"))
    expect(first.startswith('"') and first.endswith('"') and len(first) > 2,
           f"the ETag was {first!r}; a strong ETag is a quoted string, e.g. '\"3f5a...\"' (no W/ prefix)")
    expect(etag_of(report(client, "sales")) == first, "the ETag changed although the report did not")
    clock.time += 300
    expect(etag_of(report(client, "sales")) == first,
           "the report was recomputed with the same content but got another ETag; derive it from the content")
    expect(etag_of(report(client, "stock")) != first, "two different reports got the same ETag")
    reports.version["sales"] += 1
    clock.time += 300
    changed = report(client, "sales")
    expect_json(changed, {"key": "sales", "version": 1}, "after the TTL the new content must be served")
    expect(etag_of(changed) != first, "the report's content changed but its ETag did not")


@pytest.mark.task(3)
@pytest.mark.points(2)
def test_matching_if_none_match_is_304(clock, reports, client):
    """If-None-Match with the current ETag: 304, no body, ETag and Cache-Control kept, nothing recomputed"""
    etag = etag_of(report(client, "sales"))
    response = get(client, "sales", **{"If-None-Match": etag})
    expect_status(response, 304, "a request whose If-None-Match holds the current ETag must be 304 Not Modified")
    expect(response.content == b"", f"the 304 carried a body ({response.content[:60]!r}); it must have none")
    expect(response.headers.get("etag") == etag, f"the 304 carried ETag {response.headers.get('etag')!r}; "
                                                 f"it must repeat {etag!r}")
    expect({"public", "max-age=300"} <= directives(response),
           f"the 304 carried Cache-Control {response.headers.get('cache-control')!r}; it must repeat "
           "'public, max-age=300' (it renews the client's copy)")
    expect(reports.calls["sales"] == 1, "answering the conditional request recomputed the report")
    other = get(client, "sales", **{"If-None-Match": '"some-other-version"'})
    expect_status(other, 200, "an If-None-Match with another ETag must get 200 and the report")
    expect_json(other, {"key": "sales", "version": 0})


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_stale_etag_gets_the_new_report(clock, reports, client):
    """after the content changed, the old ETag gets 200 with the new report; the new ETag gets 304"""
    old = etag_of(report(client, "sales"))
    reports.version["sales"] += 1
    clock.time += 300
    response = get(client, "sales", **{"If-None-Match": old})
    expect_status(response, 200, "the client's ETag belongs to the old content: it must get 200 and the new report")
    expect_json(response, {"key": "sales", "version": 1})
    expect_status(get(client, "sales", **{"If-None-Match": etag_of(response)}), 304,
                  "the new ETag must then be answered 304")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_if_none_match_lists_weak_tags_and_star(clock, reports, client):
    """If-None-Match matches inside a list, with the weak prefix W/, and as *"""
    etag = etag_of(report(client, "sales"))
    for value in (f'"other", {etag}', f"W/{etag}", "*"):
        expect_status(get(client, "sales", **{"If-None-Match": value}), 304,
                      f"If-None-Match: {value} matches the current ETag and must be 304")
    expect_status(get(client, "sales", **{"If-None-Match": '"a", W/"b"'}), 200,
                  "If-None-Match listing only other ETags must get 200")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_concurrent_requests_compute_once(student, clock, reports):
    """three requests at once for a report that is not cached compute it once, and all get it"""

    async def together():
        async with asgi_client(student.app) as ac:
            return await asyncio.gather(*(ac.get("/reports/sales") for _ in range(3)))

    answers = run(together())
    bodies = [a.json() if a.status_code == 200 else a.status_code for a in answers]
    expect(all(b == {"key": "sales", "version": 0} for b in bodies), f"three concurrent requests got {bodies}")
    expect(reports.calls["sales"] == 1, f"three concurrent requests for a cold report computed it "
                                        f"{reports.calls['sales']} times; let one compute while the others wait "
                                        "(an asyncio.Lock per key, checking the cache again inside it)")
