"""Public checks for tasks01_notifications: the 202 answer, and the email sent after it."""

import logging

import pytest
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_json, expect_status


class Timeline:
    """An ASGI wrapper that notes when the app starts its response."""

    def __init__(self, app, events):
        self.app, self.events = app, events

    async def __call__(self, scope, receive, send):
        async def watched(message):
            if message["type"] == "http.response.start":
                self.events.append("response")
            await send(message)

        await self.app(scope, receive, watched if scope["type"] == "http" else send)


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_notification_is_accepted(student, client):
    """POST /send-notification answers 202 with {"status": "scheduled", "email": ...}"""
    student.SEND_DELAY = 0
    student.deliver_notification = lambda email, message: None  # this check is about the answer only
    response = client.post("/send-notification", json={"email": "ada@example.com", "message": "hi"})
    expect_status(response, 202)
    expect_json(response, {"status": "scheduled", "email": "ada@example.com"})


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_email_is_sent_after_the_response(student):
    """the email leaves once, after the response started"""
    events = []
    student.SEND_DELAY = 0
    student.send_email = lambda to, subject, body: events.append("send")
    with TestClient(Timeline(student.app, events)) as client:
        client.post("/send-notification", json={"email": "ada@example.com", "message": "hi"})
    expect(events == ["response", "send"], f"the events came in this order: {events}; expected "
                                           "['response', 'send'] (schedule the send with BackgroundTasks)")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_failed_send_is_recorded_and_logged(student, caplog):
    """deliver_notification records a failed send in FAILED_NOTIFICATIONS and logs it, raising nothing"""

    def send_email(to, subject, body):
        raise student.EmailError("mailbox unavailable")

    student.send_email = send_email
    with caplog.at_level(logging.ERROR, logger="notifications"):
        try:
            student.deliver_notification("ada@example.com", "hi")
        except Exception as exc:  # noqa: BLE001 - whatever escapes is the failure
            expect(False, f"deliver_notification let {type(exc).__name__}: {exc} escape; catch the send's error")
    expect(student.FAILED_NOTIFICATIONS == [{"email": "ada@example.com", "error": "mailbox unavailable"}],
           f"FAILED_NOTIFICATIONS holds {student.FAILED_NOTIFICATIONS!r}; expected one "
           "{\"email\": ..., \"error\": str(exc)} entry")
    expect(any(record.levelno >= logging.ERROR and "ada@example.com" in record.getMessage()
               for record in caplog.records), "no ERROR log record names the address whose email failed")
