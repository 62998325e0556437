from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.checkins.schedule import (
    Schedule,
    ScheduleError,
    describe,
    find_zone,
    is_wellbeing_slot,
    is_wellbeing_week,
    next_due,
    parse_start_args,
    slot_key,
)

UTC = timezone.utc


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def slots(schedule: Schedule, start: datetime, count: int) -> list[datetime]:
    """Walk next_due the way the scheduler does: each slot from the one before."""
    out, after = [], start
    for _ in range(count):
        after = next_due(schedule, after)
        out.append(after)
    return out


def local_dates(schedule: Schedule, dues: list[datetime]) -> list[date]:
    return [due.astimezone(ZoneInfo(schedule.zone)).date() for due in dues]


def one_per_day(first: date, count: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(count)]


# --- daylight saving -------------------------------------------------------------------


def test_new_york_spring_forward_sends_the_missing_0230_once_shifted_to_0330_edt():
    schedule = Schedule("daily", None, time(2, 30), "America/New_York")
    dues = slots(schedule, utc(2026, 3, 5), 7)
    assert local_dates(schedule, dues) == one_per_day(date(2026, 3, 5), 7)
    assert dues == [
        utc(2026, 3, 5, 7, 30), utc(2026, 3, 6, 7, 30), utc(2026, 3, 7, 7, 30),
        utc(2026, 3, 8, 7, 30),   # 02:30 does not exist: 02:30 EST = 03:30 EDT
        utc(2026, 3, 9, 6, 30), utc(2026, 3, 10, 6, 30), utc(2026, 3, 11, 6, 30),
    ]
    shifted = dues[3].astimezone(ZoneInfo("America/New_York"))
    assert (shifted.hour, shifted.minute, shifted.tzname()) == (3, 30, "EDT")


def test_new_york_fall_back_sends_the_repeated_0130_once_at_its_first_occurrence():
    schedule = Schedule("daily", None, time(1, 30), "America/New_York")
    dues = slots(schedule, utc(2026, 10, 29), 7)
    assert local_dates(schedule, dues) == one_per_day(date(2026, 10, 29), 7)
    assert dues == [
        utc(2026, 10, 29, 5, 30), utc(2026, 10, 30, 5, 30), utc(2026, 10, 31, 5, 30),
        utc(2026, 11, 1, 5, 30),  # 01:30 EDT, the first of the two 01:30s
        utc(2026, 11, 2, 6, 30), utc(2026, 11, 3, 6, 30), utc(2026, 11, 4, 6, 30),
    ]
    # Asked again from inside the repeated hour (01:00-01:59 EST), it does not come back.
    assert next_due(schedule, utc(2026, 11, 1, 6, 0)) == utc(2026, 11, 2, 6, 30)
    assert next_due(schedule, utc(2026, 11, 1, 5, 30)) == utc(2026, 11, 2, 6, 30)


def test_london_spring_forward_and_fall_back():
    schedule = Schedule("daily", None, time(1, 30), "Europe/London")
    spring = slots(schedule, utc(2026, 3, 26), 7)
    assert local_dates(schedule, spring) == one_per_day(date(2026, 3, 26), 7)
    assert spring[2:5] == [
        utc(2026, 3, 28, 1, 30),  # GMT
        utc(2026, 3, 29, 1, 30),  # 01:30 does not exist: 01:30 GMT = 02:30 BST
        utc(2026, 3, 30, 0, 30),  # BST
    ]
    autumn = slots(schedule, utc(2026, 10, 22), 7)
    assert local_dates(schedule, autumn) == one_per_day(date(2026, 10, 22), 7)
    assert autumn[2:5] == [
        utc(2026, 10, 24, 0, 30),  # BST
        utc(2026, 10, 25, 0, 30),  # 01:30 BST, the first of the two 01:30s
        utc(2026, 10, 26, 1, 30),  # GMT
    ]


def test_an_evening_slot_keeps_its_wall_time_across_the_change():
    schedule = Schedule("daily", None, time(19, 0), "Europe/London")
    dues = slots(schedule, utc(2026, 10, 23), 4)
    assert dues == [utc(2026, 10, 23, 18), utc(2026, 10, 24, 18), utc(2026, 10, 25, 19), utc(2026, 10, 26, 19)]


