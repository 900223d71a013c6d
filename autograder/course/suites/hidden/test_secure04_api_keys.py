"""Hidden suite for secure04_api_keys.

Catches: short, predictable or repeated keys, keys stored in plain text (anywhere in the
module's data), a valid key refused or mapped to the wrong client, a missing or wrong
key accepted, 401s without ``WWW-Authenticate: APIKey`` or with another detail, keys
accepted from a query parameter or an ``Authorization`` header, a header not declared
through ``APIKeyHeader`` (absent from the OpenAPI schema), comparisons made with ``==``
or a dict lookup instead of ``hmac.compare_digest``/``secrets.compare_digest`` (or made
on the raw key), and revocation that does not revoke (or revokes every key).

``hmac.compare_digest`` and ``secrets.compare_digest`` are replaced, before the module is
loaded, by a recorder that notes the calls made from the student's file.
"""

import hmac
import re
import secrets
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from autograder.kit import expect, expect_json, expect_status

ITEMS = ["alpha", "beta"]


def challenge(response):
    """The scheme named by WWW-Authenticate (its first word, lower-cased; parameters may follow)."""
    return re.split(r"[\s,]", response.headers.get("www-authenticate", "").strip(), maxsplit=1)[0].lower()


class ComparisonLog:
    def __init__(self, student_file):
        self.student_file = Path(student_file).resolve()
        self.calls = []
        self.real = hmac.compare_digest

    def compare_digest(self, a, b):
        caller = sys._getframe(1).f_code.co_filename
        if Path(caller).resolve() == self.student_file:
            self.calls.append((a, b))
        return self.real(a, b)


@pytest.fixture
def comparisons(monkeypatch, student_path):
    log = ComparisonLog(student_path)
    monkeypatch.setattr(hmac, "compare_digest", log.compare_digest)
    monkeypatch.setattr(secrets, "compare_digest", log.compare_digest)
    return log


@pytest.fixture
def keyed(comparisons, load_student):
    """The module (loaded after the comparison was replaced) and a client."""
    student = load_student()
    with TestClient(student.app, raise_server_exceptions=False) as client:
        yield student, client


def module_strings(module):
    found, seen = [], set()

    def walk(value, depth):
        if depth > 8 or id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, (bytes, bytearray)):
            found.append(bytes(value).decode("latin-1"))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(key, depth + 1)
                walk(item, depth + 1)
        elif isinstance(value, (list, tuple, set, frozenset)):
            for item in value:
                walk(item, depth + 1)
        elif type(value).__module__ == module.__name__ and hasattr(value, "__dict__"):
            walk(vars(value), depth + 1)

    for name, value in vars(module).items():
        if not name.startswith("__"):
            walk(value, 0)
    return found


def with_key(key):
    return {"X-API-Key": key}


def expect_401_apikey(response, why, detail=None):
    expect_status(response, 401, why)
    expect(challenge(response) == "apikey",
           f"{why}: the 401 must carry WWW-Authenticate: APIKey (it had {response.headers.get('www-authenticate')!r})")
    if detail is not None:
        expect_json(response, {"detail": detail}, f"expected the detail {detail!r}")


def expect_client(client, key, name):
    response = client.get("/data", headers=with_key(key))
    expect_status(response, 200, f"GET /data with {name}'s valid key must answer 200")
    expect_json(response, {"client": name, "items": ITEMS}, f"expected {{'client': {name!r}, 'items': {ITEMS}}}")


def altered(key):
    return key[:-1] + ("A" if key[-1] != "A" else "B")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_issued_keys_are_long_and_random(keyed):
    """issue_api_key returns distinct keys of at least 32 random bytes (43 characters), even for the same client"""
    student, _ = keyed
    keys = [student.issue_api_key("acme") for _ in range(3)] + [student.issue_api_key("globex")]
    expect(all(isinstance(key, str) for key in keys), f"issue_api_key returned {keys[0]!r}; expected a string key")
    expect(len(set(keys)) == 4, "issue_api_key returned the same key twice; make each one with secrets")
    expect(min(len(key) for key in keys) >= 43,
           f"issue_api_key returned a {min(len(key) for key in keys)}-character key; use at least 32 random bytes "
           "(secrets.token_urlsafe(32))")


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_keys_are_stored_hashed(keyed):
    """no issued key appears in the module's data, yet every key works"""
    student, client = keyed
    keys = {"acme": student.issue_api_key("acme"), "globex": student.issue_api_key("globex")}
    stored = module_strings(student)
    for name, key in keys.items():
        expect(not [text for text in stored if key in text or (len(text) >= 24 and text in key)],
               f"{name}'s key is stored as it is (found in your module's data); store only its SHA-256 digest")
    for name, key in keys.items():
        expect_client(client, key, name)


