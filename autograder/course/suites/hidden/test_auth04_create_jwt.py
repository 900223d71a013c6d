"""Hidden suite for auth04_create_jwt.

Catches: claims lost or changed, a token signed with a fixed key or a fixed algorithm
(HS384 and HS512 must be honoured), ``exp`` off by more than a few seconds (minutes
taken as seconds or hours, local time instead of UTC), a naive ``datetime`` in ``exp``
(``datetime.utcnow()``, the source's answer, deprecated since Python 3.12), an ``exp``
already in the payload winning over the computed one, and the caller's dict mutated.

No clock is waited on: each ``exp`` is compared with the real clock read just before
and just after the call (a margin of 2 s). The value checks run with the process's
local time zone set to UTC+05:30, so a time taken in local time, or a naive datetime
turned into a timestamp, is hours off. A spy around ``jwt.encode`` records the ``exp``
it is given, which shows a naive datetime even where PyJWT would encode it correctly.
"""

import copy
import os
import time
import warnings
from datetime import datetime

import jwt
import pytest

from autograder.kit import expect

KEY = "auth04-hidden-suite-signing-key-long-enough-for-hs512-0123456789abcdef"  # 70 bytes
OTHER_KEY = "another-signing-key-the-token-must-not-verify-with-0123456789abcdef"
MARGIN = 2  # seconds
SHIFTED_ZONE = "IST-05:30"  # POSIX TZ: local time is UTC+05:30


def create(student, payload, algorithm="HS256", minutes=30, key=KEY):
    """Call the student's function; any exception fails the test with one readable line."""
    try:
        token = student.create_jwt_token(payload, key, algorithm, minutes)
    except Exception as exc:  # noqa: BLE001 - the student's error, reported in one line
        pytest.fail(f"create_jwt_token({payload!r}, key, {algorithm!r}, {minutes}) raised "
                    f"{type(exc).__name__}: {exc}", pytrace=False)
    expect(isinstance(token, str), f"create_jwt_token returned {type(token).__name__} {token!r:.60}; "
                                   "expected the token as a str (what jwt.encode returns)")
    return token


def claims_of(token, algorithm="HS256", key=KEY, verify_exp=True):
    try:
        return jwt.decode(token, key, algorithms=[algorithm], options={"verify_exp": verify_exp})
    except jwt.InvalidTokenError as exc:
        pytest.fail(f"the token did not verify with the caller's key and {algorithm} "
                    f"({type(exc).__name__}: {exc}); sign it with secret_key and the given algorithm",
                    pytrace=False)


def timed(student, payload, minutes, **kwargs):
    """The token and the clock read just before and just after the call."""
    before = time.time()
    token = create(student, payload, minutes=minutes, **kwargs)
    after = time.time()
    return token, before, after


def expect_exp_window(exp, before, after, minutes):
    expect(isinstance(exp, int | float) and not isinstance(exp, bool),
           f"the token's exp is {exp!r}; expected a NumericDate (seconds since the epoch)")
    low, high = before + minutes * 60 - MARGIN, after + minutes * 60 + MARGIN
    if not low <= exp <= high:
        offset = exp - before
        pytest.fail(f"with expires_in_minutes={minutes} the token's exp was {offset:+.0f} s from now; expected "
                    f"{minutes * 60} s (± {MARGIN} s). An error of hours means local time or a naive datetime; "
                    "use datetime.now(timezone.utc) + timedelta(minutes=expires_in_minutes)", pytrace=False)


@pytest.fixture
def shifted_zone():
    """Local time is UTC+05:30 for the test (restored afterwards)."""
    previous = os.environ.get("TZ")
    os.environ["TZ"] = SHIFTED_ZONE
    time.tzset()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = previous
        time.tzset()


@pytest.fixture
def spied(load_student, monkeypatch):
    """The student's module, loaded with ``jwt.encode`` replaced by a spy recording each ``exp`` it gets."""
    seen = []
    real_encode = jwt.encode

    def spy(payload, *args, **kwargs):
        seen.append(payload.get("exp") if isinstance(payload, dict) else None)
        return real_encode(payload, *args, **kwargs)

    monkeypatch.setattr(jwt, "encode", spy)
    return load_student(), seen


