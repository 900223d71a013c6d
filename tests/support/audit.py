"""The audit's sample solution: a module with markers, an answer to mutate and code around it."""

SAMPLE = '''"""A sample module: nothing here is mutated but the answer."""
import asyncio
from typing import Annotated

import jwt
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Security, status

LATENCY = 1.0
app = FastAPI()

# BEGIN SOLUTION
def current(token: Annotated[str, Depends(scheme)]) -> dict:
    """Docstrings are never mutated."""
    claims = jwt.decode(token, KEY, algorithms=["HS256", "HS384"], options={"require": ["exp"]})
    if claims.get("n", 0) > 3 and not claims.get("ok"):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="Invalid token",
                            headers={"WWW-Authenticate": "Bearer", "X-Why": "bad"})
    return claims


router = APIRouter(dependencies=[Depends(current), Depends(audit_me)])


@app.get("/items", status_code=404)
async def items(user: dict = Depends(current), admin=Security(current, scopes=["read", "write"])) -> list:
    await asyncio.sleep(LATENCY)
    first, second = await asyncio.gather(one(), two())
    total = await asyncio.to_thread(crunch, first)
    flag = True
    return [limit("5/minute"), total]
# END SOLUTION


def given():
    return LATENCY + 1
'''
