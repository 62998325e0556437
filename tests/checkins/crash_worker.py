"""A check-in sender for the crash test: runs the real scheduler over a SQLite file and
"sends" through a stand-in platform that appends each attempt's idempotency key to a log.

Usage: python crash_worker.py DB LOG OFFSET_MINUTES DELAY_SECONDS
"""
import asyncio
import os
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bot.app import load_content, open_haven  # noqa: E402


class OffsetClock:
    """The wall clock moved by a fixed offset (the restarted run lives after the lease)."""

    def __init__(self, minutes: float) -> None:
        self.offset = timedelta(minutes=minutes)

    def now(self) -> datetime:
        return datetime.now(timezone.utc) + self.offset


async def main(db: str, log: str, offset: float, delay: float) -> None:
    haven, storage = await open_haven(load_content(ROOT / "content"), Path(db), OffsetClock(offset))
    while actions := await haven.tick():
        for action in actions:
            with open(log, "a") as platform:
                platform.write(f"{action.idempotency_key}\n")
                platform.flush()
                os.fsync(platform.fileno())
            time.sleep(delay)  # a slow platform, so the kill lands mid-batch
            await haven.delivered(action, ok=True)
    await storage.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])))
