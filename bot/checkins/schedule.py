"""When a member's mood check-ins fall: parsing `/checkin start`, and the next due instant.

Slots are local wall-clock times in the member's IANA zone; instants are UTC.

Daylight-saving rule (PEP 495, fold=0 everywhere):
- A local time that does not exist (spring forward, 02:30 in America/New_York on
  2026-03-08) is read with the offset in force before the gap, so the slot goes once, at
  the wall time shifted forward by the gap: 02:30 EST = 07:30 UTC = 03:30 EDT.
- A local time that happens twice (fall back, 01:30 in New York on 2026-11-01) is the
  first occurrence: 01:30 EDT = 05:30 UTC. The second occurrence is never a slot.
So every scheduled local date has exactly one slot, and slots only move forward in time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

FREQUENCIES = ("daily", "weekdays", "weekly")
DEFAULT_FREQUENCY = "daily"
DEFAULT_TIME = time(19, 0)

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Full names, three-letter forms and the common longer abbreviations members type.
DAY_NAMES: dict[str, int] = {
    **{name: i for i, name in enumerate(_DAYS)},
    **{name[:3]: i for i, name in enumerate(_DAYS)},
    "tues": 1, "weds": 2, "thur": 3, "thurs": 3,
}
_PLURAL_DAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")

# Which local weekdays (0 = Monday) carry a slot, for the frequencies without a chosen day.
_WEEKDAYS_OF = {"daily": frozenset(range(7)), "weekdays": frozenset(range(5))}

EXAMPLE = "/checkin start weekly wed 19:30 Europe/London"
ZONE_EXAMPLES = "Europe/London or America/New_York"

_TIME_24H = re.compile(r"(\d{1,2}):(\d{2})")
_TIME_12H = re.compile(r"(\d{1,2})(?::(\d{2}))?(am|pm)")
# Anything a member probably meant as a time, so a bad one gets the time message.
_TIME_LIKE = re.compile(r"\d{1,4}(?::\d*)?(?:am|pm)?|\d*:\d+")


class ScheduleError(ValueError):
    """A schedule that cannot be used; the message is shown to the member as is: clear, with an example."""


@cache
def _zone_names() -> dict[str, str]:
    """Lower-case name -> IANA spelling, for every zone this machine's tz database has."""
    names = {name.lower(): name for name in available_timezones()}
    names["utc"] = "UTC"
    return names


@cache
def _zone(name: str) -> ZoneInfo:
    # Cached here as well as inside zoneinfo: its own strong cache holds only a few zones,
    # and a scheduler walking thousands of members in many zones would reload files.
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleError(f'"{name}" is not a time zone I know. Use an IANA name such as {ZONE_EXAMPLES}.') from None


def find_zone(name: str) -> str | None:
    """The IANA spelling of `name` matched case-insensitively ("europe/london" -> "Europe/London"), or None."""
    return _zone_names().get(name.strip().lower())


