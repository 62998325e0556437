"""Claiming due check-ins: 100,000 schedules, 10,000 due, on a real SQLite file.

Usage: .venv/bin/python bench/checkin_claims.py [--schedules 100000] [--due 10000] [--rounds 5]

Reports the time to claim one batch of all due check-ins (storage alone), the time
for the scheduler to claim and build the 10,000 messages, and RSS across rounds
(each round makes 10,000 due again), to show memory stays flat.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sqlite3
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import load_content, open_haven  # noqa: E402
from bot.checkins.schedule import Schedule, next_due  # noqa: E402
from bot.storage.sqlite import SqliteStorage, _ts  # noqa: E402

NOW = datetime(2026, 11, 26, 19, 0, tzinfo=timezone.utc)
ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "Europe/Berlin"]


class FixedClock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


def seed(path: Path, schedules: int, due: int) -> None:
    """Fill the database directly with SQL: the benchmark is about claiming, not inserting."""
    rng = random.Random(1)
    rows = []
    for n in range(schedules):
        zone = rng.choice(ZONES)
        text = Schedule("daily", None, datetime(2026, 1, 1, rng.randrange(24), rng.choice((0, 30))).time(),
                        zone).to_text()
        when = NOW - timedelta(minutes=rng.randrange(1, 60)) if n < due else NOW + timedelta(
            minutes=rng.randrange(1, 24 * 60))
        rows.append(("bench", f"user{n}", "c1", text, _ts(when), _ts(NOW)))
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO checkin_schedule (platform, user_id, community_id, schedule, next_due_at, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)", rows)


def rss_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schedules", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    content = load_content(ROOT / "content")
    with tempfile.TemporaryDirectory() as scratch:
        db_path = Path(scratch) / "bench.db"
        storage = await SqliteStorage.open(db_path)
        await storage.close()
        seed(db_path, args.schedules, args.due)

        storage = await SqliteStorage.open(db_path)
        start = time.perf_counter()
        claimed = await storage.claim_due_checkins(NOW, args.due, "bench", NOW + timedelta(minutes=10))
        claim_s = time.perf_counter() - start
        await storage.close()
        print(f"{args.schedules} schedules: claiming a batch of {len(claimed)} due check-ins "
              f"(storage alone): {claim_s:.3f} s")

        with sqlite3.connect(db_path) as db:  # release the claims for the scheduler run
            db.execute("UPDATE checkin_schedule SET claim_token = NULL, claimed_until = NULL")
        clock = FixedClock(NOW)
        haven, storage = await open_haven(content, db_path, clock)
        haven._scheduler._batch = args.due
        for round_number in range(1, args.rounds + 1):
            start = time.perf_counter()
            actions = await haven.tick()
            tick_s = time.perf_counter() - start
            start = time.perf_counter()
            for action in actions:
                await haven.delivered(action, ok=True)
            delivered_s = time.perf_counter() - start
            print(f"round {round_number}: scheduler claimed and built {len(actions)} check-ins in {tick_s:.3f} s; "
                  f"recording {len(actions)} deliveries took {delivered_s:.2f} s; RSS {rss_mib():.0f} MiB")
            # A day later: everything is in the future again except the same number, just due.
            clock.current += timedelta(days=1)
            with sqlite3.connect(db_path) as db:
                db.execute("UPDATE checkin_schedule SET next_due_at = ?", (_ts(clock.current + timedelta(hours=1)),))
                db.execute("UPDATE checkin_schedule SET next_due_at = ? WHERE rowid IN "
                           "(SELECT rowid FROM checkin_schedule ORDER BY random() LIMIT ?)",
                           (_ts(clock.current - timedelta(minutes=1)), args.due))
        await storage.close()
        start = time.perf_counter()
        schedules = [Schedule.from_text(r.schedule) for r in claimed]
        for schedule in schedules * (args.schedules // max(len(schedules), 1)):
            next_due(schedule, NOW)
        print(f"next due instants for {args.schedules} schedules: {time.perf_counter() - start:.3f} s")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
