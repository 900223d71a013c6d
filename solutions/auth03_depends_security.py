"""One dependency secures a whole router: every ``/admin/...`` route, and nothing else.

The admin routes live on ``admin_router`` (prefix ``/admin``); the public routes are on
the app itself. The routes are given. Clients send ``Authorization: Bearer <token>``;
tokens are signed with ``SECRET_KEY`` using ``ALGORITHM`` and carry ``sub`` (the
username) and ``role``.

Task 1. Write the dependency ``require_admin``. No credentials: 401 with the detail
        ``"Not authenticated"``. A bad token (expired, signed with another key, edited,
        ``alg: none``, not a JWT, or without ``sub``): 401 with the detail
        ``"Invalid token"``. Every 401 carries ``WWW-Authenticate: Bearer``. A valid
        token whose ``role`` is not ``"admin"``: 403 with the detail
        ``"Admin role required"``. Otherwise it returns the token's claims.
Task 2. Attach it once, to the router (``APIRouter(..., dependencies=[...])``), so that
        every route declared on ``admin_router``, those given and any added later,
        requires an admin; ``GET /admin/whoami`` still reads the claims it returned.
Task 3. The public routes (``/``, ``/health``, ``/products``) stay open: no token needed,
        and a bad ``Authorization`` header is ignored there.
"""

from datetime import UTC, datetime, timedelta
from typing import Annotated

import jwt
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Response, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

SECRET_KEY = "auth03-demo-signing-key-replace-me-in-production-0123456789"
ALGORITHM = "HS256"

app = FastAPI()
bearer_scheme = HTTPBearer(auto_error=False)  # None when the header is missing: we answer ourselves

USERS = {"alice": {"role": "admin"}, "bob": {"role": "user"}, "carol": {"role": "user"}}
PRODUCTS = [{"id": 1, "name": "Keyboard"}, {"id": 2, "name": "Mouse"}]


def create_token(username: str, role: str, minutes: float = 15) -> str:
    """What a login endpoint would hand out (given; the checks mint their own tokens)."""
    expires = datetime.now(UTC) + timedelta(minutes=minutes)
    return jwt.encode({"sub": username, "role": role, "exp": expires}, SECRET_KEY, algorithm=ALGORITHM)


# BEGIN SOLUTION
def unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def require_admin(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]) -> dict:
    if credentials is None:  # no Authorization: Bearer header at all
        raise unauthorized("Not authenticated")
    try:
        admin_claims = jwt.decode(credentials.credentials, key=SECRET_KEY, algorithms=[ALGORITHM])
    except jwt.InvalidTokenError:  # expired, another key, edited, alg none, not a JWT
        raise unauthorized("Invalid token") from None
    if not isinstance(admin_claims.get("sub"), str) or not admin_claims["sub"]:
        raise unauthorized("Invalid token")
    if admin_claims.get("role") != "admin":
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Admin role required")
    return admin_claims


# Attached to the router: every route declared on it, now or later, runs require_admin first.
admin_router = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(require_admin)])
# END SOLUTION
# STUB: def require_admin() -> dict:
# STUB:     # TODO (task 1): read the bearer token, answer 401 / 403 as the docstring says, return the claims.
# STUB:     raise NotImplementedError("require_admin() is not written yet")
# STUB:
# STUB:
# STUB: # TODO (task 2): make every route of this router depend on require_admin.
# STUB: admin_router = APIRouter(prefix="/admin", tags=["admin"])


# --- admin routes (given) ----------------------------------------------------------


@admin_router.get("/stats")
def stats() -> dict:
    return {"users": len(USERS), "products": len(PRODUCTS)}


@admin_router.get("/users")
def list_users() -> list[dict]:
    return [{"username": name, **data} for name, data in USERS.items()]


@admin_router.delete("/users/{username}", status_code=status.HTTP_204_NO_CONTENT)
def delete_user(username: str) -> Response:
    if USERS.pop(username, None) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail="User not found")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@admin_router.get("/whoami")
def whoami(admin: Annotated[dict, Depends(require_admin)]) -> dict:
    # The same dependency as the router's: FastAPI runs it once per request and shares the result.
    return {"username": admin["sub"], "role": admin["role"]}


# --- public routes (given) ---------------------------------------------------------


@app.get("/")
def home() -> dict:
    return {"message": "Welcome to the shop"}


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}


@app.get("/products")
def products() -> list[dict]:
    return PRODUCTS


app.include_router(admin_router)
