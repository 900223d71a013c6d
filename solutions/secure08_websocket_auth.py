"""A WebSocket that checks its token before accepting, greets, and echoes.

Clients connect to ``/ws?token=<JWT>``: the token travels in the query parameter
``token``, never in the path (a path segment cannot be told apart from the route, so no
log filter can redact it). Tokens are signed with ``SECRET_KEY`` and ``ALGORITHM`` and
name the user in ``sub``.

Task 1. ``/ws`` verifies the token *before* ``websocket.accept()``. With a valid token it
        accepts and sends ``"Hello <username>"`` (the token's ``sub``).
Task 2. Then it echoes: every text message comes back as ``"Echo: <message>"``, in
        order, until the client leaves. A client leaving is normal: the handler ends
        without an error.
Task 3. A missing, malformed, expired or forged token, or one without a ``sub``, closes
        the handshake with code 1008 (policy violation) and is never accepted.
"""

from datetime import UTC, datetime, timedelta

import jwt
from fastapi import FastAPI, WebSocket, WebSocketDisconnect, status

SECRET_KEY = "websocket-demo-signing-key-that-is-long-enough-0123456789"
ALGORITHM = "HS256"
TOKEN_MINUTES = 5  # socket tokens should be short-lived: they travel in a URL

app = FastAPI()


def create_token(username: str, minutes: float = TOKEN_MINUTES) -> str:
    """What a login endpoint would hand out (given; the checks mint their own tokens)."""
    expires = datetime.now(UTC) + timedelta(minutes=minutes)
    return jwt.encode({"sub": username, "exp": expires}, SECRET_KEY, algorithm=ALGORITHM)


# BEGIN SOLUTION
def username_from(token: str | None) -> str | None:
    """The verified ``sub`` of ``token``, or None when the token is missing or bad."""
    if not token:
        return None
    try:
        socket_claims = jwt.decode(token, key=SECRET_KEY, algorithms=[ALGORITHM])
    except jwt.InvalidTokenError:  # PyJWT's base class: expired, bad signature, malformed...
        return None
    subject = socket_claims.get("sub")
    return subject if isinstance(subject, str) and subject else None


@app.websocket("/ws")
async def websocket_endpoint(websocket: WebSocket, token: str | None = None):
    username = username_from(token)
    if username is None:
        # Closing before accept() refuses the handshake; the client never gets a socket.
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    await websocket.accept()
    await websocket.send_text(f"Hello {username}")
    try:
        while True:
            message = await websocket.receive_text()
            await websocket.send_text(f"Echo: {message}")
    except WebSocketDisconnect:
        pass  # the client left: nothing to clean up
# END SOLUTION
# STUB: @app.websocket("/ws")
# STUB: async def websocket_endpoint(websocket: WebSocket, token: str | None = None):
# STUB:     # TODO (task 3): verify `token` first; close with code 1008 if it is missing or bad.
# STUB:     # TODO (tasks 1-2): accept, greet with "Hello <username>", then echo "Echo: <message>".
# STUB:     raise NotImplementedError("websocket_endpoint() is not written yet")
