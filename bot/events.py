"""Neutral events: what an adapter hands the core, whatever the platform."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Member:
    """Who sent an event, as the adapter knows them."""

    platform: str
    user_id: str
    display_name: str = ""
    # Facts for the moderator policy, supplied by the adapter: platform permissions
    # (Discord's Manage Messages, Slack's admin/owner) and role ids the member holds.
    is_platform_moderator: bool = False
    role_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Place:
    """Where an event happened."""

    community_id: str
    channel_id: str
    is_dm: bool
    # The parent channel for threads and forum posts, so they share its settings.
    parent_channel_id: str | None = None

    @property
    def settings_channel(self) -> str:
        return self.parent_channel_id or self.channel_id


@dataclass(frozen=True)
class Message:
    """A message or a slash command (text starting with '/')."""

    member: Member
    place: Place
    text: str
    message_id: str = ""
    link: str = ""
    mentions_bot: bool = False
    # True when the member used a platform slash command: a private reply can then be
    # ephemeral even where a DM is impossible.
    via_command: bool = False
    raw: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class ButtonPress:
    """A press on a button the bot sent earlier; `value` is the button's stable value."""

    member: Member
    place: Place
    value: str
    raw: Any = field(default=None, compare=False, repr=False)


Event = Message | ButtonPress
