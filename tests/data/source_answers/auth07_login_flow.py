# expected: 1/10
# why: pwd_context and datetime are never imported, so every login is a NameError (-7); except jwt.JWTError (PyJWT has none) makes forged and sub-less tokens a 500 and /protected never looks the user up (-2); only the hashed store earns its point
"""The source's answer (intermediate-fastapi.md, Authentication & Authorization, Q7), kept as written.

The only changes: a key long enough for HS256, so that PyJWT does not warn, and the
course's ``add_user`` helper. The source's ``fake_user_db`` holds a bcrypt hash made
elsewhere; ``add_user`` makes such hashes with bcrypt directly, since the module itself
has no working ``pwd_context`` to make them with.
"""

from datetime import timedelta

import bcrypt
import jwt
from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm

app = FastAPI()
SECRET_KEY = "source-answer-signing-key-long-enough-0123456789"
ALGORITHM = "HS256"
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")

fake_user_db = {}


def add_user(username, password, **fields):
    hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()  # cost 4: a quick check
    fake_user_db[username] = {"username": username, "hashed_password": hashed, **fields}


def authenticate_user(username: str, password: str):
    user = fake_user_db.get(username)
    if not user:
        return False  # returns at once: no verification for unknown users
    if not pwd_context.verify(password, user["hashed_password"]):  # noqa: F821 - never imported or defined
        return False
    return user


def create_access_token(data: dict, expires_delta: timedelta):
    to_encode = data.copy()
    expire = datetime.utcnow() + expires_delta  # noqa: F821 - only timedelta is imported
    to_encode.update({"exp": expire})
    return jwt.encode(to_encode, SECRET_KEY, algorithm=ALGORITHM)


@app.post("/token")
async def login_for_access_token(form_data: OAuth2PasswordRequestForm = Depends()):
    user = authenticate_user(form_data.username, form_data.password)
    if not user:
        raise HTTPException(status_code=401, detail="Incorrect username or password")  # no WWW-Authenticate
    access_token = create_access_token(data={"sub": user["username"]}, expires_delta=timedelta(minutes=30))
    return {"access_token": access_token, "token_type": "bearer"}


@app.get("/protected")
async def read_protected(token: str = Depends(oauth2_scheme)):
    try:
        payload = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM])
        username: str = payload.get("sub")
        if username is None:
            raise HTTPException(status_code=401, detail="Invalid token")  # inside the try
        return {"user": username}  # the user is never looked up
    except jwt.ExpiredSignatureError:
        raise HTTPException(status_code=401, detail="Token has expired")  # no WWW-Authenticate
    except jwt.JWTError:  # AttributeError as soon as Python evaluates this clause
        raise HTTPException(status_code=401, detail="Invalid token")
