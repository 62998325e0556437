"""Time `next_due` for 100,000 varied check-in schedules (target: at most 2 s in total).

Usage: .venv/bin/python bench/checkin_schedule.py [--schedules 100000] [--seed 7]

Schedules mix every frequency, weekdays, whole and half-hour times (01:00-02:59 included,
so daylight-saving gaps and repeats are hit) and every Region/City zone of the tz
database; each is asked for its next slot after a random instant in 2026. Building the
schedules (which loads each zone once) is not timed: the scheduler holds them already.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, time as clock_time, timedelta, timezone
from pathlib import Path
from zoneinfo import available_timezones

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.checkins.schedule import Schedule, next_due  # noqa: E402


def schedules(n: int, rng: random.Random) -> list[tuple[Schedule, datetime]]:
    zones = sorted(name for name in available_timezones() if "/" in name) + ["UTC"]
    year_start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    out = []
    for _ in range(n):
        frequency = rng.choice(("daily", "weekdays", "weekly"))
        weekday = rng.randrange(7) if frequency == "weekly" else None
        hour = rng.choice((1, 2, 2, 7, 8, 12, 18, 19, 20, 22, rng.randrange(24)))
        at = clock_time(hour, rng.choice((0, 30, rng.randrange(60))))
        after = year_start + timedelta(seconds=rng.randrange(365 * 86400))
        out.append((Schedule(frequency, weekday, at, rng.choice(zones)), after))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schedules", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    cases = schedules(args.schedules, random.Random(args.seed))
    start = time.perf_counter()
    for schedule, after in cases:
        next_due(schedule, after)
    total = time.perf_counter() - start
    print(f"next_due x {len(cases):,}: {total:.3f} s total, {total / len(cases) * 1e6:.1f} µs each")


if __name__ == "__main__":
    main()
