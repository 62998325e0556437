"""One scheduler process for test_multiprocess_claims: the real CheckinScheduler over
PostgresStorage, "sending" each check-in by writing a row to sent_log.

Usage: python claim_worker.py URL NAME WORKDIR [--batch N] [--pause-after K]

The worker's clock is the instant in WORKDIR/clock (re-read at every call), so the test
can move time past the claim lease. It announces WORKDIR/NAME.ready, waits for
WORKDIR/go, then claims and sends until WORKDIR/stop exists and nothing more is due.
With --pause-after K it stops for good after its K-th completed send, in the middle of a
batch, and writes WORKDIR/NAME.paused (its claim token and the unsent rest of the batch)
so the test can SIGKILL it there.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import asyncpg  # noqa: E402

from bot.checkins.flow import CheckinFlow  # noqa: E402
from bot.checkins.scheduler import CheckinScheduler  # noqa: E402
from bot.checkins.who5 import load_who5  # noqa: E402
from bot.config import CONTENT_DIR  # noqa: E402
from bot.messages import load_messages  # noqa: E402
from bot.storage.postgres import PostgresStorage  # noqa: E402


class FileClock:
    """The instant written in a file: the test moves time for every process at once."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def now(self) -> datetime:
        return datetime.fromisoformat(self._path.read_text().strip())


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("name")
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--batch", type=int, default=250)
    parser.add_argument("--pause-after", type=int, default=0)
    args = parser.parse_args()
    work: Path = args.workdir

    clock = FileClock(work / "clock")
    storage = await PostgresStorage.open(args.url)
    flow = CheckinFlow(storage, clock, load_messages(CONTENT_DIR / "messages.yaml"),
                       load_who5(CONTENT_DIR / "who5.yaml"))
    scheduler = CheckinScheduler(storage, clock, flow, batch=args.batch)
    outbox = await asyncpg.connect(args.url)  # stands in for the platform: one row per message sent

    (work / f"{args.name}.ready").touch()
    while not (work / "go").exists():
        await asyncio.sleep(0.02)

    sent = 0
    while True:
        actions = await scheduler.due()
        for position, action in enumerate(actions):
            receipt = json.loads(action.receipt)
            if args.pause_after and sent == args.pause_after:
                (work / f"{args.name}.paused").write_text(
                    json.dumps({"token": receipt["t"], "unsent": len(actions) - position}))
                await asyncio.sleep(3600)  # the test kills this process here
            await outbox.execute(
                "INSERT INTO sent_log (platform, user_id, slot, worker, at) VALUES ($1, $2, $3, $4, $5)",
                action.platform, action.user_id, receipt["slot"], args.name, clock.now(),
            )
            await scheduler.delivered(action.receipt, ok=True)
            sent += 1
        if not actions:
            if (work / "stop").exists():
                break
            await asyncio.sleep(0.05)
    await outbox.close()
    await storage.close()


if __name__ == "__main__":
    asyncio.run(main())