@pytest.mark.task(1)
@pytest.mark.points(2)
def test_claims_are_kept_and_signed_with_the_key(student):
    """every claim of the payload is in the token, which verifies with the caller's key (HS256)"""
    payload = {"sub": "alice", "role": "admin", "scopes": ["items:read", "items:write"],
               "profile": {"name": "Zoë", "age": 36}}
    token = create(student, payload, "HS256")
    decoded = claims_of(token, "HS256")
    expect("exp" in decoded, f"the token's claims are {decoded!r}; an exp claim was expected")
    rest = {name: value for name, value in decoded.items() if name != "exp"}
    expect(rest == payload, f"the token holds {rest!r} besides exp; expected exactly the payload {payload!r}")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, OTHER_KEY, algorithms=["HS256"])


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_hs384_is_honoured(student):
    """algorithm="HS384" gives a token whose header says HS384 and that verifies as HS384"""
    token = create(student, {"sub": "bob"}, "HS384")
    header = jwt.get_unverified_header(token)
    expect(header.get("alg") == "HS384", f"asked for HS384, the token's header says alg={header.get('alg')!r}; "
                                         "pass algorithm=algorithm to jwt.encode")
    expect(claims_of(token, "HS384").get("sub") == "bob", "the HS384 token lost its sub claim")


@pytest.mark.task(1)
@pytest.mark.points(1)
def test_hs512_is_honoured(student):
    """algorithm="HS512" gives a token whose header says HS512 and that verifies as HS512"""
    token = create(student, {"sub": "carol"}, "HS512")
    header = jwt.get_unverified_header(token)
    expect(header.get("alg") == "HS512", f"asked for HS512, the token's header says alg={header.get('alg')!r}; "
                                         "pass algorithm=algorithm to jwt.encode")
    expect(claims_of(token, "HS512").get("sub") == "carol", "the HS512 token lost its sub claim")


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_exp_is_minutes_from_now_in_utc(student, shifted_zone):
    """exp is expires_in_minutes from now (1, 30 and 1440 minutes), even when local time is not UTC"""
    for minutes in (1, 30, 1440):
        token, before, after = timed(student, {"sub": "dave"}, minutes)
        expect_exp_window(claims_of(token).get("exp"), before, after, minutes)


@pytest.mark.task(2)
@pytest.mark.points(2)
def test_exp_is_not_a_naive_datetime(spied):
    """exp is built from an aware UTC time: no naive datetime (datetime.utcnow()) reaches jwt.encode"""
    student, seen = spied
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        token = create(student, {"sub": "erin"}, minutes=30)
    claims_of(token)
    naive = [exp for exp in seen if isinstance(exp, datetime) and exp.tzinfo is None]
    expect(not naive, "create_jwt_token gave jwt.encode a naive datetime as exp (datetime.utcnow(), or "
                      "datetime.now() without a time zone); use datetime.now(timezone.utc) + timedelta(...)")
    deprecated = [str(w.message) for w in caught if issubclass(w.category, DeprecationWarning)
                  and "utc" in str(w.message).lower()]
    expect(not deprecated, f"create_jwt_token triggered a deprecation warning ({deprecated[0] if deprecated else ''}); "
                           "use datetime.now(timezone.utc) instead of datetime.utcnow()")


@pytest.mark.task(2)
@pytest.mark.points(1)
def test_exp_in_the_payload_is_replaced(student):
    """an exp already in the payload is replaced by the computed one"""
    token, before, after = timed(student, {"sub": "frank", "exp": 1_000_000}, 10)
    exp = claims_of(token, verify_exp=False).get("exp")
    expect(exp != 1_000_000, "the payload's own exp (1000000, in 1970) ended up in the token; the computed exp "
                             "must replace it: build the claims as {**payload, \"exp\": ...}")
    expect_exp_window(exp, before, after, 10)


@pytest.mark.task(3)
@pytest.mark.points(1)
def test_callers_dict_is_not_mutated(student):
    """the payload passed in is unchanged after the call (no exp added to it)"""
    payload = {"sub": "grace", "roles": ["reader"], "meta": {"team": "blue"}}
    snapshot = copy.deepcopy(payload)
    first = create(student, payload, minutes=5)
    expect(payload == snapshot, f"after the call the caller's dict is {payload!r}; it must stay {snapshot!r}: "
                                "copy it (dict(payload) or {**payload, ...}) before adding exp")
    second = create(student, payload, "HS384", minutes=5)
    expect(payload == snapshot, f"after a second call the caller's dict is {payload!r}; it must stay {snapshot!r}")
    expect(claims_of(first)["sub"] == claims_of(second, "HS384")["sub"] == "grace",
           "the same payload used twice must give two tokens for the same sub")
