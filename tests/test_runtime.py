"""The runtime loop with a stand-in platform at the network edge: scheduled sends, graceful stop."""
import asyncio

import pytest

from bot.actions import Audience
from bot.app import open_haven
from bot.health import Liveness
from bot.runtime import run_scheduled, serve
from tests.conftest import dm


class RecordingPlatform:
    """Stands in for Discord or Slack at the edge: records what it was asked to send."""

    platform = "console"

    def __init__(self, accept: bool = True) -> None:
        self.sent = []
        self.closed = False
        self.accept = accept

    def is_connected(self) -> bool:
        return not self.closed

    async def send_scheduled(self, action) -> bool:
        self.sent.append(action)
        return self.accept

    async def close(self) -> None:
        self.closed = True


async def test_a_round_sends_due_check_ins_and_confirms_them(haven, clock):
    await haven.handle(dm("/checkin start daily 19:00 UTC"))
    clock.advance(hours=1)
    platform = RecordingPlatform()
    stop = asyncio.Event()
    liveness = Liveness()
    task = asyncio.create_task(run_scheduled(haven, {"console": platform}, stop, liveness, interval=0.01))
    await asyncio.sleep(0.05)
    stop.set()
    await task
    assert [(a.to, a.user_id) for a in platform.sent] == [(Audience.MEMBER, "ana")]
    assert liveness.scheduler_beat == clock.now()
    reply = await haven.handle(dm("4"))  # the check-in was confirmed, so its answer is expected
    assert "4 out of 5" in reply.actions[0].text


async def test_a_platform_that_is_not_running_counts_as_a_failed_send(haven, clock):
    await haven.handle(dm("/checkin start daily 19:00 UTC"))
    clock.advance(hours=1)
    stop = asyncio.Event()
    stop.set()
    await run_scheduled(haven, {}, stop, interval=0)  # one round is skipped when already stopped
    assert haven.metrics.counts["checkins.failed"] == 0
    from bot.runtime import _one_round
    await _one_round(haven, {}, {})
    assert haven.metrics.counts["checkins.failed"] == 1


async def test_serve_stops_in_order_and_closes_the_database(content, clock, db_path):
    haven, storage = await open_haven(content, db_path, clock)
    platform = RecordingPlatform()
    stop = asyncio.Event()
    closed = []

    async def close_storage():
        await storage.close()
        closed.append(True)

    task = asyncio.create_task(serve(haven, {"console": platform}, stop, Liveness(), close_storage, interval=0.01))
    await asyncio.sleep(0.03)
    stop.set()
    await asyncio.wait_for(task, timeout=5)
    assert platform.closed and closed == [True]
    assert not await haven.database_ok()


async def test_scheduled_sends_wait_for_the_platform_rate_limit(haven, clock):
    from bot.rate_limit import TokenBucket

    for n in range(12):
        await haven.handle(dm("/checkin start daily 19:00 UTC", user=f"m{n}"))
    clock.advance(hours=1)
    waits = []

    async def virtual_sleep(seconds):
        waits.append(seconds)
        virtual[0] += seconds

    virtual = [0.0]
    limit = TokenBucket(rate=2, burst=4, monotonic=lambda: virtual[0], sleep=virtual_sleep)
    platform = RecordingPlatform()
    from bot.runtime import _one_round
    await _one_round(haven, {"console": platform}, {"console": limit})
    assert len(platform.sent) == 12
    assert virtual[0] == pytest.approx(4.0)  # 4 at once, then 8 more at 2 a second


async def test_uploaded_charts_and_exports_do_not_linger_on_disk(haven, clock):
    import os
    import time

    export = await haven.handle(dm("/mydata"))
    json_path, csv_path = export.actions[0].attachments
    old = time.time() - 3600
    os.utime(json_path, (old, old))
    assert haven.sweep_files(time.time()) == 1
    assert not json_path.exists() and csv_path.exists()  # the fresh one stays until it is old
    assert haven.sweep_files(time.time() + 601) == 1 and not csv_path.exists()
