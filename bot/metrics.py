"""In-process counters and a latency histogram, rendered for Prometheus.

Labels never carry a member, channel or community identifier: only kinds and tiers.
"""
from __future__ import annotations

import bisect
from collections import Counter

# Upper bounds of the handling-latency buckets, in seconds.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Metrics:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self._latency = [0] * (len(LATENCY_BUCKETS) + 1)
        self._latency_sum = 0.0
        self._latency_count = 0

    def incr(self, name: str, by: int = 1) -> None:
        self.counts[name] += by

    def observe_latency(self, seconds: float) -> None:
        self._latency[bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1
        self._latency_sum += seconds
        self._latency_count += 1

    def prometheus(self) -> str:
        """The Prometheus text exposition of every counter and the histogram."""
        lines = []
        families: dict[str, list[tuple[str, int]]] = {}
        for name, value in sorted(self.counts.items()):
            family, _, label = name.partition(".")
            families.setdefault(family, []).append((label, value))
        for family, values in families.items():
            metric = f"haven_{family}_total"
            lines.append(f"# TYPE {metric} counter")
            for label, value in values:
                lines.append(f'{metric}{{kind="{label}"}} {value}' if label else f"{metric} {value}")
        lines.append("# TYPE haven_handling_seconds histogram")
        cumulative = 0
        for bound, count in zip(LATENCY_BUCKETS, self._latency):
            cumulative += count
            lines.append(f'haven_handling_seconds_bucket{{le="{bound}"}} {cumulative}')
        lines.append(f'haven_handling_seconds_bucket{{le="+Inf"}} {self._latency_count}')
        lines.append(f"haven_handling_seconds_sum {self._latency_sum:.6f}")
        lines.append(f"haven_handling_seconds_count {self._latency_count}")
        return "\n".join(lines) + "\n"
