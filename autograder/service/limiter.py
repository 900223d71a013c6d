"""Rate limits: sign-in attempts and a flood of submissions, answered 429 with Retry-After.

Moving windows from the ``limits`` library (the one slowapi is built on), kept in this
process's memory: a server restart forgets them, which costs an attacker nothing they
could not get by waiting a minute. The attempts per student and item per hour are not
kept here but counted in the database (:mod:`autograder.service.submitting`), since
they are part of the course's rules and must survive a restart.
"""

from __future__ import annotations

import math
import time

from fastapi import HTTPException, status
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


class Limiter:
    def __init__(self) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())

    def hit(self, per_minute: int, *key: str, what: str) -> None:
        """Count one event for ``key``; 429 with the wait when the minute's allowance is spent."""
        limit = RateLimitItemPerMinute(per_minute)
        if self._limiter.hit(limit, *key):
            return
        reset, _ = self._limiter.get_window_stats(limit, *key)
        wait = max(1, math.ceil(reset - time.time()))
        raise too_many(f"too many {what}; try again in {wait} s", wait)


def too_many(detail: str, wait: int) -> HTTPException:
    return HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, detail, headers={"Retry-After": str(wait)})
