"""Hidden suite for tasks01_notifications.

Catches: a wrong status code (200 instead of 202) or body, unvalidated input (a bad
address, an empty or over-long message), the email sent by the route itself (before the
response is built) or not sent at all, sent twice, sent with the wrong arguments, the
blocking send run on the event loop's thread, and a failing send that escapes the task
(``TestClient`` re-raises it, a server logs it as a crash), is not recorded in
``FAILED_NOTIFICATIONS`` or not logged.

``TestClient`` finishes background tasks before it returns, so timing cannot show the
order; an ASGI wrapper records the moment the response starts, and a stand-in for
``send_email`` records when the email leaves: the two events must come in that order.
"""

import logging

import pytest
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_json, expect_status, on_event_loop, same

SUBJECT = "You have a new notification"


class Timeline:
    """An ASGI wrapper that notes when the app starts its response."""

    def __init__(self, app, events):
        self.app = app
        self.events = events

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def watched(message):
            if message["type"] == "http.response.start":
                self.events.append(("response", message["status"]))
            await send(message)

        await self.app(scope, receive, watched)


@pytest.fixture
def events():
    return []


@pytest.fixture
def mail(student, events):
    """Replaces send_email: records each call, and where it ran, in the shared timeline."""
    student.SEND_DELAY = 0
    sent = []

    def send_email(to, subject, body):
        events.append(("send", to))
        sent.append({"to": to, "subject": subject, "body": body, "on_loop": on_event_loop()})
        student.OUTBOX.append({"to": to, "subject": subject, "body": body})

    student.send_email = send_email
    return sent


@pytest.fixture
def timeline_client(student, events):
    with TestClient(Timeline(student.app, events)) as test_client:
        yield test_client


def post(client, email="ada@example.com", message="Your report is ready"):
    try:
        return client.post("/send-notification", json={"email": email, "message": message})
    except Exception as exc:  # noqa: BLE001 - an exception escaping a background task lands here
        pytest.fail(f"POST /send-notification raised {type(exc).__name__}: {exc}; the route must answer 202 and "
                    "deliver_notification must catch every error of send_email", pytrace=False)


