"""Public checks for secure06_cors_headers: one allowed origin, one refused, one header set."""

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


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_security_headers_present(client):
    """GET /api/profile carries X-Content-Type-Options: nosniff and X-Frame-Options: DENY"""
    response = client.get("/api/profile")
    expect(response.headers.get("x-content-type-options") == "nosniff",
           f"X-Content-Type-Options was {response.headers.get('x-content-type-options')!r}; expected 'nosniff'")
    expect(response.headers.get("x-frame-options") == "DENY",
           f"X-Frame-Options was {response.headers.get('x-frame-options')!r}; expected 'DENY'")
