"""Public checks for secure08_websocket_auth: greeting, echo, and a missing token."""

import anyio
import pytest
from starlette.websockets import WebSocketDisconnect

from autograder.kit import expect
from autograder.kit.tokens import mint


def receive_text(websocket, what):
    """The next text message, waiting at most 3 s so that a silent server fails instead of hanging."""

    async def within():
        with anyio.fail_after(3.0):
            return await websocket._send_rx.receive()

    try:
        message = websocket.portal.call(within)
    except TimeoutError:
        pytest.fail(f"the server sent nothing when {what} was expected", pytrace=False)
    if message["type"] == "websocket.close":
        raise WebSocketDisconnect(message.get("code", 1000))
    return message.get("text")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_greeting_and_echo(student, client):
    """/ws?token=<valid> greets 'Hello alice' and echoes 'Echo: hi'"""
    token = mint({"sub": "alice"}, student.SECRET_KEY, student.ALGORITHM)
    try:
        with client.websocket_connect(f"/ws?token={token}") as websocket:
            greeting = receive_text(websocket, "the greeting")
            websocket.send_text("hi")
            echo = receive_text(websocket, "the echo")
    except WebSocketDisconnect as exc:
        pytest.fail(f"the connection with a valid token was closed with code {exc.code}", pytrace=False)
    expect(greeting == "Hello alice", f"the greeting was {greeting!r}; expected 'Hello alice'")
    expect(echo == "Echo: hi", f"the echo was {echo!r}; expected 'Echo: hi'")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_missing_token_closes_with_1008(client):
    """/ws without a token is closed with code 1008"""
    try:
        with client.websocket_connect("/ws") as websocket:
            receive_text(websocket, "a close")
        pytest.fail("the connection without a token was accepted; close it with code 1008 first", pytrace=False)
    except WebSocketDisconnect as exc:
        expect(exc.code == 1008, f"the connection was closed with code {exc.code}; expected 1008")
