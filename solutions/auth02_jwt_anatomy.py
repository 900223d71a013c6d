"""JWT anatomy: a header, a payload and a signature, and what checking one means.

A JWT is three base64url strings joined by dots: a header naming the algorithm, the
payload (the claims, readable by anyone: it is encoded, not encrypted) and a signature
over the first two. Only a holder of the key can make a signature that verifies, so a
server that checks it knows the claims are the ones it issued. Use PyJWT, or build the
parts by hand with ``json``, ``base64`` and ``hmac`` as the lesson does; both pass.

Task 1. ``encode_token(claims, key)`` returns an ``ALGORITHM`` (HS256) token of exactly
        ``claims`` (nothing added, nothing lost), signed with ``key``; its header says
        ``"alg": "HS256"``.
Task 2. ``read_claims(token, key)`` returns the claims of a token signed with ``key``,
        whoever made it (``encode_token`` or any JWT library).
Task 3. ``read_claims`` raises ``jwt.InvalidTokenError`` (PyJWT's base class; any of its
        subclasses will do) for a token whose payload was edited, a token signed with
        another key, an ``alg: none`` token, a token whose header names another
        algorithm than ``ALGORITHM``, and a string that is not a JWT at all.
Task 4. ``read_claims`` also refuses (``jwt.InvalidTokenError``) a token whose ``exp``
        has passed; a token without ``exp`` is accepted.
"""

import jwt

ALGORITHM = "HS256"


def encode_token(claims: dict, key: str) -> str:
    """An HS256 JWT of ``claims`` signed with ``key``."""
    # BEGIN SOLUTION
    return jwt.encode(claims, key, algorithm=ALGORITHM)
    # END SOLUTION
    # STUB: # TODO (task 1): sign the claims with key, using ALGORITHM.
    # STUB: raise NotImplementedError("encode_token() is not written yet")


def read_claims(token: str, key: str) -> dict:
    """The claims of ``token`` if it was signed with ``key``; ``jwt.InvalidTokenError`` otherwise."""
    # BEGIN SOLUTION
    # algorithms= pins what this server accepts: the token's own header is never trusted,
    # so "alg": "none" or another algorithm is refused. PyJWT also checks exp when present.
    return jwt.decode(token, key, algorithms=[ALGORITHM])
    # END SOLUTION
    # STUB: # TODO (tasks 2-4): verify the signature with key, accept only ALGORITHM, refuse expired tokens.
    # STUB: raise NotImplementedError("read_claims() is not written yet")
