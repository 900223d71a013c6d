"""Public checks for secure06_cors_headers: one allowed origin, one refused, a preflight, the security headers."""

import pytest

from autograder.kit import expect


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_listed_origin_is_allowed(client):
    """http://localhost:3000 gets Access-Control-Allow-Origin with credentials"""
    response = client.get("/api/profile", headers={"Origin": "http://localhost:3000"})
    expect(response.headers.get("access-control-allow-origin") == "http://localhost:3000",
           f"Access-Control-Allow-Origin was {response.headers.get('access-control-allow-origin')!r}; "
           "expected 'http://localhost:3000'")
    expect(response.headers.get("access-control-allow-credentials") == "true",
           "Access-Control-Allow-Credentials must be 'true'")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_other_origin_is_refused(client):
    """https://evil.example gets no Access-Control-Allow-Origin"""
    ok = client.get("/api/profile", headers={"Origin": "http://localhost:3000"})
    expect(ok.headers.get("access-control-allow-origin") == "http://localhost:3000",
           "configure CORS for ALLOWED_ORIGINS first: the listed origin was not allowed")
    response = client.get("/api/profile", headers={"Origin": "https://evil.example"})
    expect(response.headers.get("access-control-allow-origin") is None,
           f"https://evil.example got Access-Control-Allow-Origin "
           f"{response.headers.get('access-control-allow-origin')!r}; it must get none")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_preflight_from_a_listed_origin(client):
    """a preflight for POST with Authorization from http://localhost:3000 is approved; DELETE is not"""
    asked = {"Origin": "http://localhost:3000", "Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "authorization, content-type"}
    response = client.options("/api/items", headers=asked)
    expect(response.status_code == 200, f"the preflight for POST answered {response.status_code}; expected 200")
    methods = response.headers.get("access-control-allow-methods", "")
    expect("POST" in methods, f"Access-Control-Allow-Methods was {methods!r}; it must list POST")
    allowed = response.headers.get("access-control-allow-headers", "").lower()
    expect("authorization" in allowed, f"Access-Control-Allow-Headers was {allowed!r}; it must list Authorization")
    refused = client.options("/api/items", headers={**asked, "Access-Control-Request-Method": "DELETE"})
    expect(refused.status_code != 200, "a preflight for DELETE was approved: allow only GET and POST")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_security_headers_present(client):
    """GET /api/profile, and a 404, carry X-Content-Type-Options: nosniff and X-Frame-Options: DENY"""
    missing = client.get("/api/items/999")
    expect(missing.headers.get("x-content-type-options") == "nosniff",
           "a 404 answer lacks X-Content-Type-Options: add the headers in a middleware, so errors get them too")
    response = client.get("/api/profile")
    expect(response.headers.get("x-content-type-options") == "nosniff",
           f"X-Content-Type-Options was {response.headers.get('x-content-type-options')!r}; expected 'nosniff'")
    expect(response.headers.get("x-frame-options") == "DENY",
           f"X-Frame-Options was {response.headers.get('x-frame-options')!r}; expected 'DENY'")
