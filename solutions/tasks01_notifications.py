"""Background tasks: answer first, send the email afterwards.

Sending an email takes a second or more (an SMTP conversation, an API call to a mail
provider) and the client does not need to wait for it: the answer "your notification is
scheduled" is ready at once. FastAPI's ``BackgroundTasks`` runs a function *after* the
response has been sent, in the same process.

``send_email`` (given) stands for the mail provider: it blocks, like ``smtplib``, and
records each email it sends in ``OUTBOX``. It may raise ``EmailError``.

Task 1. ``POST /send-notification`` takes a JSON body ``{"email": ..., "message": ...}``
        (a valid email address; a message of 1 to 1000 characters) and answers
        ``202 Accepted`` with ``{"status": "scheduled", "email": <the address>}``.
Task 2. The route schedules ``deliver_notification(email, message)`` with
        ``BackgroundTasks`` and never sends anything itself: the email leaves after
        the response is built. ``deliver_notification`` calls
        ``send_email(to=email, subject=SUBJECT, body=message)`` once, off the event
        loop (``send_email`` blocks).
Task 3. A failed send must not change the answer nor crash anything:
        ``deliver_notification`` catches the error, appends
        ``{"email": email, "error": str(exc)}`` to ``FAILED_NOTIFICATIONS`` and logs it,
        naming the address, with ``logger.error`` (or ``logger.exception``).
"""

import logging
import time
from typing import Annotated

from fastapi import BackgroundTasks, FastAPI, status
from pydantic import BaseModel, EmailStr, Field

SUBJECT = "You have a new notification"
SEND_DELAY = 1.0  # seconds a real mail provider takes; the checks make it tiny

OUTBOX: list[dict] = []  # every email that was sent
FAILED_NOTIFICATIONS: list[dict] = []  # every notification that could not be sent
logger = logging.getLogger("notifications")


class EmailError(Exception):
    """The mail provider refused or failed to send a message."""


def send_email(to: str, subject: str, body: str) -> None:
    """Given: send one email (blocking, like smtplib) and record it in OUTBOX."""
    time.sleep(SEND_DELAY)
    OUTBOX.append({"to": to, "subject": subject, "body": body})


class Notification(BaseModel):
    email: EmailStr
    message: Annotated[str, Field(min_length=1, max_length=1000)]


app = FastAPI()


# BEGIN SOLUTION
def deliver_notification(email: str, message: str) -> None:
    """Runs after the response: a plain ``def``, so Starlette runs it in a worker thread."""
    try:
        send_email(to=email, subject=SUBJECT, body=message)
    except Exception as exc:  # noqa: BLE001 - a background task has nobody to report to but us
        FAILED_NOTIFICATIONS.append({"email": email, "error": str(exc)})
        logger.error("could not send the notification to %s: %s", email, exc)


@app.post("/send-notification", status_code=status.HTTP_202_ACCEPTED)
async def send_notification(notification: Notification, background_tasks: BackgroundTasks) -> dict:
    background_tasks.add_task(deliver_notification, notification.email, notification.message)
    return {"status": "scheduled", "email": notification.email}
# END SOLUTION
# STUB: def deliver_notification(email: str, message: str) -> None:
# STUB:     # TODO (tasks 2-3): send the email with send_email(...); on failure record it and log it.
# STUB:     raise NotImplementedError("deliver_notification() is not written yet")
# STUB:
# STUB:
# STUB: @app.post("/send-notification")
# STUB: async def send_notification(notification: Notification, background_tasks: BackgroundTasks) -> dict:
# STUB:     # TODO (tasks 1-2): schedule deliver_notification in the background and answer 202.
# STUB:     raise NotImplementedError("send_notification() is not written yet")