@pytest.mark.parametrize(
    "zone, at, start",
    [
        ("America/New_York", time(2, 30), utc(2026, 3, 5)),
        ("America/New_York", time(1, 30), utc(2026, 10, 29)),
        ("America/New_York", time(1, 0), utc(2026, 10, 29)),
        ("Europe/London", time(1, 30), utc(2026, 3, 26)),
        ("Europe/London", time(1, 0), utc(2026, 10, 22)),
    ],
)
def test_asked_every_quarter_hour_across_a_transition_it_names_one_slot_per_local_day(zone, at, start):
    # However often the loop asks (restarts, retries), the answers are one slot a day.
    schedule = Schedule("daily", None, at, zone)
    answers = {next_due(schedule, start + timedelta(minutes=15 * i)) for i in range(7 * 96)}
    assert sorted(answers) == slots(schedule, start, len(answers))
    keys = [slot_key(schedule, due) for due in sorted(answers)]
    assert len(keys) >= 7
    assert [date.fromisoformat(k) for k in keys] == one_per_day(date.fromisoformat(keys[0]), len(keys))
    for earlier, later in zip(sorted(answers), sorted(answers)[1:]):
        assert later - earlier >= timedelta(hours=22)


# --- frequencies -----------------------------------------------------------------------


def test_weekdays_skip_saturday_and_sunday():
    schedule = Schedule("weekdays", None, time(8, 30), "Europe/London")
    # Friday 27 Nov 2026 after its slot: next is Monday.
    assert next_due(schedule, utc(2026, 11, 27, 9)) == utc(2026, 11, 30, 8, 30)
    dues = slots(schedule, utc(2026, 11, 27, 9), 10)
    assert [d.weekday() for d in local_dates(schedule, dues)] == [0, 1, 2, 3, 4] * 2


def test_weekly_comes_on_its_day_and_strictly_after():
    schedule = Schedule("weekly", 2, time(19, 0), "Europe/London")
    first = next_due(schedule, utc(2026, 11, 26))            # a Thursday
    assert first == utc(2026, 12, 2, 19)
    assert next_due(schedule, first) == utc(2026, 12, 9, 19)  # not the same slot again
    assert next_due(schedule, first - timedelta(seconds=1)) == first


def test_next_due_returns_utc_and_rejects_naive_times():
    schedule = Schedule("daily", None, time(8, 0), "Asia/Tokyo")
    due = next_due(schedule, datetime(2026, 11, 26, 12, tzinfo=ZoneInfo("Asia/Tokyo")))
    assert due == utc(2026, 11, 26, 23) and due.utcoffset() == timedelta(0)
    with pytest.raises(ValueError):
        next_due(schedule, datetime(2026, 11, 26, 12))


def test_slot_key_is_the_members_local_date():
    tokyo = Schedule("daily", None, time(8, 0), "Asia/Tokyo")
    assert slot_key(tokyo, utc(2026, 11, 26, 23)) == "2026-11-27"
    la = Schedule("daily", None, time(19, 0), "America/Los_Angeles")
    assert slot_key(la, utc(2026, 11, 27, 3)) == "2026-11-26"


# --- parsing ---------------------------------------------------------------------------


def test_defaults_are_daily_at_1900_in_the_community_zone():
    assert parse_start_args("", "Europe/Berlin") == Schedule("daily", None, time(19, 0), "Europe/Berlin")


@pytest.mark.parametrize(
    "args, expected",
    [
        ("weekly wed 19:30 Europe/London", Schedule("weekly", 2, time(19, 30), "Europe/London")),
        ("europe/london 7:30pm WEDNESDAY weekly", Schedule("weekly", 2, time(19, 30), "Europe/London")),
        ("weekdays 8:05", Schedule("weekdays", None, time(8, 5), "UTC")),
        ("daily 7 pm utc", Schedule("daily", None, time(19, 0), "UTC")),
        ("12am", Schedule("daily", None, time(0, 0), "UTC")),
        ("12:30pm america/new_york", Schedule("daily", None, time(12, 30), "America/New_York")),
        ("sun", Schedule("weekly", 6, time(19, 0), "UTC")),
        ("  weekly   Mon  06:00 ", Schedule("weekly", 0, time(6, 0), "UTC")),
    ],
)
def test_words_in_any_order_and_case(args, expected):
    assert parse_start_args(args, "UTC") == expected


