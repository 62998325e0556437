"""Running Haven for real: adapters side by side over one core, the loop for scheduled
work, the health endpoint, and a graceful stop on SIGTERM/SIGINT."""
from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from typing import Awaitable, Callable, Protocol

from bot.actions import Action
from bot.haven import Haven
from bot.health import Liveness
from bot.rate_limit import TokenBucket

log = logging.getLogger(__name__)

TICK_SECONDS = 20.0


class Adapter(Protocol):
    """What the runtime needs of a platform adapter."""

    platform: str

    def is_connected(self) -> bool:
        """True while the platform connection is up (for /healthz)."""

    async def send_scheduled(self, action: Action) -> bool:
        """Deliver an action from `Haven.tick` (a check-in DM, a re-ping or a resource card
        for action.community_id); True when the platform accepted it."""

    async def close(self) -> None:
        """Stop taking events and disconnect."""


async def run_scheduled(haven: Haven, adapters: dict[str, Adapter], stop: asyncio.Event,
                        liveness: Liveness | None = None, interval: float = TICK_SECONDS,
                        limits: dict[str, TokenBucket] | None = None) -> None:
    """Every `interval` seconds: take what is due, send it through its platform, report back.

    On stop, the current round finishes (every claimed check-in is sent and confirmed)
    before the loop returns; nothing claimed is left hanging.
    """
    while not stop.is_set():
        if liveness is not None:
            liveness.scheduler_beat = haven.now()
        try:
            await _one_round(haven, adapters, limits or {})
            # Housekeeping on the file system's own clock: uploaded files do not linger.
            haven.sweep_files(time.time())
        except Exception:
            # The loop must outlive any one bad round: scheduled work is retried next time.
            log.exception("scheduled work failed")
            haven.metrics.incr("errors.tick")
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except asyncio.TimeoutError:
            pass


async def _one_round(haven: Haven, adapters: dict[str, Adapter], limits: dict[str, TokenBucket]) -> None:
    for action in await haven.tick():
        adapter = adapters.get(action.platform or "")
        ok = False
        if adapter is None:
            log.warning("scheduled action for a platform that is not running",
                        extra={"platform": action.platform})
        else:
            if action.platform in limits:
                # Spread a crowd of due check-ins instead of having the platform refuse them.
                await limits[action.platform].acquire()
            try:
                ok = await adapter.send_scheduled(action)
            except Exception:
                log.exception("scheduled send failed")
        for follow_up in await haven.delivered(action, ok):
            if adapter is not None:
                await adapter.send_scheduled(follow_up)


def install_stop_signals(stop: asyncio.Event) -> None:
    """First SIGTERM/SIGINT: stop gracefully. A second one: exit at once."""
    loop = asyncio.get_running_loop()

    def on_signal(signum: int) -> None:
        if stop.is_set():
            log.warning("second signal: exiting now")
            os._exit(128 + signum)
        log.info("stopping: finishing the current work", extra={"signal": signum})
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, on_signal, signum)


async def serve(
    haven: Haven,
    adapters: dict[str, Adapter],
    stop: asyncio.Event,
    liveness: Liveness,
    close_storage: Callable[[], Awaitable[None]],
    interval: float = TICK_SECONDS,
    limits: dict[str, TokenBucket] | None = None,
) -> None:
    """Run until `stop` is set, then shut down in order: scheduled work finishes its round,
    adapters stop taking events and disconnect, and the database is closed cleanly."""
    scheduled = asyncio.create_task(run_scheduled(haven, adapters, stop, liveness, interval, limits))
    await stop.wait()
    await scheduled
    for adapter in adapters.values():
        try:
            await adapter.close()
        except Exception:
            log.exception("adapter did not close cleanly", extra={"platform": adapter.platform})
    await close_storage()
    log.info("stopped")
