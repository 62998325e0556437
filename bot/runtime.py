"""Running Haven for real: adapters side by side over one core, and the loop for scheduled work."""
from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from bot.actions import Action
from bot.haven import Haven

log = logging.getLogger(__name__)

TICK_SECONDS = 20.0


class Adapter(Protocol):
    """What the runtime needs of a platform adapter."""

    platform: str

    async def start(self) -> None:
        """Connect and begin feeding events to the core; returns once connected (or raises)."""

    async def send_scheduled(self, action: Action) -> bool:
        """Deliver an action from `Haven.tick` (a check-in DM, a re-ping to the moderator
        channel of action.community_id); True when the platform accepted it."""

    async def close(self) -> None:
        """Stop taking events and disconnect."""


async def run_scheduled(haven: Haven, adapters: dict[str, Adapter], stop: asyncio.Event,
                        interval: float = TICK_SECONDS) -> None:
    """Every `interval` seconds: take what is due, send it through its platform, report back."""
    while not stop.is_set():
        try:
            for action in await haven.tick():
                adapter = adapters.get(action.platform or "")
                if adapter is None:
                    log.warning("scheduled action for a platform that is not running",
                                extra={"platform": action.platform})
                    ok = False
                else:
                    try:
                        ok = await adapter.send_scheduled(action)
                    except Exception:
                        log.exception("scheduled send failed")
                        ok = False
                for follow_up in await haven.delivered(action, ok):
                    if adapter is not None:
                        await adapter.send_scheduled(follow_up)
        except Exception:
            # The loop must outlive any one bad tick: scheduled work is retried next time.
            log.exception("scheduled work failed")
            haven.metrics.incr("errors.tick")
        try:
            await asyncio.wait_for(stop.wait(), timeout=interval)
        except asyncio.TimeoutError:
            pass
