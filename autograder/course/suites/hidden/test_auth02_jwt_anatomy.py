"""Hidden suite for auth02_jwt_anatomy.

Catches: ``encode_token`` adding, dropping or changing claims, signing with another key
or another algorithm than HS256; ``read_claims`` refusing genuine tokens (made by PyJWT
or by ``encode_token``, with or without ``exp``), or accepting any forgery: an edited
payload with the old signature, a token signed with another key, an ``alg: none`` token,
a token whose header names another algorithm (HS512, same key), a malformed string, an
expired token. A refusal must be one of PyJWT's errors (``jwt.InvalidTokenError`` or a
subclass), not ``ValueError``, ``IndexError`` or a ``None`` return.

Each refusal check first reads a genuine token: a ``read_claims`` that refuses
everything earns nothing for refusing. Implementations by hand (``hmac``, ``base64``)
and with PyJWT are judged alike.
"""

import base64
import json

import jwt
import pytest

from autograder.kit import expect
from autograder.kit.tokens import OTHER_KEY, expired, mint, tampered, unsigned

KEY = "auth02-hidden-suite-signing-key-long-enough-for-hs512-0123456789abcdef"  # 70 bytes
CLAIMS = {"sub": "alice", "role": "reader", "scopes": ["books:read"], "profile": {"name": "Zoë", "age": 36}}


def encode(student, claims, key=KEY):
    try:
        token = student.encode_token(claims, key)
    except Exception as exc:  # noqa: BLE001 - the student's error, reported in one line
        pytest.fail(f"encode_token({claims!r}, key) raised {type(exc).__name__}: {exc}", pytrace=False)
    expect(isinstance(token, str), f"encode_token returned {type(token).__name__}; expected the token as a str")
    return token


def read(student, token, what):
    try:
        return student.read_claims(token, KEY)
    except Exception as exc:  # noqa: BLE001 - the student's error, reported in one line
        pytest.fail(f"read_claims refused {what} ({type(exc).__name__}: {exc}); a token signed with the key "
                    "must be accepted", pytrace=False)


def genuine_is_read(student):
    """Precondition of the refusal checks."""
    token = mint({"sub": "alice", "role": "reader"}, KEY, "HS256")
    claims = read(student, token, "a genuine HS256 token")
    expect(isinstance(claims, dict) and claims.get("sub") == "alice",
           f"read_claims returned {claims!r} for a genuine token; expected its claims (sub 'alice')")


def expect_refused(student, token, what):
    genuine_is_read(student)
    try:
        result = student.read_claims(token, KEY)
    except jwt.PyJWTError:
        return
    except Exception as exc:  # noqa: BLE001 - the student's error, reported in one line
        pytest.fail(f"read_claims raised {type(exc).__name__} for {what}; raise jwt.InvalidTokenError "
                    "(or a subclass) so that callers can catch every bad token in one place", pytrace=False)
    pytest.fail(f"read_claims accepted {what} and returned {result!r}; it must raise jwt.InvalidTokenError",
                pytrace=False)


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_encoded_token_verifies_with_the_key(student):
    """encode_token gives header.payload.signature holding exactly the claims, signed with the key"""
    token = encode(student, CLAIMS)
    expect(token.count(".") == 2, f"encode_token returned {token!r:.60}; a JWT has three parts joined by dots")
    try:
        decoded = jwt.decode(token, KEY, algorithms=["HS256"])
    except jwt.InvalidTokenError as exc:
        pytest.fail(f"the token from encode_token does not verify as HS256 with the key ({exc}); sign the "
                    "header and payload with the key passed in", pytrace=False)
    expect(decoded == CLAIMS, f"the token holds {decoded!r}; expected exactly the claims {CLAIMS!r}")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, OTHER_KEY, algorithms=["HS256"])


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_header_names_hs256(student):
    """the token's header says alg HS256 (and typ JWT when it names a type)"""
    header = jwt.get_unverified_header(encode(student, {"sub": "bob"}))
    expect(header.get("alg") == "HS256", f"the token's header is {header!r}; expected \"alg\": \"HS256\"")
    expect(header.get("typ", "JWT") == "JWT", f"the token's header is {header!r}; typ, when present, is \"JWT\"")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_genuine_tokens_are_read(student):
    """read_claims returns the claims of PyJWT's tokens (with exp) and of encode_token's (without)"""
    with_exp = mint(CLAIMS, KEY, "HS256")
    expected = jwt.decode(with_exp, KEY, algorithms=["HS256"])
    got = read(student, with_exp, "a genuine token made by PyJWT")
    expect(got == expected, f"read_claims returned {got!r}; expected the token's claims {expected!r}")
    round_trip = read(student, encode(student, CLAIMS), "a token made by encode_token (no exp)")
    expect(round_trip == CLAIMS, f"read_claims(encode_token(claims)) returned {round_trip!r}; expected {CLAIMS!r}")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_edited_payload_is_refused(student):
    """a token whose payload was edited (role reader -> admin) under the old signature is refused"""
    token = mint({"sub": "alice", "role": "reader"}, KEY, "HS256")
    expect_refused(student, tampered(token, role="admin"), "a token whose payload was edited (role -> admin)")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_token_signed_with_another_key_is_refused(student):
    """a token signed with another key is refused"""
    expect_refused(student, mint({"sub": "alice"}, OTHER_KEY, "HS256"), "a token signed with another key")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_alg_none_is_refused(student):
    """an 'alg: none' token (no signature at all) is refused"""
    expect_refused(student, unsigned({"sub": "admin"}), "an unsigned 'alg: none' token")
    empty = f"{b64(json.dumps({'alg': 'none'}).encode())}.{b64(json.dumps({'sub': 'admin'}).encode())}."
    expect_refused(student, empty, "an 'alg: none' token without typ and exp")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_other_algorithm_is_refused(student):
    """a token whose header names HS512 (signed with the right key) is refused: the algorithm is pinned"""
    expect_refused(student, mint({"sub": "alice"}, KEY, "HS512"),
                   "a token signed with HS512 (pin algorithms=[ALGORITHM]; never trust the header's alg)")


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_malformed_strings_are_refused(student):
    """strings that are not JWTs are refused with a PyJWT error, not a crash"""
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    for garbage in ("not-a-jwt", "", "a.b.c", f"{header}.!!!.xyz", f"{header}.{b64(b'[1, 2]')}.sig"):
        expect_refused(student, garbage, f"the string {garbage!r}")


@pytest.mark.task(4)
@pytest.mark.points(1)
def test_expired_token_is_refused(student):
    """a correctly signed token whose exp passed an hour ago is refused"""
    expect_refused(student, expired({"sub": "alice"}, KEY, "HS256"), "a token that expired an hour ago")
