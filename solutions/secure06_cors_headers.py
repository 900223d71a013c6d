"""CORS for listed origins only, and security headers on every answer.

A single-page front end served from ``http://localhost:3000`` (in development) or
``https://app.example.com`` (in production) calls this API from the browser and sends
its cookies along. Browsers only let a page read a cross-origin answer when the API says
so with CORS headers; every other site must be refused.

Task 1. Answers to the origins in ``ALLOWED_ORIGINS`` carry
        ``Access-Control-Allow-Origin: <that origin>`` and
        ``Access-Control-Allow-Credentials: true``. Any other origin (including ``null``
        and look-alikes such as ``https://app.example.com.evil.example``) gets no
        ``Access-Control-Allow-Origin`` at all, even when the request carries cookies.
        (``allow_origins=["*"]`` with ``allow_credentials=True`` is the classic mistake:
        Starlette then echoes *every* origin back.)
Task 2. Preflight requests (``OPTIONS`` with ``Origin`` and
        ``Access-Control-Request-Method``) from a listed origin are approved for the
        methods ``GET`` and ``POST`` and the request headers ``Authorization`` and
        ``Content-Type``; preflights from other origins are not approved.
Task 3. Every answer, errors included (404, 422), carries the headers of
        ``SECURITY_HEADERS`` with exactly those values.
"""

from fastapi import FastAPI, HTTPException
from fastapi.middleware.cors import CORSMiddleware
from pydantic import BaseModel

ALLOWED_ORIGINS = ["http://localhost:3000", "https://app.example.com"]

# The security headers an API answering JSON can always send.
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",  # never guess a content type from the bytes
    "X-Frame-Options": "DENY",  # never render inside a frame (clickjacking)
    "Referrer-Policy": "no-referrer",  # never leak this URL to the next site
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",  # load nothing
}

app = FastAPI()

ITEMS: dict[int, dict] = {1: {"id": 1, "name": "notebook"}}


class NewItem(BaseModel):
    name: str


@app.get("/api/profile")
async def profile() -> dict:
    return {"user": "demo", "theme": "dark"}


@app.get("/api/items/{item_id}")
async def read_item(item_id: int) -> dict:
    if item_id not in ITEMS:
        raise HTTPException(status_code=404, detail="Item not found")
    return ITEMS[item_id]


@app.post("/api/items", status_code=201)
async def create_item(item: NewItem) -> dict:
    new_id = max(ITEMS, default=0) + 1
    ITEMS[new_id] = {"id": new_id, "name": item.name}
    return ITEMS[new_id]


# BEGIN SOLUTION
app.add_middleware(
    CORSMiddleware,
    allow_origins=ALLOWED_ORIGINS,  # an explicit list: never "*" together with credentials
    allow_credentials=True,
    allow_methods=["GET", "POST"],
    allow_headers=["Authorization", "Content-Type"],
)


# Added after CORSMiddleware, so it wraps it: preflight answers get the headers too.
@app.middleware("http")
async def add_security_headers(request, call_next):
    response = await call_next(request)
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
# END SOLUTION
# STUB: # TODO (tasks 1-2): add CORSMiddleware for ALLOWED_ORIGINS (with credentials,
# STUB: # methods GET and POST, headers Authorization and Content-Type).
# STUB: # TODO (task 3): add a middleware that puts SECURITY_HEADERS on every answer.
