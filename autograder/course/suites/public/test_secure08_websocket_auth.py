"""Public checks for secure08_websocket_auth: the greeting, the echo, and a missing token."""

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
def test_greeting(student, client):
    """/ws?token=<valid> is accepted and greets 'Hello alice'"""
    token = mint({"sub": "alice"}, student.SECRET_KEY, student.ALGORITHM)
    try:
        with client.websocket_connect(f"/ws?token={token}") as websocket:
            greeting = receive_text(websocket, "the greeting")
    except WebSocketDisconnect as exc:
        pytest.fail(f"the connection with a valid token was closed with code {exc.code}", pytrace=False)
    expect(greeting == "Hello alice", f"the greeting was {greeting!r}; expected 'Hello alice'")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_echo(student, client):
    """after any greeting, 'hi' and 'there' come back as 'Echo: hi' and 'Echo: there'"""
    token = mint({"sub": "alice"}, student.SECRET_KEY, student.ALGORITHM)
    try:
        with client.websocket_connect(f"/ws?token={token}") as websocket:
            websocket.send_text("hi")
            first = receive_text(websocket, "the echo of 'hi'")
            if first is not None and not first.startswith("Echo:"):  # the greeting (task 1)
                first = receive_text(websocket, "the echo of 'hi'")
            websocket.send_text("there")
            second = receive_text(websocket, "the echo of 'there'")
    except WebSocketDisconnect as exc:
        pytest.fail(f"the connection was closed with code {exc.code} before echoing", pytrace=False)
    expect([first, second] == ["Echo: hi", "Echo: there"],
           f"the echoes were {[first, second]!r}; expected ['Echo: hi', 'Echo: there']")


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
