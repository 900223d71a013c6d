"""Hidden suite for secure08_websocket_auth.

Catches: no greeting (or the wrong one) for a valid token, the token read from the path
instead of the ``token`` query parameter, a broken echo, an error when the client leaves,
and every bad token (missing, signed with another key, expired, ``alg: none``, tampered,
without ``sub``) accepted, or refused with another code than 1008, or refused only
after ``accept()``. Starlette's test client raises ``WebSocketDisconnect`` from
``websocket_connect`` when the app closes the handshake before accepting.

Each refusal check first connects with a valid token: a server that refuses everyone
earns nothing for refusing. Receiving is bounded (``WAIT`` seconds) so that a server that never sends the expected
message fails the check instead of hanging it; a correct server answers at once.
"""

from contextlib import contextmanager, suppress

import anyio
import pytest
from starlette.websockets import WebSocketDisconnect

from autograder.kit import expect
from autograder.kit.tokens import expired, foreign, mint, tampered, unsigned

POLICY_VIOLATION = 1008
WAIT = 3.0  # seconds: a guard against a silent server, not a speed limit


def url(token=None):
    return "/ws" if token is None else f"/ws?token={token}"


def good_token(student, username="alice"):
    return mint({"sub": username}, student.SECRET_KEY, student.ALGORITHM)


def open_session(client, token, what):
    """Connect; a refused handshake fails the test."""
    connection = client.websocket_connect(url(token))
    try:
        return connection, connection.__enter__()
    except WebSocketDisconnect as exc:
        pytest.fail(f"connecting to /ws?token=... with {what} was refused with code {exc.code}; a valid "
                    "token must be accepted (read it from the `token` query parameter, not the path)",
                    pytrace=False)


@contextmanager
def session(client, token, what):
    """An accepted connection; a disconnect raised by the app when the client leaves is ignored here."""
    connection, websocket = open_session(client, token, what)
    try:
        yield websocket
    finally:
        try:
            connection.__exit__(None, None, None)
        except WebSocketDisconnect:
            pass  # judged by test_client_leaving_is_clean


def next_message(websocket):
    """The server's next message, or None when it sent nothing within WAIT seconds."""

    async def within():
        with anyio.fail_after(WAIT):
            return await websocket._send_rx.receive()

    try:
        return websocket.portal.call(within)
    except TimeoutError:
        return None


def receive(websocket, what):
    message = next_message(websocket)
    if message is None:
        pytest.fail(f"the server sent nothing when {what} was expected", pytrace=False)
    if message["type"] == "websocket.close":
        pytest.fail(f"the server closed the socket (code {message.get('code', 1000)}) instead of sending {what}",
                    pytrace=False)
    return message.get("text", message.get("bytes"))


def valid_token_is_accepted(student, client):
    """Precondition of the refusal checks: a server that refuses everyone earns nothing for refusing."""
    with session(client, good_token(student, "alice"), "alice's valid token") as websocket:
        receive(websocket, "the greeting")


def expect_refused(student, client, token, what):
    valid_token_is_accepted(student, client)
    try:
        with client.websocket_connect(url(token)) as websocket:
            next_message(websocket)
            pytest.fail(f"a connection with {what} was accepted; verify the token before websocket.accept() "
                        "and close with code 1008", pytrace=False)
    except WebSocketDisconnect as exc:
        expect(exc.code == POLICY_VIOLATION,
               f"a connection with {what} was closed with code {exc.code}; a bad token must close with 1008 "
               "(policy violation)")


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_valid_token_is_greeted(student, client):
    """a valid token in ?token= is accepted and greeted with 'Hello <sub>'"""
    with session(client, good_token(student, "alice"), "alice's valid token") as websocket:
        greeting = receive(websocket, "the greeting")
    expect(greeting == "Hello alice", f"alice's first message was {greeting!r}; expected 'Hello alice'")


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_messages_are_echoed_in_order(student, client):
    """after the greeting, each message comes back as 'Echo: <message>'"""
    with session(client, good_token(student, "bob"), "bob's valid token") as websocket:
        receive(websocket, "the greeting")
        for message in ("one", "two", "three words here"):
            websocket.send_text(message)
            answer = receive(websocket, f"the echo of {message!r}")
            expect(answer == f"Echo: {message}", f"sending {message!r} brought back {answer!r}; "
                                                 f"expected 'Echo: {message}'")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_client_leaving_is_clean(student, client):
    """the handler ends without an error when the client disconnects"""
    connection, websocket = open_session(client, good_token(student), "a valid token")
    try:
        receive(websocket, "the greeting")
        websocket.send_text("bye")
        receive(websocket, "the echo")
    except BaseException:
        with suppress(WebSocketDisconnect):
            connection.__exit__(None, None, None)
        raise
    try:
        connection.__exit__(None, None, None)
    except WebSocketDisconnect as exc:
        pytest.fail(f"when the client left, the handler raised WebSocketDisconnect (code {exc.code}); catch it "
                    "and end the loop", pytrace=False)


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_missing_token_is_refused(student, client):
    """a connection without a token is closed with 1008 before being accepted"""
    expect_refused(student, client, None, "no token")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_token_signed_with_another_key_is_refused(student, client):
    """a token signed with a key the app does not know is refused with 1008"""
    expect_refused(student, client, foreign({"sub": "alice"}, student.ALGORITHM), "a token signed with another key")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_expired_token_is_refused(student, client):
    """an expired token is refused with 1008"""
    old_token = expired({"sub": "alice"}, student.SECRET_KEY, student.ALGORITHM)
    expect_refused(student, client, old_token, "an expired token")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_forged_tokens_are_refused(student, client):
    """an 'alg: none' token, a tampered token and a malformed string are refused with 1008"""
    expect_refused(student, client, unsigned({"sub": "alice"}), "an unsigned ('alg: none') token")
    expect_refused(student, client, tampered(good_token(student, "alice"), sub="admin"), "a tampered token")
    expect_refused(student, client, "not-a-jwt", "the string 'not-a-jwt' as token")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_token_without_sub_is_refused(student, client):
    """a correctly signed token that names no user (no sub, or an empty one) is refused with 1008"""
    no_sub = mint({"role": "user"}, student.SECRET_KEY, student.ALGORITHM)
    expect_refused(student, client, no_sub, "a token without 'sub'")
    empty_sub = mint({"sub": ""}, student.SECRET_KEY, student.ALGORITHM)
    expect_refused(student, client, empty_sub, "a token whose 'sub' is empty (it names no user)")
