"""Authentication and authorization with OAuth2 scopes.

*Authentication* answers "who are you?": a valid token signed with ``SECRET_KEY``, naming
the user in ``sub``. *Authorization* answers "may you do this?": the token also lists
the permissions (OAuth2 **scopes**) granted to it, in a ``scopes`` claim, e.g.
``{"sub": "alice", "scopes": ["items:read"], "exp": ...}``. Each route declares the
scopes it needs with ``Security(get_current_user, scopes=[...])``, and the dependency
receives them in a ``SecurityScopes`` parameter.

Task 1. ``get_current_user(security_scopes, token)`` decodes the token. A token that is
        expired, forged, unsigned, malformed, without ``sub`` or ``exp``, or whose
        ``scopes`` claim is not a list, is refused with 401
        ``{"detail": "Could not validate credentials"}``; without a token, 401 as well.
        Every 401 carries ``WWW-Authenticate``: ``Bearer scope="<required scopes>"``
        when the route requires scopes, plain ``Bearer`` otherwise. ``GET /users/me``
        (any valid token) answers ``{"username": <sub>, "scopes": <the token's scopes>}``
        (``[]`` when the token has no ``scopes`` claim).
Task 2. Every scope the route requires must be in the token's ``scopes`` list, exactly
        (``"items:read"``, not ``"items"`` or ``"ITEMS:READ"``); otherwise 403
        ``{"detail": "Not enough permissions"}`` with the same ``WWW-Authenticate``
        header, naming the required scopes.
Task 3. ``GET /items/`` requires ``items:read`` and answers ``ITEMS``; ``POST /items/``
        requires ``items:write``, adds ``{"item", "value", "owner": <username>}`` to
        ``ITEMS`` and answers it with 201. Declare both with
        ``Security(get_current_user, scopes=[...])`` (never ``Depends(Security(...))``,
        and never plain ``Depends``, which drops the scopes), so that the OpenAPI schema
        lists them too.
"""

from typing import Annotated

import jwt
from fastapi import Depends, FastAPI, HTTPException, Security, status
from fastapi.security import OAuth2PasswordBearer, SecurityScopes
from pydantic import BaseModel

SECRET_KEY = "scopes-demo-signing-key-that-is-long-enough-0123456789"
ALGORITHM = "HS256"

oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl="token",
    scopes={"items:read": "Read the items.", "items:write": "Create items."},
)

app = FastAPI()


class Item(BaseModel):
    item: str
    value: str


ITEMS: list[dict] = [{"item": "Foo", "value": "Bar", "owner": "admin"}]


def get_current_user(security_scopes: SecurityScopes, token: Annotated[str, Depends(oauth2_scheme)]) -> dict:
    """The token's user and scopes; 401 for a bad token, 403 for a missing scope."""
    # BEGIN SOLUTION
    if security_scopes.scopes:
        authenticate_value = f'Bearer scope="{security_scopes.scope_str}"'
    else:
        authenticate_value = "Bearer"
    try:
        claims = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]})
    except jwt.InvalidTokenError:  # PyJWT's base class: expired, bad signature, alg none, malformed...
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Could not validate credentials",
                            headers={"WWW-Authenticate": authenticate_value}) from None
    token_scopes = claims.get("scopes", [])
    if not isinstance(token_scopes, list):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Could not validate credentials",
                            headers={"WWW-Authenticate": authenticate_value})
    for scope in security_scopes.scopes:
        if scope not in token_scopes:
            # Authenticated, but not allowed: 403, and the header says which scopes would do.
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Not enough permissions",
                                headers={"WWW-Authenticate": authenticate_value})
    return {"username": claims["sub"], "scopes": token_scopes}
    # END SOLUTION
    # STUB: # TODO (tasks 1-2): decode the token (401 when invalid), then check security_scopes.scopes
    # STUB: # against the token's "scopes" claim (403 when one is missing).
    # STUB: raise NotImplementedError("get_current_user() is not written yet")


# BEGIN SOLUTION
@app.get("/users/me")
async def read_me(user: Annotated[dict, Security(get_current_user)]) -> dict:
    return user


# The route does not use the user: the dependency goes in `dependencies=`, as Security(...).
@app.get("/items/", dependencies=[Security(get_current_user, scopes=["items:read"])])
async def read_items() -> list[dict]:
    return ITEMS


@app.post("/items/", status_code=status.HTTP_201_CREATED)
async def create_item(item: Item, user: Annotated[dict, Security(get_current_user, scopes=["items:write"])]) -> dict:
    record = {**item.model_dump(), "owner": user["username"]}
    ITEMS.append(record)
    return record
# END SOLUTION
# STUB: # TODO (task 1): protect this route with Security(get_current_user) and return the user.
# STUB: @app.get("/users/me")
# STUB: async def read_me() -> dict:
# STUB:     raise NotImplementedError("read_me() is not written yet")
# STUB:
# STUB:
# STUB: # TODO (task 3): require the scope "items:read" with Security(get_current_user, scopes=[...]).
# STUB: @app.get("/items/")
# STUB: async def read_items() -> list[dict]:
# STUB:     raise NotImplementedError("read_items() is not written yet")
# STUB:
# STUB:
# STUB: # TODO (task 3): require "items:write"; add {**item, "owner": <username>} to ITEMS and answer it with 201.
# STUB: @app.post("/items/", status_code=status.HTTP_201_CREATED)
# STUB: async def create_item(item: Item) -> dict:
# STUB:     raise NotImplementedError("create_item() is not written yet")