@pytest.mark.task(3)
@pytest.mark.points(2)
def test_valid_keys_identify_their_client(keyed):
    """GET /data answers each valid key with its own client's name"""
    student, client = keyed
    acme, globex = student.issue_api_key("acme"), student.issue_api_key("globex")
    expect_client(client, acme, "acme")
    expect_client(client, globex, "globex")
    second_acme = student.issue_api_key("acme")
    expect_client(client, second_acme, "acme")
    expect_client(client, acme, "acme")
    response = client.get("/data", headers={"x-api-key": globex})
    expect_status(response, 200, "header names are case-insensitive: x-api-key must work like X-API-Key")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_missing_and_wrong_keys_are_401(keyed):
    """no key, a wrong key, or the key sent elsewhere than X-API-Key: 401 with WWW-Authenticate: APIKey"""
    student, client = keyed
    key = student.issue_api_key("acme")
    expect_client(client, key, "acme")
    missing = client.get("/data")
    expect(missing.status_code != 403,
           "GET /data without a key answered 403: APIKeyHeader answers a missing key by itself, 403 before "
           "FastAPI 0.122; use auto_error=False and raise the 401 (with WWW-Authenticate: APIKey) yourself")
    expect_401_apikey(missing, "GET /data without a key")
    expect_401_apikey(client.get("/data", headers=with_key(altered(key))),
                      "GET /data with acme's key with its last character changed", "Invalid API key")
    expect_401_apikey(client.get("/data", headers=with_key(secrets.token_urlsafe(32))),
                      "GET /data with a random key", "Invalid API key")
    expect_401_apikey(client.get("/data", params={"api_key": key}), "GET /data with the key in ?api_key=")
    expect_401_apikey(client.get("/data", headers={"Authorization": f"Bearer {key}"}),
                      "GET /data with the key as a Bearer token")
    expect_401_apikey(client.get("/data", headers={"X-Api-Token": key}), "GET /data with the key in X-Api-Token")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_openapi_declares_the_api_key_header(keyed):
    """the OpenAPI schema declares an apiKey in the header X-API-Key, required by GET /data"""
    student, _ = keyed
    schema = student.app.openapi()
    schemes = schema.get("components", {}).get("securitySchemes", {})
    names = [name for name, scheme in schemes.items()
             if scheme.get("type") == "apiKey" and scheme.get("in") == "header" and scheme.get("name") == "X-API-Key"]
    expect(names, f"the OpenAPI schema declares no apiKey header named X-API-Key (found {schemes}); read the key "
                  "with APIKeyHeader(name=\"X-API-Key\") inside Security(...) or Depends(...)")
    operation = schema.get("paths", {}).get("/data", {}).get("get", {})
    required = [name for requirement in operation.get("security", []) for name in requirement]
    expect(set(names) & set(required), "GET /data does not list the X-API-Key scheme in its OpenAPI security")


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_keys_are_compared_in_constant_time(keyed, comparisons):
    """valid and wrong keys go through compare_digest, on digests rather than the raw key"""
    student, client = keyed
    key = student.issue_api_key("acme")
    student.issue_api_key("globex")
    comparisons.calls.clear()
    expect_client(client, key, "acme")
    expect(comparisons.calls, "checking a valid key made no hmac.compare_digest (or secrets.compare_digest) call; "
                              "compare the digests with it, not with == or a dict lookup")
    comparisons.calls.clear()
    wrong = altered(key)
    expect_status(client.get("/data", headers=with_key(wrong)), 401, "a wrong key must answer 401")
    expect(comparisons.calls, "checking a wrong key made no compare_digest call: a dict lookup by digest decided "
                              "first; compare the presented digest with each stored one using compare_digest")
    raw = [pair for pair in comparisons.calls if wrong in pair or wrong.encode() in pair]
    expect(not raw, "compare_digest was given the raw key; compare digests (the store holds digests only)")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_revoking_a_key(keyed):
    """DELETE /keys/current answers 204 and revokes that key only"""
    student, client = keyed
    acme, globex = student.issue_api_key("acme"), student.issue_api_key("globex")
    expect_401_apikey(client.delete("/keys/current"), "DELETE /keys/current without a key")
    expect_401_apikey(client.delete("/keys/current", headers=with_key(altered(acme))),
                      "DELETE /keys/current with a wrong key", "Invalid API key")
    expect_client(client, acme, "acme")
    response = client.delete("/keys/current", headers=with_key(acme))
    expect_status(response, 204, "revoking your own key must answer 204 No Content")
    expect(response.content == b"", f"a 204 answer must have no body; it had {response.content[:60]!r}")
    expect_401_apikey(client.get("/data", headers=with_key(acme)), "GET /data with a revoked key", "Invalid API key")
    expect_client(client, globex, "globex")
