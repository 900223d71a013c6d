"""Hidden suite for perf02_sync_to_async.

Catches: answers that changed in the conversion (bodies, rounding, 404/409 details, 201,
422 bounds of ``quantity``, stock bookkeeping, order ids), routes or data-access
functions left synchronous, ``time.sleep`` (or the legacy call) left on the event loop,
data access that no longer waits ``DB_DELAY``, the product and stock read one after the
other, and an ``await`` slipped between a stock check and its update (two concurrent
orders then oversell).

Every answer check first requires the three routes to be ``async def``: the given
synchronous app already answers correctly, and converting it is the exercise. Sleeps are
recorded (and cut to nothing) by the kit's ``SleepRecorder``, installed before the
module is loaded, so that ``from time import sleep`` is caught as well.
"""

import asyncio
import inspect

import pytest
from fastapi.testclient import TestClient

from autograder.kit import SleepRecorder, asgi_client, expect, expect_json, expect_status, route_for, run

ROUTES = (("/products/{product_id}", "GET"), ("/products/{product_id}/price", "GET"), ("/orders", "POST"))
DATA_ACCESS = ("fetch_product", "fetch_stock", "save_order")


@pytest.fixture
def recorder(monkeypatch, student_path):
    return SleepRecorder(student_path).install(monkeypatch)


@pytest.fixture
def shop(recorder, load_student):
    """The student's module, loaded after the sleeps were replaced."""
    student = load_student()
    student.DB_DELAY = 0.003
    student.LEGACY_DELAY = 0.007
    return student


def expect_async_routes(student):
    for path, method in ROUTES:
        endpoint = route_for(student.app, path, method).endpoint
        expect(inspect.iscoroutinefunction(endpoint),
               f"{method} {path} is still a plain def; convert it to async def (the exercise is the conversion)")


def client_for(student):
    return TestClient(student.app, raise_server_exceptions=False)


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_products_answer_as_before(shop):
    """GET /products/{id}: the product with its stock, 404 and 422 as before"""
    expect_async_routes(shop)
    with client_for(shop) as client:
        expect_json(client.get("/products/1"), {"id": 1, "name": "Keyboard", "price": 49.9, "stock": 5},
                    "expected the keyboard with its stock of 5, as the sync app answered")
        expect_json(client.get("/products/2"), {"id": 2, "name": "Mouse", "price": 19.5, "stock": 0},
                    "expected the mouse with its stock of 0")
        missing = client.get("/products/99")
        expect_status(missing, 404, "an unknown product must stay 404 Not Found")
        expect_json(missing, {"detail": "Product not found"}, "expected the detail 'Product not found'")
        expect_status(client.get("/products/abc"), 422, "a non-integer product id must stay 422")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_prices_answer_as_before(shop):
    """GET /products/{id}/price: net and gross per country, 404 for unknown products and countries"""
    expect_async_routes(shop)
    with client_for(shop) as client:
        expect_json(client.get("/products/1/price"),
                    {"product_id": 1, "country": "FR", "net": 49.9, "gross": 59.88},
                    "expected France by default: gross = round(49.9 * 1.20, 2) = 59.88")
        expect_json(client.get("/products/3/price", params={"country": "de"}),
                    {"product_id": 3, "country": "DE", "net": 189.0, "gross": 224.91},
                    "expected country 'DE' (upper-cased) and gross = round(189.0 * 1.19, 2) = 224.91")
        expect_json(client.get("/products/1/price", params={"country": "DE"}),
                    {"product_id": 1, "country": "DE", "net": 49.9, "gross": 59.38},
                    "expected gross = round(49.9 * 1.19, 2) = 59.38")
        expect_json(client.get("/products/2/price", params={"country": "Pt"}),
                    {"product_id": 2, "country": "PT", "net": 19.5, "gross": 23.98},
                    "expected country 'PT' and gross = round(19.5 * 1.23, 2) = 23.98")
        unknown_country = client.get("/products/1/price", params={"country": "us"})
        expect_status(unknown_country, 404, "a country without a tax rate must stay 404")
        expect_json(unknown_country, {"detail": "No tax rate for US"}, "expected the detail 'No tax rate for US'")
        missing = client.get("/products/99/price")
        expect_status(missing, 404, "the price of an unknown product must stay 404")
        expect_json(missing, {"detail": "Product not found"}, "expected the detail 'Product not found'")


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_orders_answer_as_before(shop):
    """POST /orders: 201 with id and total, stock decremented, 409, 404 and 422 as before"""
    expect_async_routes(shop)
    with client_for(shop) as client:
        first = client.post("/orders", json={"product_id": 1, "quantity": 2})
        expect_status(first, 201, "a valid order must stay 201 Created")
        expect_json(first, {"id": 1, "product_id": 1, "quantity": 2, "total": 99.8},
                    "expected the saved order with id 1 and total 99.8")
        expect_json(client.get("/products/1"), {"id": 1, "name": "Keyboard", "price": 49.9, "stock": 3},
                    "after ordering 2 of 5 keyboards the stock must be 3")
        too_many = client.post("/orders", json={"product_id": 1, "quantity": 4})
        expect_status(too_many, 409, "ordering more than the stock must stay 409 Conflict")
        expect_json(too_many, {"detail": "Only 3 left"}, "expected the detail 'Only 3 left'")
        at_limit = client.post("/orders", json={"product_id": 3, "quantity": 10})
        expect_status(at_limit, 409, "quantity 10 is valid (the limit), so 10 monitors out of 2 must be 409, not 422")
        expect_json(at_limit, {"detail": "Only 2 left"}, "expected the detail 'Only 2 left'")
        second = client.post("/orders", json={"product_id": 3, "quantity": 2})
        expect_status(second, 201, "ordering the last 2 monitors must be 201")
        expect_json(second, {"id": 2, "product_id": 3, "quantity": 2, "total": 378.0},
                    "expected the second order to get id 2 and total 378.0")
        missing = client.post("/orders", json={"product_id": 99, "quantity": 1})
        expect_status(missing, 404, "ordering an unknown product must stay 404")
        expect_json(missing, {"detail": "Product not found"}, "expected the detail 'Product not found'")
        for quantity in (0, 11):
            expect_status(client.post("/orders", json={"product_id": 1, "quantity": quantity}), 422,
                          f"quantity {quantity} is outside 1..10 and must stay 422")
        expect_status(client.post("/orders", json={"quantity": 1}), 422, "an order without product_id must stay 422")
    expect(len(shop.ORDERS) == 2, f"ORDERS holds {len(shop.ORDERS)} orders after two successful ones")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_data_access_is_async(shop, recorder):
    """fetch_product, fetch_stock and save_order are coroutine functions awaiting asyncio.sleep(DB_DELAY)"""
    for name in DATA_ACCESS:
        function = getattr(shop, name, None)
        expect(inspect.iscoroutinefunction(function), f"{name} is not an async def function; convert it")

    calls = (("fetch_product(3)", lambda: shop.fetch_product(3)), ("fetch_stock(3)", lambda: shop.fetch_stock(3)),
             ("fetch_stock(99)", lambda: shop.fetch_stock(99)),
             ("save_order(...)", lambda: shop.save_order({"product_id": 3, "quantity": 1, "total": 189.0})))

    async def call_each():
        answers, not_awaited = [], []
        for what, call in calls:
            recorder.peak = 0  # the recorder's sleep counts as in flight only while it is awaited
            answers.append(await call())
            if recorder.peak == 0:
                not_awaited.append(what)
        return answers, not_awaited

    (product, stock, no_stock, saved), not_awaited = run(call_each())
    expect(product == {"id": 3, "name": "Monitor", "price": 189.0}, f"fetch_product(3) returned {product!r}")
    expect(stock == 2, f"fetch_stock(3) returned {stock!r}; expected 2")
    expect(no_stock == 0, f"fetch_stock(99) returned {no_stock!r}; a product without stock has 0, as before")
    expect(saved == {"id": 1, "product_id": 3, "quantity": 1, "total": 189.0},
           f"save_order(...) returned {saved!r}; expected the order with id 1")
    waits = [call.seconds for call in recorder.of("asyncio.sleep")]
    expect(waits == [shop.DB_DELAY] * 4,
           f"four data-access calls awaited asyncio.sleep with {waits}; each must await "
           f"asyncio.sleep(DB_DELAY) once (DB_DELAY is {shop.DB_DELAY} here)")
    expect(not recorder.of("time.sleep"), "a data-access function still calls time.sleep")
    expect(not not_awaited, f"{', '.join(not_awaited)} called asyncio.sleep(DB_DELAY) without awaiting it: the call "
                            "only makes a coroutine and nothing waits; write await asyncio.sleep(DB_DELAY)")