@dataclass(frozen=True)
class Schedule:
    """A member's check-in schedule; raises ScheduleError if any field is out of range."""

    frequency: str          # "daily" | "weekdays" | "weekly"
    weekday: int | None     # 0=Monday..6=Sunday, only for weekly
    at: time                # local wall-clock time, whole minutes
    zone: str               # IANA name

    def __post_init__(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise ScheduleError(f'"{self.frequency}" is not a frequency. Use daily, weekdays or weekly.')
        if self.frequency == "weekly":
            if self.weekday not in range(7):
                raise ScheduleError(f"Weekly check-ins need a day, for example: {EXAMPLE}")
        elif self.weekday is not None:
            raise ScheduleError(f"A day only goes with weekly, for example: {EXAMPLE}")
        if self.at.tzinfo is not None or self.at.second or self.at.microsecond:
            raise ScheduleError("The time must be a local time in whole minutes, for example 19:00.")
        if self.at.fold:
            # The DST rule in the module docstring relies on fold=0.
            object.__setattr__(self, "at", self.at.replace(fold=0))
        _zone(self.zone)

    def to_text(self) -> str:
        """Compact form for storage: "daily:19:00:Europe/London", "weekly:2:19:00:Europe/London"."""
        day = f"{self.weekday}:" if self.frequency == "weekly" else ""
        return f"{self.frequency}:{day}{self.at:%H:%M}:{self.zone}"

    @classmethod
    def from_text(cls, text: str) -> Schedule:
        """The schedule that to_text() wrote; ValueError if the text is not in that form."""
        parts = text.split(":")
        try:
            if parts[0] == "weekly" and len(parts) == 5:
                weekday: int | None = int(parts[1])
                hour, minute, zone = parts[2:]
            elif parts[0] in _WEEKDAYS_OF and len(parts) == 4:
                weekday = None
                hour, minute, zone = parts[1:]
            else:
                raise ValueError
            return cls(parts[0], weekday, time(int(hour), int(minute)), zone)
        except (ValueError, IndexError):
            raise ValueError(f"not a stored check-in schedule: {text!r}") from None


def _parse_time(token: str) -> time | None:
    """The time in a token such as 19:00, 7:30, 7pm or 7:30pm; None if it is not one."""
    match = _TIME_24H.fullmatch(token)
    if match:
        hour, minute = int(match[1]), int(match[2])
        return time(hour, minute) if hour < 24 and minute < 60 else None
    match = _TIME_12H.fullmatch(token)
    if match:
        hour, minute = int(match[1]), int(match[2] or 0)
        if not 1 <= hour <= 12 or minute >= 60:
            return None
        return time(hour % 12 + (12 if match[3] == "pm" else 0), minute)
    return None


def _member_zone(word: str) -> str | None:
    """The IANA spelling of a zone a member typed: Region/City names and UTC only."""
    name = find_zone(word)
    return name if name and ("/" in name or name == "UTC") else None


def _city_hint(word: str) -> str:
    """ " Did you mean Europe/London?" when the word is the city of exactly one zone."""
    matches = [name for name in _zone_names().values() if "/" in name and name.lower().rsplit("/", 1)[-1] == word]
    return f" Did you mean {matches[0]}?" if len(matches) == 1 else ""


def parse_start_args(args: str, default_zone: str) -> Schedule:
    """The schedule described by the words after `/checkin start`, in any order.

    Words: daily | weekdays | weekly <day>; a time (19:00, 7:30, 7pm, 7:30 pm); an IANA zone
    (any case, or UTC). A day on its own means weekly on that day. Defaults: daily, 19:00,
    default_zone. Raises ScheduleError with a message for the member.
    """
    # "7 pm" -> "7pm", so the time is one word.
    tokens = re.sub(r"(\d)\s+(am|pm)\b", r"\1\2", args.strip().lower()).split()
    frequency = weekday = at = zone = None
    for token in tokens:
        if token in FREQUENCIES:
            if frequency and frequency != token:
                raise ScheduleError(f'Choose one of daily, weekdays or weekly (you wrote "{frequency}" and "{token}").')
            frequency = token
        elif token in DAY_NAMES:
            if weekday is not None and weekday != DAY_NAMES[token]:
                raise ScheduleError(f"Choose one day for weekly check-ins, for example: {EXAMPLE}")
            weekday = DAY_NAMES[token]
        elif _TIME_LIKE.fullmatch(token):
            parsed = _parse_time(token)
            if parsed is None:
                raise ScheduleError(f'"{token}" is not a time of day. Use HH:MM on a 24-hour clock, '
                                    "for example 19:00 or 08:30 (7pm works too).")
            if at is not None and at != parsed:
                raise ScheduleError(f"Choose one time, for example: {EXAMPLE}")
            at = parsed
        elif _member_zone(token):
            if zone is not None and zone != _member_zone(token):
                raise ScheduleError(f"Choose one time zone, for example: {EXAMPLE}")
            zone = _member_zone(token)
        else:
            original = next((t for t in args.split() if t.lower() == token), token)
            if "/" in token:
                raise ScheduleError(f'"{original}" is not a time zone I know. Use an IANA name such as {ZONE_EXAMPLES}.')
            if find_zone(token):
                # EST, GMT, CET, "localtime": real tz database entries, but an abbreviation
                # does not say which daylight-saving rules apply (EST is UTC-5 all year).
                raise ScheduleError(
                    f'Please give the time zone as a region and a city rather than "{original}", '
                    f"for example {ZONE_EXAMPLES} (or UTC)."
                )
            raise ScheduleError(f'I didn\'t understand "{original}".{_city_hint(token)} For example: {EXAMPLE}')
    if weekday is not None and frequency is None:
        frequency = "weekly"
    return Schedule(
        frequency=frequency or DEFAULT_FREQUENCY,
        weekday=weekday,
        at=at if at is not None else DEFAULT_TIME,
        zone=zone or find_zone(default_zone) or default_zone,
    )


def _runs_on(schedule: Schedule, day: date) -> bool:
    if schedule.frequency == "weekly":
        return day.weekday() == schedule.weekday
    return day.weekday() in _WEEKDAYS_OF[schedule.frequency]


def _instant(schedule: Schedule, day: date) -> datetime:
    """The UTC instant of the slot on a local date (fold=0: see the module docstring)."""
    return datetime.combine(day, schedule.at, tzinfo=_zone(schedule.zone)).astimezone(timezone.utc)


def next_due(schedule: Schedule, after: datetime) -> datetime:
    """The first slot strictly after `after` (any tz-aware datetime), as a tz-aware UTC datetime."""
    if after.tzinfo is None or after.utcoffset() is None:
        raise ValueError("next_due needs a timezone-aware datetime")
    day = after.astimezone(_zone(schedule.zone)).date()
    # Start a day early: a slot shifted across local midnight by a gap still belongs to its
    # own date. Each local date has one slot and slots increase with the date, so the first
    # one after `after` is the answer. Ten days covers a weekly slot plus that margin.
    for offset in range(-1, 10):
        candidate = day + timedelta(days=offset)
        if _runs_on(schedule, candidate):
            due = _instant(schedule, candidate)
            if due > after:
                return due
    raise AssertionError(f"no slot within ten days for {schedule.to_text()}")  # unreachable


def slot_key(schedule: Schedule, due: datetime) -> str:
    """The member's local date of the slot at `due`, "YYYY-MM-DD": the idempotency key per member."""
    return due.astimezone(_zone(schedule.zone)).date().isoformat()


def describe(schedule: Schedule) -> str:
    """Compact and factual: "daily at 19:00 (Europe/London)", "Wednesdays at 19:00 (UTC)"."""
    when = _PLURAL_DAYS[schedule.weekday] if schedule.frequency == "weekly" else schedule.frequency
    return f"{when} at {schedule.at:%H:%M} ({schedule.zone})"


def is_wellbeing_week(due: datetime, schedule: Schedule) -> bool:
    """True in every fourth ISO week (week number % 4 == 0) of the member's local date of `due`.

    Weeks 4, 8, ... 52: across a new year the gap is four weeks, or five after a 53-week year.
    """
    return due.astimezone(_zone(schedule.zone)).isocalendar().week % 4 == 0


def is_wellbeing_slot(due: datetime, schedule: Schedule) -> bool:
    """True for the one slot per wellbeing week that should be the WHO-5 instead of the mood scale.

    WHO-5 asks about the last two weeks, so a daily or weekdays member gets it once, on
    that week's Monday slot, not on every day of the week; a weekly member on their day.
    """
    if not is_wellbeing_week(due, schedule):
        return False
    first_day = schedule.weekday if schedule.frequency == "weekly" else 0
    return due.astimezone(_zone(schedule.zone)).weekday() == first_day
