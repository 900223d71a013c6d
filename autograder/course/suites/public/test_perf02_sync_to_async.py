"""Public checks for perf02_sync_to_async: converted functions, one answer, no blocking on the loop."""

import inspect

import pytest
from fastapi.testclient import TestClient

from autograder.kit import ConcurrencyProbe, SleepRecorder, expect, expect_json, route_for


@pytest.fixture
def recorder(monkeypatch, student_path):
    return SleepRecorder(student_path).install(monkeypatch)


@pytest.fixture
def shop(recorder, load_student):
    student = load_student()
    student.DB_DELAY = 0.003
    student.LEGACY_DELAY = 0.007
    return student


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_data_access_is_async(shop):
    """fetch_product, fetch_stock and save_order are async def"""
    for name in ("fetch_product", "fetch_stock", "save_order"):
        expect(inspect.iscoroutinefunction(getattr(shop, name, None)), f"{name} is not an async def function yet")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_product_answer_unchanged(shop):
    """GET /products/1 is async def and answers as the sync app did"""
    endpoint = route_for(shop.app, "/products/{product_id}", "GET").endpoint
    expect(inspect.iscoroutinefunction(endpoint), "GET /products/{product_id} is still a plain def")
    with TestClient(shop.app, raise_server_exceptions=False) as client:
        expect_json(client.get("/products/1"), {"id": 1, "name": "Keyboard", "price": 49.9, "stock": 5})


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_price_does_not_block_the_loop(shop, recorder):
    """GET /products/1/price is async def and runs no time.sleep on the event loop"""
    endpoint = route_for(shop.app, "/products/{product_id}/price", "GET").endpoint
    expect(inspect.iscoroutinefunction(endpoint), "GET /products/{product_id}/price is still a plain def")
    with TestClient(shop.app, raise_server_exceptions=False) as client:
        expect_json(client.get("/products/1/price"), {"product_id": 1, "country": "FR", "net": 49.9, "gross": 59.88})
    expect(not [call for call in recorder.of("time.sleep") if call.on_loop],
           "time.sleep ran on the event loop's thread; call legacy_tax_rate through run_in_threadpool")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_product_and_stock_read_together(shop):
    """GET /products/1 has the product and its stock in flight at the same time"""
    probe = ConcurrencyProbe()
    shop.fetch_product = probe.wrap("fetch_product", lambda product_id: {"id": product_id, "name": "Keyboard"})
    shop.fetch_stock = probe.wrap("fetch_stock", lambda product_id: 5)
    with TestClient(shop.app, raise_server_exceptions=False) as client:
        expect_json(client.get("/products/1"), {"id": 1, "name": "Keyboard", "stock": 5})
    expect(probe.peak == 2, f"at most {probe.peak} of the two reads were in flight at once; start both together "
                            "with asyncio.gather")