@pytest.mark.task(3)
@pytest.mark.points(2)
def test_no_blocking_call_on_the_event_loop(shop, recorder):
    """no time.sleep runs on the event loop; the legacy call runs on a worker thread"""
    expect_async_routes(shop)
    with client_for(shop) as client:
        for response in (client.get("/products/1"), client.get("/products/1/price", params={"country": "pt"}),
                         client.post("/orders", json={"product_id": 1, "quantity": 1})):
            expect_status(response, 201 if response.request.method == "POST" else 200,
                          "this request must succeed as it did in the sync app")
    blocking = recorder.of("time.sleep")
    expect(blocking, "legacy_tax_rate never ran (no time.sleep was recorded); keep calling it, unchanged, "
                     "through the thread pool")
    on_loop = [call.seconds for call in blocking if call.on_loop]
    expect(not on_loop, f"time.sleep({on_loop[0] if on_loop else ''}) ran on the event loop's thread; wrap the "
                        "blocking legacy_tax_rate in run_in_threadpool (or asyncio.to_thread), and await "
                        "asyncio.sleep in the data-access functions")
    waits = recorder.of("asyncio.sleep")
    expect(waits and all(call.on_loop for call in waits),
           "the routes did not await asyncio.sleep on the event loop; the data access must be async")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_product_and_stock_read_together(shop, recorder):
    """GET /products/{id} has the product and the stock reads in flight at once"""
    expect_async_routes(shop)
    with client_for(shop) as client:
        expect_status(client.get("/products/2"), 200, "GET /products/2 must answer 200")
    expect(recorder.peak == 2,
           f"at most {recorder.peak} database wait(s) were in flight at once during GET /products/2; await "
           "fetch_product and fetch_stock together with asyncio.gather")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_concurrent_orders_never_oversell(shop):
    """two orders for the last 2 monitors arriving together: one 201, one 409"""
    expect_async_routes(shop)

    async def two_orders():
        async with asgi_client(shop.app) as client:
            return await asyncio.gather(client.post("/orders", json={"product_id": 3, "quantity": 2}),
                                        client.post("/orders", json={"product_id": 3, "quantity": 2}))

    answers = sorted(response.status_code for response in run(two_orders()))
    expect(answers == [201, 409],
           f"two concurrent orders for the last 2 monitors answered {answers}; one must get 201 and the other "
           "409: do not await anything between reading the stock and updating it")
    expect(shop.STOCK[3] == 0, f"the monitors' stock ended at {shop.STOCK[3]}; expected 0")
