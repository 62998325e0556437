"""Per-community settings: their names, defaults and validation, in one table."""
from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from typing import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("on", "true", "yes", "1"):
        return True
    if lowered in ("off", "false", "no", "0"):
        return False
    raise ValueError("expected on or off")


def _minutes(low: int, high: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        if not value.strip().isdigit():
            raise ValueError(f"expected a whole number of minutes from {low} to {high}")
        number = int(value)
        if not low <= number <= high:
            raise ValueError(f"expected a whole number of minutes from {low} to {high}")
        return number
    return parse


def _count(low: int, high: int, unit: str) -> Callable[[str], int]:
    def parse(value: str) -> int:
        if not value.strip().isdigit() or not low <= int(value) <= high:
            raise ValueError(f"expected a whole number of {unit} from {low} to {high}")
        return int(value)
    return parse


def _length(value: str) -> int:
    if not value.strip().isdigit() or not 0 <= int(value) <= 500:
        raise ValueError("expected a number of characters from 0 (no excerpt) to 500")
    return int(value)


def _country(value: str) -> str:
    code = value.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise ValueError("expected a two-letter country code such as US, GB or DE")
    return code


def _zone(value: str) -> str:
    name = value.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("expected an IANA time zone such as Europe/London or America/New_York") from None
    return name


def _ids(value: str) -> tuple[str, ...]:
    """A list of channel, role or user ids; 'all' or 'none' as the empty list."""
    parts = tuple(p for p in re.split(r"[\s,]+", value.strip()) if p)
    if parts in (("all",), ("none",)):
        return ()
    if not all(re.fullmatch(r"[<#@&!]*[\w.-]{1,80}>?", p) for p in parts):
        raise ValueError("expected ids separated by spaces or commas, or 'all'")
    return tuple(p.strip("<#@&!>") for p in parts)


def _channel(value: str) -> str:
    ids = _ids(value)
    if len(ids) != 1:
        raise ValueError("expected one channel")
    return ids[0]


@dataclass(frozen=True)
class CommunitySettings:
    moderator_channel: str = ""
    moderator_roles: tuple[str, ...] = ()
    moderator_users: tuple[str, ...] = ()
    monitored_channels: tuple[str, ...] = ()   # empty: every channel the bot can see
    default_country: str = "US"
    default_timezone: str = "UTC"
    public_notice: bool = False                # "I've sent you a message" in the channel
    excerpt_length: int = 200                  # characters of the message shown to moderators
    keep_excerpt: bool = False                 # keep it after the escalation is resolved
    reping_minutes: int = 5
    cooldown_minutes: int = 30
    concern_pages: bool = False                # page moderators for the concern tier too
    flood_per_minute: int = 20                 # commands and questions per member per minute

    def monitors(self, channel_id: str) -> bool:
        return not self.monitored_channels or channel_id in self.monitored_channels


PARSERS: dict[str, Callable[[str], object]] = {
    "moderator_channel": _channel,
    "moderator_roles": _ids,
    "moderator_users": _ids,
    "monitored_channels": _ids,
    "default_country": _country,
    "default_timezone": _zone,
    "public_notice": _bool,
    "excerpt_length": _length,
    "keep_excerpt": _bool,
    "reping_minutes": _minutes(1, 1440),
    "cooldown_minutes": _minutes(0, 1440),
    "concern_pages": _bool,
    "flood_per_minute": _count(1, 600, "commands or questions a minute"),
}
assert set(PARSERS) == {f.name for f in fields(CommunitySettings)}


def parse_setting(key: str, value: str) -> object:
    """The typed value for one setting; ValueError with a member-readable reason if invalid."""
    if key not in PARSERS:
        raise ValueError(f"unknown setting {key!r}; known: {', '.join(PARSERS)}")
    return PARSERS[key](value)


def settings_from_stored(stored: dict[str, str]) -> CommunitySettings:
    """Build settings from stored text values; a value that no longer parses keeps its default."""
    typed = {}
    for key, value in stored.items():
        try:
            typed[key] = parse_setting(key, value)
        except ValueError:
            continue
    return replace(CommunitySettings(), **typed)
