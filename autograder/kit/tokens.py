"""Tokens for the security suites: good ones, and every kind of forgery.

Suites mint tokens with the student's own ``SECRET_KEY`` and ``ALGORITHM`` and check
that each attack is refused: a tampered payload, a foreign key, ``alg: none``, an
expired token, a token without ``sub``.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

OTHER_KEY = "a-completely-different-key-of-at-least-32-bytes!!"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def now() -> datetime:
    return datetime.now(UTC)


def mint(claims: dict[str, Any], key: str, algorithm: str = "HS256", *, minutes: float | None = 15) -> str:
    """A correctly signed token; ``exp`` is set ``minutes`` from now unless None."""
    payload = dict(claims)
    if minutes is not None and "exp" not in payload:
        payload["exp"] = now() + timedelta(minutes=minutes)
    return jwt.encode(payload, key, algorithm=algorithm)


def expired(claims: dict[str, Any], key: str, algorithm: str = "HS256") -> str:
    """Signed correctly, but its ``exp`` passed an hour ago."""
    return mint({**claims, "exp": now() - timedelta(hours=1)}, key, algorithm, minutes=None)


def foreign(claims: dict[str, Any], algorithm: str = "HS256") -> str:
    """Well formed, signed with a key the app does not know."""
    return mint(claims, OTHER_KEY, algorithm)


def unsigned(claims: dict[str, Any]) -> str:
    """The ``alg: none`` attack: a token with no signature at all."""
    payload = dict(claims)
    payload.setdefault("exp", int((now() + timedelta(minutes=15)).timestamp()))
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    body = _b64(json.dumps(payload, default=str).encode())
    return f"{header}.{body}."


def tampered(token: str, **changes: Any) -> str:
    """The token with its payload edited (``sub="admin"``) and the old signature kept."""
    header, payload, signature = token.split(".")
    padded = payload + "=" * (-len(payload) % 4)
    claims = json.loads(base64.urlsafe_b64decode(padded))
    claims.update(changes)
    return f"{header}.{_b64(json.dumps(claims).encode())}.{signature}"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
