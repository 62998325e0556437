"""A per-member limit on commands and questions, so one member cannot flood the bot.

Crisis detection runs before this and is never limited.
"""
from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta
from enum import Enum

WINDOW = timedelta(minutes=1)
PRUNE_AT = 10_000  # members tracked before idle ones are forgotten


class Verdict(Enum):
    ALLOW = "allow"
    NOTIFY = "notify"  # the first message over the limit: tell the member once
    DROP = "drop"      # further messages in the same window: say nothing


class FloodGate:
    def __init__(self) -> None:
        self._seen: dict[tuple[str, str], deque[datetime]] = {}
        self._notified: set[tuple[str, str]] = set()

    def check(self, platform: str, user_id: str, now: datetime, per_minute: int) -> Verdict:
        key = (platform, user_id)
        times = self._seen.setdefault(key, deque())
        while times and now - times[0] >= WINDOW:
            times.popleft()
        if len(times) < per_minute:
            times.append(now)
            self._notified.discard(key)
            return Verdict.ALLOW
        if key in self._notified:
            return Verdict.DROP
        self._notified.add(key)
        if len(self._seen) > PRUNE_AT:
            self._prune(now)
        return Verdict.NOTIFY

    def _prune(self, now: datetime) -> None:
        for key in [k for k, t in self._seen.items() if not t or now - t[-1] >= WINDOW]:
            del self._seen[key]
            self._notified.discard(key)
