"""The service's web pages: sign-in, sign-up, the student's page and the instructor's.

Each page is a Jinja template with no data in it: the page's script (a static file: the
Content-Security-Policy allows ``script-src 'self'`` only, no inline script) signs in,
keeps the tokens in ``sessionStorage`` and reads everything from the API with a bearer
token, so the pages hold no state of their own and need no cookie (no CSRF to defend).
What students wrote (names, messages, files) reaches the page only through
``textContent``, never as HTML.

The static files are served from a fixed list made at import, by name: no path from the
URL ever reaches the file system.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from fastapi import APIRouter, HTTPException, status
from fastapi.responses import FileResponse, HTMLResponse

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
MEDIA = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
#: The files /static/ serves: those the package ships, by name.
FILES = {p.name: p for p in STATIC.iterdir() if p.suffix in MEDIA} if STATIC.is_dir() else {}

router = APIRouter(include_in_schema=False)
_env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                          undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
#: Pages are built from the API on every load: never kept by a cache (they are tiny).
NO_STORE = {"Cache-Control": "no-store"}


def render(name: str, **context) -> HTMLResponse:
    return HTMLResponse(_env.get_template(name).render(**context), headers=NO_STORE)


@router.get("/", response_class=HTMLResponse)
async def sign_in() -> HTMLResponse:
    return render("signin.html.j2", title="Sign in", script="signin.js")


@router.get("/signup", response_class=HTMLResponse)
async def sign_up() -> HTMLResponse:
    """The sign-up form; its one-time token is in the URL's fragment, which never reaches a server."""
    return render("signup.html.j2", title="Choose a password", script="signup.js")


@router.get("/student", response_class=HTMLResponse)
async def student() -> HTMLResponse:
    return render("student.html.j2", title="My work", script="student.js")


@router.get("/instructor", response_class=HTMLResponse)
async def instructor() -> HTMLResponse:
    return render("instructor.html.j2", title="Class", script="instructor.js")


@router.get("/static/{name}")
async def static(name: str) -> FileResponse:
    path = FILES.get(name)
    if path is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "no such file")
    return FileResponse(path, media_type=MEDIA[path.suffix], headers={"Cache-Control": "no-cache"})
