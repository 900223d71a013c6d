# expected: 0/10
# why: dependencies=[Depends(Security(get_current_user, ...))] makes FastAPI raise AssertionError when the route is defined, so the module never imports (-10)
"""The source's answer (intermediate-fastapi.md, Authentication & Authorization, Q8), kept as written.

The only additions: the course's SECRET_KEY and ALGORITHM constants, which the source
does not need since its ``get_current_user`` never decodes anything.
"""

from fastapi import Depends, FastAPI, HTTPException, Security
from fastapi.security import OAuth2PasswordBearer, SecurityScopes

SECRET_KEY = "source-answer-signing-key-long-enough-0123456789"
ALGORITHM = "HS256"

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")


def get_current_user(security_scopes: SecurityScopes, token: str = Depends(oauth2_scheme)):
    # decode token and fetch user data here
    raise HTTPException(status_code=403, detail="Not authenticated")


app = FastAPI()


@app.get("/items/", dependencies=[Depends(Security(get_current_user, scopes=["items:read"]))])
async def read_items():
    return [{"item": "Foo", "value": "Bar"}]
