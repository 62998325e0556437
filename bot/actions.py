"""Neutral actions: what the core asks an adapter to do, and the reply that carries them."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


class Audience(str, Enum):
    MEMBER = "member"          # privately to the member: a DM, or ephemeral where a DM is impossible
    CHANNEL = "channel"        # publicly in the channel the event came from
    MODERATORS = "moderators"  # the community's moderator channel


class Urgency(str, Enum):
    NORMAL = "normal"
    LOUD = "loud"  # a moderator alert that should ping the moderator role


@dataclass(frozen=True)
class Button:
    label: str
    value: str  # stable, so a press still means the same thing after a restart


@dataclass(frozen=True)
class Action:
    to: Audience
    text: str
    buttons: tuple[Button, ...] = ()
    attachments: tuple[Path, ...] = ()
    urgency: Urgency = Urgency.NORMAL
    # Where an action goes somewhere other than the event's own place (scheduled sends).
    community_id: str | None = None
    channel_id: str | None = None
    user_id: str | None = None
    platform: str | None = None
    # Set on scheduled sends the core must hear back about: the adapter passes it to
    # Haven.delivered() once the send succeeded or failed.
    receipt: str | None = None
    # The same for every attempt at the same send (a check-in slot), so a platform that
    # honours idempotency keys (Discord's enforce_nonce) shows a retried send only once.
    idempotency_key: str | None = None


class Kind(str, Enum):
    FAQ = "faq"
    CRISIS = "crisis"
    MEDICAL = "medical"
    FALLBACK = "fallback"
    COMMAND = "command"
    SMALLTALK = "smalltalk"
    NONE = "none"
    ERROR = "error"


@dataclass(frozen=True)
class Reply:
    """The core's whole answer to one event."""

    kind: Kind
    actions: tuple[Action, ...] = ()
    topic: str | None = None
    extra: dict = field(default_factory=dict, compare=False)
