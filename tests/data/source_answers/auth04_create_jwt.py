# expected: 8/10
# why: exp comes from the naive datetime.utcnow() (-2); its value, the claims, the algorithm and the caller's dict are right
"""The source's answer (intermediate-fastapi.md, Authentication & Authorization, Q4)."""

from datetime import datetime, timedelta

import jwt


def create_jwt_token(payload: dict, secret_key: str, algorithm: str, expires_in_minutes: int):
    claims = payload.copy()
    expires = datetime.utcnow() + timedelta(minutes=expires_in_minutes)  # naive, deprecated since 3.12
    claims.update({"exp": expires})
    return jwt.encode(claims, secret_key, algorithm=algorithm)
