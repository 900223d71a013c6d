"""Secure a route with a JWT dependency: ``get_current_user`` and ``GET /protected-route``.

Clients send ``Authorization: Bearer <token>``; tokens are signed with ``SECRET_KEY``
using ``ALGORITHM`` and name the user in ``sub``. ``oauth2_scheme`` (given) reads the
header and answers 401 with ``WWW-Authenticate: Bearer`` when it is missing.

Task 1. ``get_current_user`` decodes the bearer token and returns
        ``{"username": <sub>}``; ``GET /protected-route`` depends on it and answers
        ``{"message": "Access granted", "user": {"username": <sub>}}``.
Task 2. A request without an ``Authorization`` header is refused with 401 and
        ``WWW-Authenticate: Bearer``.
Task 3. Every bad token is refused with 401 and ``WWW-Authenticate: Bearer``: an expired
        one with the detail ``"Token has expired"``; one signed with another key, with an
        edited payload, with ``alg: none``, without ``sub``, or not a JWT at all, with
        the detail ``"Invalid token"``. Catch PyJWT's ``jwt.InvalidTokenError``: PyJWT
        has no ``jwt.JWTError`` (that name is python-jose's).
"""

from datetime import UTC, datetime, timedelta
from typing import Annotated

import jwt
from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import OAuth2PasswordBearer

SECRET_KEY = "auth05-demo-signing-key-replace-me-in-production-0123456789"
ALGORITHM = "HS256"

app = FastAPI()
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")


def create_access_token(username: str, minutes: float = 15) -> str:
    """What a login endpoint would hand out (given; the checks mint their own tokens)."""
    expires = datetime.now(UTC) + timedelta(minutes=minutes)
    return jwt.encode({"sub": username, "exp": expires}, SECRET_KEY, algorithm=ALGORITHM)


def get_current_user() -> dict:
    # TODO (task 2): take the bearer token as a parameter, read by oauth2_scheme.
    # TODO (tasks 1 and 3): decode the token, refuse bad ones with 401, return {"username": <sub>}.
    raise NotImplementedError("get_current_user() is not written yet")


@app.get("/protected-route")
async def protected_route(current_user: Annotated[dict, Depends(get_current_user)]) -> dict:
    # TODO (task 1): answer {"message": "Access granted", "user": current_user}.
    raise NotImplementedError("protected_route() is not written yet")
