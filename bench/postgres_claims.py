"""Claiming 10,000 due check-ins out of 100,000 across 3 processes: PostgreSQL beside SQLite.

Usage: .venv/bin/python bench/postgres_claims.py [--schedules 100000] [--due 10000]
           [--processes 3] [--batch 500] [--url postgresql://…]

Without --url it starts a throwaway PostgreSQL cluster on loopback (as the tests do:
the Debian server binaries, run as the `postgres` user when we are root).

Two workloads, each on a fresh database per engine:
- claim: the storage's claim_due_checkins in batches until nothing is due (the part that
  must be safe across processes);
- scheduler: the real CheckinScheduler, claiming, building each message and recording
  each delivery (what a bot process does per check-in, minus the platform call).
Reported: total wall time from the common start to the last process done, and each
process's share of rows and its own busy time. Every row is checked to be claimed once.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.checkins.schedule import Schedule  # noqa: E402
from bot.storage.engine import open_storage  # noqa: E402

NOW = datetime(2026, 11, 26, 19, 0, tzinfo=timezone.utc)
LEASE = timedelta(minutes=10)
ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "Europe/Berlin"]


class FixedClock:
    def now(self) -> datetime:
        return NOW


def rows(schedules: int, due: int) -> list[tuple]:
    """checkin_schedule rows; the first `due` are due within the last hour."""
    rng = random.Random(1)
    out = []
    for n in range(schedules):
        zone = rng.choice(ZONES)
        when = NOW + timedelta(minutes=-rng.randrange(1, 60) if n < due else rng.randrange(1, 24 * 60))
        text = Schedule("daily", None, when.astimezone(ZoneInfo(zone)).time(), zone).to_text()
        out.append(("bench", f"user{n}", "c1", text, when, NOW - timedelta(days=1)))
    return out


async def seed(url: str, data: list[tuple]) -> None:
    store = await open_storage(url)  # creates the schema
    await store.close()
    if url.startswith("postgresql://"):
        import asyncpg
        conn = await asyncpg.connect(url)
        await conn.copy_records_to_table(
            "checkin_schedule", records=data,
            columns=["platform", "user_id", "community_id", "schedule", "next_due_at", "created_at"])
        await conn.execute("ANALYZE checkin_schedule")
        await conn.close()
    else:
        iso = lambda moment: moment.isoformat(timespec="seconds")  # noqa: E731
        with sqlite3.connect(url) as db:
            db.executemany(
                "INSERT INTO checkin_schedule (platform, user_id, community_id, schedule, next_due_at, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)", [(*r[:4], iso(r[4]), iso(r[5])) for r in data])


# -- one worker process ---------------------------------------------------------------

async def worker(url: str, mode: str, batch: int, go: Path) -> None:
    store = await open_storage(url)
    scheduler = None
    if mode == "scheduler":
        from bot.checkins.flow import CheckinFlow
        from bot.checkins.scheduler import CheckinScheduler
        from bot.checkins.who5 import load_who5
        from bot.messages import load_messages
        clock = FixedClock()
        flow = CheckinFlow(store, clock, load_messages(ROOT / "content" / "messages.yaml"),
                           load_who5(ROOT / "content" / "who5.yaml"))
        scheduler = CheckinScheduler(store, clock, flow, batch=batch)
    print("ready", flush=True)
    while not go.exists():
        await asyncio.sleep(0.005)
    start = time.time()
    claimed: list[str] = []
    while True:
        if scheduler is None:
            got = await store.claim_due_checkins(NOW, batch, uuid.uuid4().hex, NOW + LEASE)
            claimed.extend(row.user_id for row in got)
        else:
            got = await scheduler.due()
            for action in got:
                await scheduler.delivered(action.receipt, ok=True)
                claimed.append(action.user_id)
        if not got:
            break
    end = time.time()
    await store.close()
    print(json.dumps({"start": start, "end": end, "claimed": claimed}), flush=True)


# -- the parent -----------------------------------------------------------------------

def run_processes(url: str, mode: str, processes: int, batch: int, scratch: Path) -> dict:
    go = scratch / f"go-{uuid.uuid4().hex}"
    procs = [subprocess.Popen([sys.executable, __file__, "--worker", url, mode, str(batch), str(go)],
                              stdout=subprocess.PIPE, text=True) for _ in range(processes)]
    for proc in procs:
        if proc.stdout.readline().strip() != "ready":
            raise SystemExit("a worker failed to start")
    go.touch()
    results = []
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"a worker failed ({proc.returncode})")
        results.append(json.loads(out.strip().splitlines()[-1]))
    every = [user for r in results for user in r["claimed"]]
    return {
        "total_s": max(r["end"] for r in results) - min(r["start"] for r in results),
        "shares": [(len(r["claimed"]), r["end"] - r["start"]) for r in results],
        "rows": len(every),
        "unique": len(set(every)),
    }


def report(engine: str, mode: str, processes: int, figures: dict, due: int) -> None:
    shares = ", ".join(f"{n} rows in {s:.2f} s" for n, s in figures["shares"])
    ok = "each once" if figures["rows"] == figures["unique"] == due else (
        f"PROBLEM: {figures['rows']} claims, {figures['unique']} distinct, {due} due")
    print(f"{engine:10} {mode:9} {processes} process{'es' if processes > 1 else '  '}: "
          f"{figures['total_s']:6.2f} s total, {due / figures['total_s']:7.0f} check-ins/s; "
          f"per process: {shares}; {ok}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        _, _, url, mode, batch, go = sys.argv
        asyncio.run(worker(url, mode, int(batch), Path(go)))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--schedules", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--url", help="an empty scratch PostgreSQL database (its check-in tables are "
                                      "emptied before each run); default: a throwaway loopback cluster")
    args = parser.parse_args()
    data = rows(args.schedules, args.due)
    cluster = None
    if args.url is None:
        from tests.storage.postgres_server import PostgresCluster
        cluster = PostgresCluster.start()
    try:
        with tempfile.TemporaryDirectory(prefix="haven-bench-") as scratch_dir:
            scratch = Path(scratch_dir)
            print(f"{args.schedules} schedules, {args.due} due, batches of {args.batch}")
            for mode in ("claim", "scheduler"):
                for engine, processes in (("sqlite", 1), ("sqlite", args.processes),
                                          ("postgresql", 1), ("postgresql", args.processes)):
                    if engine == "sqlite":
                        url = str(scratch / f"{mode}-{processes}-{uuid.uuid4().hex}.db")
                    elif cluster is not None:
                        url = cluster.create_database("bench")
                    else:
                        url = args.url
                        asyncio.run(_reset(url))
                    asyncio.run(seed(url, data))
                    figures = run_processes(url, mode, processes, args.batch, scratch)
                    report(engine, mode, processes, figures, args.due)
    finally:
        if cluster is not None:
            cluster.stop()


async def _reset(url: str) -> None:
    """With --url one database serves every run: empty the tables the bench writes."""
    import asyncpg
    store = await open_storage(url)  # creates the schema on first use
    await store.close()
    conn = await asyncpg.connect(url)
    await conn.execute("TRUNCATE checkin_schedule, checkin_slot, conversation_state")
    await conn.close()


if __name__ == "__main__":
    main()
