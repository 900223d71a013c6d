"""Public checks for async06_blocking_pitfall: no blocking call on the event loop, same answers."""

import pytest

from autograder.kit import expect, expect_json, on_event_loop

BLOCKING = ("make_thumbnail", "fetch_price_blocking", "write_audit_line")


@pytest.fixture
def on_loop(student):
    """Names of the given blocking functions that ran on the event loop's thread."""
    student.WORK_DELAY = 0
    seen: list[str] = []
    for name in BLOCKING:
        original = getattr(student, name)

        def stand_in(*args, _name=name, _original=original, **kwargs):
            if on_event_loop():
                seen.append(_name)
            return _original(*args, **kwargs)

        setattr(student, name, stand_in)
    return seen


def no_blocking(seen, what):
    expect(not seen, f"{what} called {', '.join(dict.fromkeys(seen))}() on the event loop's thread, which stalls "
                     "every other request; move the blocking work off the loop")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_thumbnail_does_not_block(on_loop, client):
    """GET /thumbnails/7 answers the thumbnail without blocking the event loop"""
    expect_json(client.get("/thumbnails/7"), {"image_id": 7, "size": "128x128", "format": "webp"})
    no_blocking(on_loop, "GET /thumbnails/7")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_price_does_not_block(on_loop, client):
    """GET /prices/acme answers the price without blocking the event loop"""
    expect_json(client.get("/prices/acme"), {"symbol": "ACME", "price": 12.5})
    no_blocking(on_loop, "GET /prices/acme")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_order_does_not_block(on_loop, client):
    """POST /orders answers 201 and its audit write does not block the event loop"""
    response = client.post("/orders", json={"symbol": "ACME", "quantity": 2})
    expect(response.status_code == 201, f"POST /orders answered {response.status_code}; expected 201 Created")
    expect_json(response, {"symbol": "ACME", "quantity": 2, "total": 25.0, "audit_entry": 1})
    no_blocking(on_loop, "POST /orders")