@pytest.mark.parametrize(
    "args, says",
    [
        ("25:00", ['"25:00" is not a time of day', "for example 19:00"]),
        ("19:60", ['"19:60" is not a time of day']),
        ("13pm", ['"13pm" is not a time of day']),
        ("daily Mars/Base", ['"Mars/Base" is not a time zone I know', "Europe/London", "America/New_York"]),
        ("weekly 19:00", ["Weekly check-ins need a day", "/checkin start weekly wed"]),
        ("daily fri", ["A day only goes with weekly"]),
        ("daily weekly mon", ['you wrote "daily" and "weekly"']),
        ("19:00 20:00", ["Choose one time"]),
        ("Banana", ['I didn\'t understand "Banana"', "For example: /checkin start"]),
        ("London", ["Did you mean Europe/London?"]),
        ("EST", ['rather than "EST"', "America/New_York"]),
        ("localtime", ['rather than "localtime"']),
    ],
)
def test_parse_errors_say_what_is_wrong_and_give_an_example(args, says):
    with pytest.raises(ScheduleError) as caught:
        parse_start_args(args, "UTC")
    for fragment in says:
        assert fragment in str(caught.value)


def test_find_zone_matches_any_case():
    assert find_zone("AMERICA/new_york") == "America/New_York"
    assert find_zone("utc") == "UTC"
    assert find_zone("Mars/Base") is None


# --- storage form and description ------------------------------------------------------


@pytest.mark.parametrize(
    "schedule, text",
    [
        (Schedule("weekly", 2, time(19, 0), "Europe/London"), "weekly:2:19:00:Europe/London"),
        (Schedule("daily", None, time(7, 5), "UTC"), "daily:07:05:UTC"),
        (Schedule("weekdays", None, time(0, 0), "America/Argentina/Buenos_Aires"),
         "weekdays:00:00:America/Argentina/Buenos_Aires"),
    ],
)
def test_text_form_round_trips(schedule, text):
    assert schedule.to_text() == text
    assert Schedule.from_text(text) == schedule


@pytest.mark.parametrize(
    "text", ["", "daily", "weekly:19:00:UTC", "daily:2:19:00:UTC", "hourly:19:00:UTC", "daily:25:00:UTC",
             "daily:19:00:Mars/Base", "weekly:9:19:00:UTC", "daily:aa:00:UTC"],
)
def test_from_text_rejects_what_to_text_never_writes(text):
    with pytest.raises(ValueError):
        Schedule.from_text(text)


@pytest.mark.parametrize(
    "fields",
    [
        ("hourly", None, time(19), "UTC"),
        ("weekly", None, time(19), "UTC"),
        ("weekly", 7, time(19), "UTC"),
        ("daily", 1, time(19), "UTC"),
        ("daily", None, time(19, 0, 30), "UTC"),
        ("daily", None, time(19), "Nowhere/Special"),
    ],
)
def test_schedule_rejects_impossible_fields(fields):
    with pytest.raises(ScheduleError):
        Schedule(*fields)


def test_describe_is_compact_and_factual():
    assert describe(Schedule("daily", None, time(19), "Europe/London")) == "daily at 19:00 (Europe/London)"
    assert describe(Schedule("weekdays", None, time(8, 30), "UTC")) == "weekdays at 08:30 (UTC)"
    assert describe(Schedule("weekly", 2, time(19), "UTC")) == "Wednesdays at 19:00 (UTC)"


# --- wellbeing weeks -------------------------------------------------------------------


def test_wellbeing_week_is_every_fourth_iso_week_of_the_local_date():
    london = Schedule("daily", None, time(19), "Europe/London")
    assert is_wellbeing_week(utc(2026, 11, 26, 19), london)        # ISO week 48
    assert not is_wellbeing_week(utc(2026, 11, 19, 19), london)    # week 47
    # Sunday 22 Nov 23:30 UTC is still week 47 in London but Monday of week 48 in Tokyo.
    tokyo = Schedule("daily", None, time(8, 30), "Asia/Tokyo")
    assert not is_wellbeing_week(utc(2026, 11, 22, 23, 30), london)
    assert is_wellbeing_week(utc(2026, 11, 22, 23, 30), tokyo)


def test_wellbeing_slot_is_once_per_wellbeing_week():
    daily = Schedule("daily", None, time(19), "Europe/London")
    week_48 = slots(daily, utc(2026, 11, 22, 20), 7)          # Mon 23 .. Sun 29 Nov
    assert [is_wellbeing_slot(due, daily) for due in week_48] == [True] + [False] * 6
    weekly = Schedule("weekly", 2, time(19), "Europe/London")
    fridays = slots(weekly, utc(2026, 10, 1), 12)
    flags = [is_wellbeing_slot(due, weekly) for due in fridays]
    assert sum(flags) == 3 and flags[flags.index(True) + 1:flags.index(True) + 4] == [False] * 3
