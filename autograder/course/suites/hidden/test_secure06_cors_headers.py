"""Hidden suite for secure06_cors_headers.

Catches: unlisted origins allowed (a wildcard, ``null``, look-alike origins), the
wildcard-with-credentials trap (a credentialed request from any site echoed back),
credentials not allowed for the listed origins, a preflight that is not approved for a
listed origin or approved for an unlisted one, and security headers missing on normal
answers or on errors (404, 422). Requests carry an ``Origin`` header as a browser would.
"""

import pytest

from autograder.kit import expect, expect_status

LISTED = ["http://localhost:3000", "https://app.example.com"]
UNLISTED = ["https://evil.example", "null", "https://app.example.com.evil.example", "http://localhost:3001"]
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
}


def allow_origin(response):
    return response.headers.get("access-control-allow-origin")


def listed_origin_is_allowed(client):
    """Precondition of the refusal checks: CORS is on and open to a listed origin."""
    response = client.get("/api/profile", headers={"Origin": LISTED[0]})
    expect(allow_origin(response) == LISTED[0],
           f"a request from the listed origin {LISTED[0]} got Access-Control-Allow-Origin "
           f"{allow_origin(response)!r}; configure CORS for ALLOWED_ORIGINS first")


def preflight(client, origin, method="POST", headers="authorization, content-type"):
    return client.options("/api/items", headers={
        "Origin": origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers})


def normalized(value):
    return "; ".join(part.strip() for part in (value or "").split(";") if part.strip())


def check_security_headers(response, what):
    for name, value in SECURITY_HEADERS.items():
        got = response.headers.get(name)
        expect(got is not None and normalized(got).lower() == normalized(value).lower(),
               f"{what} answered {response.status_code} with {name}: {got!r}; every answer must carry "
               f"{name}: {value}")


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_listed_origins_are_allowed_with_credentials(client):
    """each listed origin is echoed in Access-Control-Allow-Origin, with credentials allowed"""
    for origin in LISTED:
        response = client.get("/api/profile", headers={"Origin": origin})
        expect_status(response, 200, "GET /api/profile must answer 200")
        expect(allow_origin(response) == origin,
               f"a request from the listed origin {origin} got Access-Control-Allow-Origin "
               f"{allow_origin(response)!r}; it must be {origin!r}")
        expect(response.headers.get("access-control-allow-credentials") == "true",
               f"a request from {origin} got Access-Control-Allow-Credentials "
               f"{response.headers.get('access-control-allow-credentials')!r}; the front end sends cookies, "
               "so it must be 'true' (allow_credentials=True)")


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_unlisted_origins_are_not_allowed(client):
    """an origin not in ALLOWED_ORIGINS (null and look-alikes too) gets no Access-Control-Allow-Origin"""
    listed_origin_is_allowed(client)
    for origin in UNLISTED:
        response = client.get("/api/profile", headers={"Origin": origin})
        expect(allow_origin(response) is None,
               f"a request from the unlisted origin {origin!r} got Access-Control-Allow-Origin "
               f"{allow_origin(response)!r}; only the origins in ALLOWED_ORIGINS may be allowed")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_credentialed_request_from_unlisted_origin_is_not_echoed(client):
    """a request with cookies from another site is not echoed back (the '*' plus credentials trap)"""
    listed_origin_is_allowed(client)
    response = client.get("/api/profile", headers={
        "Origin": "https://evil.example", "Cookie": "session=abc123", "Authorization": "Bearer abc123"})
    got = allow_origin(response)
    expect(got is None,
           f"a request with cookies from https://evil.example got Access-Control-Allow-Origin {got!r} and "
           f"Access-Control-Allow-Credentials {response.headers.get('access-control-allow-credentials')!r}: "
           "any site could read the user's data; list the allowed origins instead of using '*'")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_preflight_from_listed_origin_is_approved(client):
    """a preflight for GET or POST with Authorization and Content-Type from a listed origin is approved"""
    origin = LISTED[1]
    for method in ("GET", "POST"):
        # A GET that sends Authorization is preflighted too: it is not a "simple" request.
        response = preflight(client, origin, method)
        expect_status(response, 200,
                      f"a preflight from the listed origin {origin} for {method} must be approved (200)")
    expect(allow_origin(response) == origin,
           f"the preflight from {origin} got Access-Control-Allow-Origin {allow_origin(response)!r}; "
           f"it must be {origin!r}")
    methods = response.headers.get("access-control-allow-methods", "")
    expect({"GET", "POST"} <= {m.strip().upper() for m in methods.split(",")},
           f"the preflight's Access-Control-Allow-Methods is {methods!r}; it must include GET and POST")
    allowed = [h.strip().lower() for h in response.headers.get("access-control-allow-headers", "").split(",")]
    expect("authorization" in allowed and "content-type" in allowed,
           f"the preflight's Access-Control-Allow-Headers is "
           f"{response.headers.get('access-control-allow-headers')!r}; it must include Authorization and Content-Type")
    expect(response.headers.get("access-control-allow-credentials") == "true",
           "the preflight must answer Access-Control-Allow-Credentials: true for a listed origin")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_preflight_from_unlisted_origin_is_not_approved(client):
    """a preflight from an unlisted origin gets no Access-Control-Allow-Origin"""
    expect(allow_origin(preflight(client, LISTED[0])) == LISTED[0],
           f"a preflight from the listed origin {LISTED[0]} was not approved; configure CORS first")
    for origin in ("https://evil.example", "null"):
        got = allow_origin(preflight(client, origin))
        expect(got is None,
               f"a preflight from the unlisted origin {origin!r} got Access-Control-Allow-Origin {got!r}; "
               "the browser would then send the real request")


@pytest.mark.task(3)
@pytest.mark.points(2)
def test_security_headers_on_normal_answers(client):
    """a normal answer carries every security header, with or without an Origin"""
    check_security_headers(client.get("/api/profile"), "GET /api/profile")
    check_security_headers(client.get("/api/profile", headers={"Origin": LISTED[0]}),
                           f"GET /api/profile from {LISTED[0]}")
    check_security_headers(client.post("/api/items", json={"name": "pen"}), "POST /api/items")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_security_headers_on_errors(client):
    """404 and 422 answers carry the security headers too"""
    check_security_headers(client.get("/no/such/page"), "GET /no/such/page (no such route)")
    check_security_headers(client.get("/api/items/999"), "GET /api/items/999 (a missing item)")
    check_security_headers(client.post("/api/items", json={}), "POST /api/items with no name (a 422)")
