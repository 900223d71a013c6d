"""OpenID Connect: verify an RS256 ID token against the provider's public key.

After an OpenID Connect login, the identity provider (``ISSUER``) hands the client an
**ID token**: a JWT signed with the provider's *private* RSA key (``RS256``), saying who
the user is (``sub``, ``email``), for which application (``aud`` = our client id,
``AUDIENCE``) and until when (``exp``). Our API accepts it as a bearer token and checks
it with the provider's *public* key, ``PUBLIC_KEY`` (a PEM string; in production it is
fetched from the provider's JWKS at startup; the checks set it).

The route ``GET /me`` is given; it calls ``verify_id_token`` and answers 401 when that
raises one of PyJWT's errors (``jwt.PyJWTError``, the base of ``jwt.InvalidTokenError``).
Write ``verify_id_token``.

Task 1. ``verify_id_token(token, public_key)`` returns the token's claims when its
        signature checks out with ``public_key``; a token signed with any other key
        raises ``jwt.InvalidTokenError`` (or a subclass).
Task 2. ``iss`` must be exactly ``ISSUER`` and ``aud`` must be (or contain) ``AUDIENCE``;
        a token for another issuer or another application is refused.
Task 3. ``exp`` is required and must not have passed.
Task 4. Only ``RS256`` is accepted, whatever the token's header says: a token "signed"
        with HS256 using the public key as the HMAC secret (algorithm confusion) is
        refused.
"""

from typing import Annotated

import jwt
from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

ISSUER = "https://id.example.com"
AUDIENCE = "workbook-api"  # our client id at the provider
PUBLIC_KEY: str | None = None  # the provider's RSA public key (PEM); the checks set it

app = FastAPI()


def verify_id_token(token: str, public_key: str) -> dict:
    """The claims of a valid ID token; ``jwt.InvalidTokenError`` for any other token."""
    # BEGIN SOLUTION
    return jwt.decode(
        token,
        public_key,
        algorithms=["RS256"],  # pinned here: never taken from the token's header
        audience=AUDIENCE,
        issuer=ISSUER,
        options={"require": ["exp", "iat", "iss", "aud", "sub"]},
    )
    # END SOLUTION
    # STUB: # TODO (tasks 1-4): decode with PyJWT, checking the signature, iss, aud, exp and the algorithm.
    # STUB: raise NotImplementedError("verify_id_token() is not written yet")


bearer = HTTPBearer(auto_error=False)


@app.get("/me")
async def me(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> dict:
    refused = HTTPException(status.HTTP_401_UNAUTHORIZED, "Invalid ID token", headers={"WWW-Authenticate": "Bearer"})
    if credentials is None or PUBLIC_KEY is None:
        raise refused
    try:
        claims = verify_id_token(credentials.credentials, PUBLIC_KEY)
    except jwt.PyJWTError:  # InvalidTokenError and its subclasses, InvalidKeyError...
        raise refused from None
    return {"sub": claims["sub"], "email": claims.get("email")}