def failing_send(student, error):
    student.SEND_DELAY = 0

    def send_email(to, subject, body):
        raise error

    student.send_email = send_email


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_notification_is_accepted_with_202(mail, timeline_client):
    """a valid notification is answered 202 Accepted with the status and the address"""
    response = post(timeline_client)
    expect_status(response, 202, "scheduled work that has not happened yet is answered 202 Accepted")
    expect_json(response, {"status": "scheduled", "email": "ada@example.com"},
                'expected {"status": "scheduled", "email": "ada@example.com"}')


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_invalid_notifications_are_refused(mail, timeline_client):
    """a bad address, an empty or 1001-character message or a missing field is 422; 1000 characters is fine"""
    accepted = post(timeline_client, message="x" * 1000)
    expect(accepted.status_code in (200, 202), f"a message of 1000 characters was answered {accepted.status_code}; "
                                               "it must be accepted (202)")
    for body, what in (({"email": "not-an-address", "message": "hi"}, "an invalid email address"),
                       ({"email": "ada@example.com", "message": ""}, "an empty message"),
                       ({"email": "ada@example.com", "message": "x" * 1001}, "a message of 1001 characters"),
                       ({"email": "ada@example.com"}, "a missing message"),
                       ({"message": "hi"}, "a missing email")):
        response = timeline_client.post("/send-notification", json=body)
        expect_status(response, 422, f"{what} must be refused with 422")
    expect(len(mail) == 1, f"{len(mail)} emails were sent for 1 valid and 5 invalid requests; only the valid "
                           "one may send")


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_email_leaves_after_the_response(mail, events, timeline_client):
    """the email is sent once, after the response has been built (a background task)"""
    post(timeline_client)
    sends = [e for e in events if e[0] == "send"]
    expect(sends, "no email was sent: schedule deliver_notification with background_tasks.add_task(...)")
    expect(len(sends) == 1, f"one notification sent {len(sends)} emails; send it exactly once")
    expect(events[0][0] == "response",
           "the email was sent before the response was built: the route must not send it (nor call "
           "deliver_notification) itself; pass the function and its arguments to background_tasks.add_task")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_email_has_the_right_arguments(student, timeline_client):
    """the given send_email receives the address, SUBJECT and the message, and records it in OUTBOX"""
    student.SEND_DELAY = 0
    post(timeline_client, email="grace@example.org", message="Build 42 passed")
    expected = [{"to": "grace@example.org", "subject": SUBJECT, "body": "Build 42 passed"}]
    expect(same(student.OUTBOX, expected), f"OUTBOX holds {student.OUTBOX!r}; expected {expected!r} "
                                       "(send_email(to=email, subject=SUBJECT, body=message))")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_blocking_send_runs_off_the_event_loop(mail, timeline_client):
    """send_email (which blocks) runs in a worker thread, not on the event loop"""
    post(timeline_client)
    expect(mail, "no email was sent: schedule deliver_notification with background_tasks.add_task(...)")
    expect(not mail[0]["on_loop"], "send_email ran on the event loop's thread, where its blocking wait stalls "
                                   "every other request; make deliver_notification a plain def (Starlette runs "
                                   "it in a thread pool)")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_each_request_sends_its_own_email(mail, events, timeline_client):
    """two notifications send two emails, each to its own address, each after its own response"""
    post(timeline_client, email="ada@example.com", message="first")
    post(timeline_client, email="alan@example.com", message="second")
    got = [(m["to"], m["body"]) for m in mail]
    expect(got == [("ada@example.com", "first"), ("alan@example.com", "second")],
           f"two notifications sent {got!r}; expected one email to each address, with its own message")
    kinds = [e[0] for e in events]
    expect(kinds == ["response", "send", "response", "send"],
           f"the events came in this order: {kinds}; each email must leave after its own response")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_failed_send_is_recorded_and_the_answer_unchanged(student, timeline_client):
    """a send that raises EmailError leaves the answer as it was and is recorded in FAILED_NOTIFICATIONS"""
    student.SEND_DELAY = 0
    normal = post(timeline_client, email="ada@example.com")
    failing_send(student, student.EmailError("mailbox full"))
    response = post(timeline_client, email="ada@example.com")
    expect(response.status_code == normal.status_code and response.content == normal.content,
           f"with a failing send the answer was {response.status_code} {response.text[:80]}; a failed send happens "
           f"after the answer and must not change it ({normal.status_code} {normal.text[:80]})")
    expected = [{"email": "ada@example.com", "error": "mailbox full"}]
    expect(same(student.OUTBOX, [{"to": "ada@example.com", "subject": SUBJECT, "body": "Your report is ready"}]),
           f"OUTBOX holds {student.OUTBOX!r}; the failed send must not be recorded as sent")
    expect(same(student.FAILED_NOTIFICATIONS, expected),
           f"FAILED_NOTIFICATIONS holds {student.FAILED_NOTIFICATIONS!r} after a failed send; expected {expected!r}")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_any_send_error_is_caught_and_logged(student, timeline_client, caplog):
    """any exception from send_email is caught, recorded and logged at ERROR level with the address"""
    failing_send(student, ConnectionRefusedError("smtp server down"))
    with caplog.at_level(logging.ERROR):
        response = post(timeline_client, email="alan@example.com")
    expect(response.status_code in (200, 202), f"with a failing send the answer was {response.status_code}; a failed "
                                               "send happens after the answer and must not change it")
    expected = [{"email": "alan@example.com", "error": "smtp server down"}]
    expect(same(student.FAILED_NOTIFICATIONS, expected),
           f"FAILED_NOTIFICATIONS holds {student.FAILED_NOTIFICATIONS!r} after a connection error; expected "
           f"{expected!r} (catch Exception, not only EmailError)")
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR and "alan@example.com" in r.getMessage()]
    expect(logged, "the failed send was not logged: call logger.error(...) (or logger.exception) naming the "
                   "address, so that someone can see that it failed")
