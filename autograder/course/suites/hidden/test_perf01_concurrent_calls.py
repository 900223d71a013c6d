"""Hidden suite for perf01_concurrent_calls.

Catches: a client made per request (or at import, or never closed), no timeout on the
upstream calls, calls awaited one after another (peak in flight below 3), an upstream
called twice or with the wrong URL, a timed-out upstream not answered 504 (or turned
into a partial answer), an error status or connection error failing the whole answer,
``failed`` in the wrong order, and all-failed not answered 502.

No socket is opened: the student's ``UPSTREAM_TRANSPORT`` is set to an
``httpx.MockTransport`` before the app starts, and real httpx transports are replaced by
one that refuses (so a client that ignores ``UPSTREAM_TRANSPORT`` fails a check instead
of reaching the internet). A timeout is simulated by raising ``httpx.ReadTimeout`` from
the mock, never by waiting. ``httpx.AsyncClient`` is replaced by a subclass that records
every client made, and when it was closed.
"""

import asyncio
from collections import Counter

import httpx
import pytest
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_json, expect_status

PAYLOADS = {
    "weather": {"city": "Lisbon", "temp_c": 21},
    "flights": [{"to": "OPO", "at": "09:40"}, {"to": "MAD", "at": "11:05"}],
    "hotels": {"offers": 3, "cheapest": 74.5},
}
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


class Upstreams:
    """The three services, behind an httpx.MockTransport; behaviour per name can be changed."""

    def __init__(self, urls):
        self.names_by_url = {str(httpx.URL(url)): name for name, url in urls.items()}
        self.behaviour = dict(PAYLOADS)
        self.calls = Counter()
        self.methods = []
        self.timeouts = []
        self.unknown = []
        self.in_flight = 0
        self.peak = 0
        self.transport = httpx.MockTransport(self.handle)

    async def handle(self, request):
        name = self.names_by_url.get(str(request.url))
        if name is None:
            self.unknown.append(str(request.url))
            return httpx.Response(404, json={"error": "no such upstream"})
        self.calls[name] += 1
        self.methods.append(request.method)
        self.timeouts.append(request.extensions.get("timeout"))
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            for _ in range(5):  # give the loop a chance to start the other calls
                await asyncio.sleep(0)
            behaviour = self.behaviour[name]
            if isinstance(behaviour, type) and issubclass(behaviour, httpx.HTTPError):
                raise behaviour(f"simulated {behaviour.__name__} from {name}", request=request)
            if isinstance(behaviour, int):
                return httpx.Response(behaviour, json={"error": f"{name} is unwell"})
            return httpx.Response(200, json=behaviour)
        finally:
            self.in_flight -= 1


class ClientLog:
    """Every httpx.AsyncClient made while the check runs, with the moment it was closed."""

    def __init__(self):
        self.clients = []
        self.events = []

    def note(self, event):
        self.events.append(event)


@pytest.fixture
def setup(monkeypatch, load_student):
    log = ClientLog()
    real_client = httpx.AsyncClient

    class RecordedClient(real_client):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            log.clients.append(self)
            log.note("client made")

        async def aclose(self):
            if not self.is_closed:
                log.note("client closed")
            await super().aclose()

    async def no_network(transport, request):
        log.note("real network")
        raise httpx.ConnectError(f"the checks forbid real network access ({request.url})", request=request)

    for variable in PROXY_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setattr(httpx, "AsyncClient", RecordedClient)
    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", no_network)
    student = load_student()
    upstreams = Upstreams(student.UPSTREAMS)
    student.UPSTREAM_TRANSPORT = upstreams.transport
    return student, upstreams, log


def expect_no_network(log):
    expect("real network" not in log.events,
           "your app tried to reach an upstream over the real network: pass UPSTREAM_TRANSPORT to "
           "httpx.AsyncClient(transport=...) in lifespan")


def expected_body(failed=()):
    return {"results": {name: (None if name in failed else PAYLOADS[name]) for name in PAYLOADS},
            "failed": [name for name in PAYLOADS if name in failed]}


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_all_upstreams_answer(setup):
    """with every upstream answering, /aggregate gathers their JSON, one GET each"""
    student, upstreams, log = setup
    with TestClient(student.app, raise_server_exceptions=False) as client:
        response = client.get("/aggregate")
    expect_no_network(log)
    expect_status(response, 200, "with every upstream answering, /aggregate must answer 200")
    expect_json(response, expected_body(),
                "expected {'results': {name: that upstream's JSON}, 'failed': []} for weather, flights and hotels")
    expect(not upstreams.unknown, f"your app requested {upstreams.unknown}, which are not URLs of UPSTREAMS")
    expect(dict(upstreams.calls) == dict.fromkeys(PAYLOADS, 1),
           f"one request made these upstream calls: {dict(upstreams.calls)}; each upstream exactly once")
    expect(set(upstreams.methods) == {"GET"}, f"the upstreams were called with {upstreams.methods}; use GET")


