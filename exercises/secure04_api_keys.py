"""API keys: sent in the X-API-Key header, stored hashed, compared in constant time.

Machine clients (a partner's server, a cron job) authenticate with an API key: a long
random string sent in the ``X-API-Key`` header. The server stores only a digest of each
key, so a leaked database holds no usable key; and it compares digests with a
constant-time comparison, so the time an answer takes reveals nothing about the key.

``API_KEYS`` maps the SHA-256 digest (hex) of each valid key to its client's name. A
fast hash is fine here, unlike for passwords: the keys are random and long (256 bits),
so there is nothing to guess.

Task 1. ``issue_api_key(client)`` makes a new random key with ``secrets``
        (``secrets.token_urlsafe(32)``), stores its digest with the client's name, and
        returns the key itself, which is shown once and never stored.
Task 2. The key is read with ``APIKeyHeader(name="X-API-Key", auto_error=False)`` (so
        it appears in the OpenAPI schema, and a missing key reaches your code as
        ``None`` instead of an answer that depends on the FastAPI version), and checked
        by comparing its digest with every stored digest using ``hmac.compare_digest``
        (or ``secrets.compare_digest``), never ``==`` and never a dict lookup by digest.
Task 3. ``GET /data`` answers ``{"client": <name>, "items": ["alpha", "beta"]}`` for a
        valid key. Without a key it answers 401; with an unknown (or revoked) key 401
        ``"Invalid API key"``; both 401s carry ``WWW-Authenticate: APIKey``. A key sent
        anywhere else (a query parameter, an Authorization header) does not count.
Task 4. ``DELETE /keys/current`` revokes the key it was called with: 204, and that key
        is refused from then on; other keys keep working.
"""

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Security, status
from fastapi.security import APIKeyHeader

API_KEYS: dict[str, str] = {}  # sha256 hex digest of a key -> client name

app = FastAPI()


@app.get("/public")
async def public() -> dict[str, str]:
    return {"message": "anyone may read this"}


def issue_api_key(client: str) -> str:
    # TODO (task 1): make a random key with secrets, store its SHA-256 digest -> client, return the key.
    raise NotImplementedError("issue_api_key() is not written yet")


# TODO (task 2): an APIKeyHeader(name="X-API-Key", auto_error=False) and a dependency comparing digests
#   with hmac.compare_digest; a missing key (None) answers 401 too.
# TODO (task 3): GET /data -> {"client": <name>, "items": ["alpha", "beta"]}; 401 "Invalid API key" otherwise.
# TODO (task 4): DELETE /keys/current revokes the caller's key (204).
