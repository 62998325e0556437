"""Three scheduler processes, one PostgreSQL database, 5,000 due check-ins: each is sent
exactly once, including when one process is SIGKILLed in the middle of a batch.

The killed process stops between two sends (after one send was recorded and before the
next began), so every message it sent is on record. A process killed between the
platform accepting a message and the record of it may, after the lease, send that one
message again: two-phase delivery narrows a duplicate to that window; it cannot close it.
"""
import asyncio
import json
import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg

from bot.checkins.schedule import Schedule, slot_key
from bot.checkins.scheduler import LEASE
from bot.storage.postgres import PostgresStorage

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
CHECKINS = 5000
BATCH = 250
PAUSE_AFTER = 100
ZONES = ("UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney")
WORKER = Path(__file__).with_name("claim_worker.py")


def due_schedules() -> list[tuple]:
    """checkin_schedule rows, all due within the last hour, in several zones."""
    rows = []
    for n in range(CHECKINS):
        zone = ZONES[n % len(ZONES)]
        due = NOW - timedelta(minutes=1 + n % 59)
        schedule = Schedule("daily", None, due.astimezone(ZoneInfo(zone)).time(), zone)
        rows.append(("console", f"user{n}", "c1", schedule.to_text(), due, NOW - timedelta(days=1)))
    return rows


def errors_of(process: subprocess.Popen) -> str:
    """The end of a worker's stderr (kept in a file, so a chatty worker never blocks on a pipe)."""
    workdir, name = Path(process.args[4]), process.args[3]
    return (workdir / f"{name}.stderr").read_text(errors="replace")[-2000:]


async def wait_until(condition, what: str, workers: dict[str, subprocess.Popen], guard_seconds: float = 300):
    """Poll until `condition()` is true. The guard only turns a hang into a failure; nothing
    here measures speed."""
    loop = asyncio.get_running_loop()
    give_up = loop.time() + guard_seconds
    while not await condition():
        for name, process in workers.items():
            if process.poll() is not None:
                raise AssertionError(f"worker {name} exited ({process.returncode}) while waiting for {what}: "
                                     f"{process.args[3]} stderr: {errors_of(process)}")
        if loop.time() > give_up:
            raise AssertionError(f"gave up waiting for {what}")
        await asyncio.sleep(0.1)


async def test_three_processes_send_each_checkin_exactly_once_despite_a_kill(pg_url, tmp_path):
    storage = await PostgresStorage.open(pg_url)  # migrates the schema
    await storage.close()
    db = await asyncpg.connect(pg_url)
    workers: dict[str, subprocess.Popen] = {}
    try:
        await db.copy_records_to_table(
            "checkin_schedule", records=due_schedules(),
            columns=["platform", "user_id", "community_id", "schedule", "next_due_at", "created_at"])
        await db.execute("CREATE TABLE sent_log (platform text, user_id text, slot text, worker text, "
                         "at timestamptz)")  # no unique key: a duplicate send must be countable
        (tmp_path / "clock").write_text(NOW.isoformat())

        for name in ("a", "b", "victim"):
            extra = ["--pause-after", str(PAUSE_AFTER)] if name == "victim" else []
            workers[name] = subprocess.Popen(
                [sys.executable, str(WORKER), pg_url, name, str(tmp_path), "--batch", str(BATCH), *extra],
                stdout=subprocess.DEVNULL, stderr=(tmp_path / f"{name}.stderr").open("wb"),
                cwd=Path(__file__).resolve().parents[2],
            )

        async def all_ready():
            return all((tmp_path / f"{name}.ready").exists() for name in workers)

        await wait_until(all_ready, "the workers to start", workers)
        (tmp_path / "go").touch()

        async def victim_paused():
            return (tmp_path / "victim.paused").exists()

        await wait_until(victim_paused, "the victim to reach the middle of a batch", workers)
        os.kill(workers["victim"].pid, signal.SIGKILL)
        assert workers.pop("victim").wait() == -signal.SIGKILL
        paused = json.loads((tmp_path / "victim.paused").read_text())
        assert paused["unsent"] > 0

        async def due_at(moment):
            return await db.fetchval("SELECT count(*) FROM checkin_schedule WHERE next_due_at <= $1", moment)

        async def only_the_dead_claims_left():
            return await due_at(NOW) <= paused["unsent"]

        # The survivors send everything but the dead process's claimed rows, whose lease holds.
        await wait_until(only_the_dead_claims_left, "the survivors to drain the rest", workers)
        assert await due_at(NOW) == paused["unsent"]
        assert await db.fetchval("SELECT count(*) FROM checkin_schedule WHERE next_due_at <= $1 "
                                 "AND claim_token = $2", NOW, paused["token"]) == paused["unsent"]

        after_lease = NOW + LEASE + timedelta(minutes=1)
        (tmp_path / "clock").write_text(after_lease.isoformat())

        async def nothing_due():
            return await due_at(after_lease) == 0

        await wait_until(nothing_due, "the survivors to take over the expired claims", workers)
        (tmp_path / "stop").touch()
        for name, process in workers.items():
            assert process.wait(timeout=120) == 0, errors_of(process)

        duplicates = await db.fetch("SELECT user_id, slot, count(*) FROM sent_log GROUP BY user_id, slot "
                                    "HAVING count(*) > 1 LIMIT 10")
        assert duplicates == []
        sent = {(r["user_id"], r["slot"]) for r in await db.fetch("SELECT user_id, slot FROM sent_log")}
        expected = {(user, slot_key(Schedule.from_text(text), due)) for _, user, _, text, due, _ in due_schedules()}
        assert await db.fetchval("SELECT count(*) FROM sent_log") == CHECKINS
        assert sent == expected
        by_worker = dict(await db.fetch("SELECT worker, count(*) FROM sent_log GROUP BY worker"))
        assert by_worker["victim"] == PAUSE_AFTER
        assert by_worker.get("a", 0) + by_worker.get("b", 0) == CHECKINS - PAUSE_AFTER
        # The dead process's unsent claims went out once the lease was over, and only then.
        assert await db.fetchval("SELECT count(*) FROM sent_log WHERE at = $1", after_lease) == paused["unsent"]
        assert await db.fetchval("SELECT count(*) FROM checkin_slot") == CHECKINS
        assert await db.fetchval("SELECT count(*) FROM checkin_schedule WHERE claim_token IS NOT NULL "
                                 "OR next_due_at <= $1", after_lease) == 0
    finally:
        for process in workers.values():
            if process.poll() is None:
                process.kill()
                process.wait()
        await db.close()