@pytest.mark.task(3)
@pytest.mark.points(2)
def test_upstreams_called_concurrently(setup):
    """the three upstream calls are in flight at the same time"""
    student, upstreams, log = setup
    with TestClient(student.app, raise_server_exceptions=False) as client:
        response = client.get("/aggregate")
    expect_no_network(log)
    expect_status(response, 200, "with every upstream answering, /aggregate must answer 200")
    expect(upstreams.peak == 3,
           f"at most {upstreams.peak} of the 3 upstream calls were in flight at once; start them together "
           "with asyncio.gather (or a TaskGroup) instead of awaiting each in turn")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_one_client_shared_by_all_requests(setup):
    """one AsyncClient, made at startup, serves every request"""
    student, upstreams, log = setup
    with TestClient(student.app, raise_server_exceptions=False) as client:
        made_at_startup = len(log.clients)
        answers = [client.get("/aggregate") for _ in range(3)]
        made_in_total = len(log.clients)
        closed_while_running = log.events.count("client closed")
    expect_no_network(log)
    for response in answers:
        expect_status(response, 200, "with every upstream answering, /aggregate must answer 200")
    expect(made_at_startup == 1,
           f"{made_at_startup} httpx.AsyncClient were made while the app started; make exactly one in lifespan")
    expect(made_in_total == 1,
           f"three requests made {made_in_total - made_at_startup} more httpx.AsyncClient; every request must "
           "use the one made in lifespan (app.state.http_client)")
    expect(closed_while_running == 0, "a client was closed while the app was still serving requests")
    expect(sum(upstreams.calls.values()) == 9,
           f"three requests made {sum(upstreams.calls.values())} upstream calls through the mock transport; "
           "expected 9")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_client_closed_at_shutdown(setup):
    """the shared client is open while the app runs and closed when it stops"""
    student, _upstreams, log = setup
    with TestClient(student.app, raise_server_exceptions=False) as client:
        expect(len(log.clients) == 1,
               f"{len(log.clients)} httpx.AsyncClient were made at startup; make exactly one in lifespan")
        shared = log.clients[0]
        expect(not shared.is_closed, "the client made in lifespan was already closed when the app started serving")
        expect_status(client.get("/aggregate"), 200, "with every upstream answering, /aggregate must answer 200")
    expect_no_network(log)
    expect(shared.is_closed,
           "the client made in lifespan was still open after shutdown; close it after `yield` "
           "(or make it with `async with`)")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_calls_carry_the_timeout(setup):
    """every upstream call is made with UPSTREAM_TIMEOUT as its timeout"""
    student, upstreams, log = setup
    student.UPSTREAM_TIMEOUT = 0.75
    with TestClient(student.app, raise_server_exceptions=False) as client:
        client.get("/aggregate")
    expect_no_network(log)
    expect(len(upstreams.timeouts) == 3, f"{len(upstreams.timeouts)} upstream calls were made; expected 3")
    for timeout in upstreams.timeouts:
        read = (timeout or {}).get("read")
        expect(read == 0.75 and None not in (timeout or {}).values(),
               f"with UPSTREAM_TIMEOUT = 0.75 an upstream call was made with the timeouts {timeout}; pass "
               "timeout=UPSTREAM_TIMEOUT to httpx.AsyncClient in lifespan")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_timed_out_upstream_gives_504(setup):
    """an upstream raising a timeout makes the answer 504 naming it"""
    student, upstreams, log = setup
    with TestClient(student.app, raise_server_exceptions=False) as client:
        upstreams.behaviour["flights"] = httpx.ReadTimeout
        read_timeout = client.get("/aggregate")
        upstreams.behaviour["flights"] = PAYLOADS["flights"]
        upstreams.behaviour["hotels"] = httpx.ConnectTimeout
        connect_timeout = client.get("/aggregate")
    expect_no_network(log)
    expect_status(read_timeout, 504, "an upstream that timed out (httpx.ReadTimeout) must give 504 Gateway Timeout")
    expect_json(read_timeout, {"detail": "upstream flights timed out"},
                "expected the detail 'upstream flights timed out'")
    expect_status(connect_timeout, 504,
                  "an upstream that timed out (httpx.ConnectTimeout) must give 504 Gateway Timeout")
    expect_json(connect_timeout, {"detail": "upstream hotels timed out"},
                "expected the detail 'upstream hotels timed out'")


@pytest.mark.task(5)
@pytest.mark.points(1)
def test_failing_upstream_gives_partial_answer(setup):
    """an upstream answering 503, or unreachable, leaves a null result and is listed in failed"""
    student, upstreams, log = setup
    with TestClient(student.app, raise_server_exceptions=False) as client:
        upstreams.behaviour["weather"] = 503
        error_status = client.get("/aggregate")
        upstreams.behaviour["weather"] = PAYLOADS["weather"]
        upstreams.behaviour["hotels"] = httpx.ConnectError
        unreachable = client.get("/aggregate")
        upstreams.behaviour["flights"] = 404
        two_failed = client.get("/aggregate")
    expect_no_network(log)
    expect_status(error_status, 200, "one upstream answering 503 must not fail the answer: it stays 200, partial")
    expect_json(error_status, expected_body(failed={"weather"}),
                "expected weather's result to be null and 'failed': ['weather']")
    expect_status(unreachable, 200, "one unreachable upstream (httpx.ConnectError) must not fail the answer")
    expect_json(unreachable, expected_body(failed={"hotels"}),
                "expected hotels' result to be null and 'failed': ['hotels']")
    expect_status(two_failed, 200, "two failed upstreams out of three must still give a partial 200")
    expect_json(two_failed, expected_body(failed={"flights", "hotels"}),
                "expected flights and hotels null and 'failed': ['flights', 'hotels'] (in UPSTREAMS order)")


@pytest.mark.task(5)
@pytest.mark.points(1)
def test_every_upstream_failing_gives_502(setup):
    """when every upstream failed the answer is 502 Bad Gateway"""
    student, upstreams, log = setup
    with TestClient(student.app, raise_server_exceptions=False) as client:
        upstreams.behaviour.update(weather=500, flights=httpx.ConnectError, hotels=502)
        response = client.get("/aggregate")
    expect_no_network(log)
    expect_status(response, 502, "when every upstream failed, /aggregate must answer 502 Bad Gateway")
    expect_json(response, {"detail": "every upstream failed"}, "expected the detail 'every upstream failed'")
