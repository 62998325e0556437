"""Typed rows the storage hands back; the same for every storage engine."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Conversation:
    """A multi-step flow waiting for the member's next message."""

    flow: str
    data: dict
    expires_at: datetime


@dataclass(frozen=True)
class Escalation:
    id: int
    platform: str
    community_id: str
    channel_id: str
    user_id: str
    message_id: str
    link: str
    tier: str
    category: str
    signal: str
    excerpt: str | None
    state: str
    created_at: datetime
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    resolved_by: str | None
    resolved_at: datetime | None
    next_ping_at: datetime | None
    ping_count: int


@dataclass(frozen=True)
class EscalationEvent:
    at: datetime
    what: str
    detail: str


@dataclass(frozen=True)
class SettingChange:
    key: str
    old_value: str | None
    new_value: str
    changed_by: str
    changed_at: datetime


@dataclass(frozen=True)
class CheckinSchedule:
    platform: str
    user_id: str
    community_id: str
    schedule: str          # Schedule.to_text()
    next_due_at: datetime
    paused_until: datetime | None
    paused_reason: str | None
    failures: int


@dataclass(frozen=True)
class CheckinAnswer:
    day: str               # the member's local date, YYYY-MM-DD
    kind: str              # mood | who5
    value: int | None      # mood 1-5 or WHO-5 percentage; None when skipped
    detail: str | None     # WHO-5 item answers as JSON
    note: str | None
    answered_at: datetime


@dataclass(frozen=True)
class ResourceSchedule:
    id: int
    platform: str
    community_id: str
    channel_id: str
    topic: str
    every_days: int
    next_post_at: datetime
    created_by: str


@dataclass(frozen=True)
class CommunityStats:
    checkin_members: int
    checkins_answered_week: int
    escalations_by_tier: dict[str, int]
