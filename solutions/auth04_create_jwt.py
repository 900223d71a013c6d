"""Create a JWT that expires: ``create_jwt_token(payload, secret_key, algorithm, expires_in_minutes)``.

A login endpoint hands out tokens that stop working after a while. The expiry travels
inside the token as the registered claim ``exp``: a NumericDate, the number of seconds
since 1970-01-01 UTC. PyJWT turns a ``datetime`` in ``exp`` into that number for you,
and refuses the token once that moment has passed.

Task 1. ``create_jwt_token(payload, secret_key, algorithm, expires_in_minutes)`` returns
        a signed JWT (a ``str``) holding every claim of ``payload`` plus ``exp``, signed
        with ``secret_key`` using the algorithm the caller names (``"HS256"``,
        ``"HS384"``, ``"HS512"``...), never a fixed one.
Task 2. ``exp`` is ``expires_in_minutes`` minutes from now, computed from an aware UTC
        time (``datetime.now(timezone.utc)``), never from the naive, deprecated
        ``datetime.utcnow()`` nor from local time. An ``exp`` already in ``payload`` is
        replaced by the computed one.
Task 3. The caller's ``payload`` dict is left exactly as it was (no ``exp`` added to it).
"""

from datetime import UTC, datetime, timedelta

import jwt


def create_jwt_token(payload: dict, secret_key: str, algorithm: str, expires_in_minutes: int) -> str:
    """A JWT of ``payload`` that expires ``expires_in_minutes`` minutes from now."""
    # BEGIN SOLUTION
    expires_at = datetime.now(UTC) + timedelta(minutes=expires_in_minutes)
    claims = {**payload, "exp": expires_at}  # a new dict: the caller's stays untouched
    return jwt.encode(claims, secret_key, algorithm=algorithm)
    # END SOLUTION
    # STUB: # TODO (tasks 1-3): copy the payload, add an aware "exp", sign it with secret_key and algorithm.
    # STUB: raise NotImplementedError("create_jwt_token() is not written yet")
