"""SIGKILL in the middle of a batch of check-ins and escalation re-pings over a real SQLite
file, then a restart: everything due goes out, and at most the one send in flight at the
kill is attempted twice (with the same idempotency key, which the platform honours)."""
import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bot.checkins.schedule import Schedule, next_due
from bot.storage.sqlite import SqliteStorage

WORKER = Path(__file__).with_name("crash_worker.py")
MEMBERS = 150
ALERTS = 60


async def seed(db: Path) -> None:
    now = datetime.now(timezone.utc)
    minute = (now - timedelta(minutes=2)).replace(second=0, microsecond=0)
    schedule = Schedule("daily", None, minute.time(), "UTC")
    due = next_due(schedule, minute - timedelta(minutes=1))
    storage = await SqliteStorage.open(db)
    for n in range(MEMBERS):
        await storage.set_schedule("console", f"m{n}", "c1", schedule.to_text(), due, now)
    for n in range(ALERTS):
        await storage.create_escalation(
            platform="console", community_id="c1", channel_id="general", user_id=f"a{n}", message_id=str(n),
            link="", tier="imminent", category="self", signal="plan", excerpt=None,
            now=now - timedelta(minutes=6), next_ping_at=now - timedelta(minutes=1))
    await storage.close()


def worker(db, log, offset, delay):
    return subprocess.Popen([sys.executable, str(WORKER), str(db), str(log), str(offset), str(delay)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def attempts(log: Path) -> Counter:
    return Counter(log.read_text().split()) if log.exists() else Counter()


def test_sigkill_mid_batch_loses_nothing_and_repeats_at_most_the_send_in_flight(tmp_path):
    db, log = tmp_path / "haven.db", tmp_path / "platform.log"
    asyncio.run(seed(db))

    first = worker(db, log, 0, 0.01)
    deadline = time.monotonic() + 120
    while sum(attempts(log).values()) < 40:
        assert first.poll() is None, first.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline, "the first worker never got going"
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait()
    before = attempts(log)
    assert 40 <= sum(before.values()) < MEMBERS + ALERTS  # killed mid-batch

    # Restarted after the claims' lease (10 minutes) has run out.
    second = worker(db, log, 11, 0)
    assert second.wait(timeout=300) == 0, second.stderr.read().decode()[-2000:]

    after = attempts(log)
    checkins = {key for key in after if key.startswith("checkin:")}
    day = next(iter(checkins)).rsplit(":", 1)[1]
    assert checkins == {f"checkin:console:m{n}:{day}" for n in range(MEMBERS)}
    # Each alert's first re-ping went out; the restart, 11 minutes on, is rightly due a second.
    first_repings = {key for key in after if key.startswith("reping:") and key.endswith(":1")}
    assert first_repings == {f"reping:console:{n + 1}:1" for n in range(ALERTS)}
    repeated = [key for key, count in after.items() if count > 1]
    assert len(repeated) <= 1 and all(after[key] == 2 for key in repeated)

    # And a third run sends nothing more: every slot is recorded as sent.
    third = worker(db, log, 12, 0)
    assert third.wait(timeout=300) == 0
    assert attempts(log) == after
