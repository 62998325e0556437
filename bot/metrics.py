"""In-process counters (errors, escalations by tier): never any member identifier."""
from __future__ import annotations

from collections import Counter


class Metrics:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def incr(self, name: str, by: int = 1) -> None:
        self.counts[name] += by
