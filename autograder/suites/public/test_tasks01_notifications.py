"""Public checks for tasks01_notifications: the 202 answer, and the email sent after it."""

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
