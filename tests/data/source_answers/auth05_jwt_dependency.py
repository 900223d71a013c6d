# expected: 4/10
# why: except jwt.JWTError (python-jose's name; PyJWT has none) turns every bad token but an expired one into a 500 (-5); the expired 401 lacks WWW-Authenticate (-1)
"""The source's answer (intermediate-fastapi.md, Authentication & Authorization, Q5), kept as written.

The only changes: a key long enough for HS256, so that PyJWT does not warn.
"""

import jwt
from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import OAuth2PasswordBearer

app = FastAPI()
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")
SECRET_KEY = "source-answer-signing-key-long-enough-0123456789"
ALGORITHM = "HS256"


def get_current_user(token: str = Depends(oauth2_scheme)):
    try:
        claims = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM])
        username: str = claims.get("sub")
        if username is None:
            raise HTTPException(status_code=401, detail="Invalid token")  # inside the try
        return {"username": username}
    except jwt.ExpiredSignatureError:
        raise HTTPException(status_code=401, detail="Token has expired")  # no WWW-Authenticate
    except jwt.JWTError:  # AttributeError as soon as Python evaluates this clause
        raise HTTPException(status_code=401, detail="Invalid token")


@app.get("/protected-route")
async def protected_route(current_user: dict = Depends(get_current_user)):
    return {"message": "Access granted", "user": current_user}
