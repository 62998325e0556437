"""What crisis detection reports: tiers, the signals that fired, and the detection itself."""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Tier(str, Enum):
    """Self-risk tier, ordered by `rank` (comparisons use the rank, not the name)."""

    NONE = "none"
    CONCERN = "concern"
    HIGH = "high"
    IMMINENT = "imminent"

    @property
    def rank(self) -> int:
        """0 for NONE up to 3 for IMMINENT."""
        return _RANKS[self.value]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank >= other.rank


_RANKS = {"none": 0, "concern": 1, "high": 2, "imminent": 3}
KINDS = ("self", "harassment")


@dataclass(frozen=True)
class Signal:
    """One pattern that fired: its id and comment explain the detection to moderators."""

    id: str
    tier: Tier
    kind: str
    comment: str


@dataclass(frozen=True)
class Detection:
    """What `CrisisDetector.detect` found in one message."""

    tier: Tier
    signals: tuple[Signal, ...]
    harassment: tuple[Signal, ...]

    @property
    def signal(self) -> Signal | None:
        """The strongest self-risk signal, or None when nothing fired."""
        return self.signals[0] if self.signals else None
