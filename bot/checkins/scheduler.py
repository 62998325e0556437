"""The check-in scheduler: claim what is due, hand it to the adapter, hear back, move on.

Delivery is two-phase so a crash never loses a slot: a claim carries a lease, and the
slot is recorded as sent (and the schedule moved on) only when the adapter reports the
send. If the process dies in between, the lease runs out and the slot is claimed again;
the slot key (member + local date) stops a slot already recorded from going twice.
"""
from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta

from bot.actions import Action, Audience
from bot.checkins.flow import CheckinFlow
from bot.checkins.schedule import Schedule, is_wellbeing_slot, next_due, slot_key
from bot.clock import Clock
from bot.storage.engine import Storage

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
RETRY = timedelta(minutes=30)
PAUSE_AFTER_FAILURES = 3


class CheckinScheduler:
    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        flow: CheckinFlow,
        grace: timedelta = timedelta(hours=2),
        batch: int = 500,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._flow = flow
        self._grace = grace
        self._batch = batch

    async def due(self) -> list[Action]:
        """Check-in messages due now, each with a receipt for `delivered`.

        A slot missed by more than the grace window (the bot was down) is skipped to
        the next one rather than sent late.
        """
        now = self._clock.now()
        token = uuid.uuid4().hex
        claimed = []
        for row in await self._storage.claim_due_checkins(now, self._batch, token, now + LEASE):
            try:
                schedule = Schedule.from_text(row.schedule)
            except ValueError:
                log.error("unreadable check-in schedule; pausing it")
                await self._storage.pause_schedule(row.platform, row.user_id, None, "unreadable schedule", now)
                continue
            claimed.append((row, schedule, slot_key(schedule, row.next_due_at)))
        # One look-up for the whole batch: slots already sent by an earlier, interrupted claim.
        sent = await self._storage.sent_slots([(row.platform, row.user_id, slot) for row, _, slot in claimed])
        actions = []
        for row, schedule, slot in claimed:
            due = row.next_due_at
            if now - due > self._grace or (row.platform, row.user_id, slot) in sent:
                await self._storage.finish_checkin(
                    row.platform, row.user_id, token, None, "", next_due(schedule, now), now
                )
                continue
            kind = "who5" if is_wellbeing_slot(due, schedule) else "mood"
            text, buttons = self._flow.who5_prompt(slot, 0) if kind == "who5" else self._flow.mood_prompt(slot)
            receipt = json.dumps({"type": "checkin", "t": token, "p": row.platform, "u": row.user_id, "due": due.isoformat(),
                                  "slot": slot, "kind": kind, "s": row.schedule})
            actions.append(Action(
                Audience.MEMBER, text, buttons=buttons, platform=row.platform,
                community_id=row.community_id, user_id=row.user_id, receipt=receipt,
                idempotency_key=f"checkin:{row.platform}:{row.user_id}:{slot}",
            ))
        return actions

    async def delivered(self, receipt: str, ok: bool) -> list[Action]:
        """Record the outcome of a check-in send; returns anything to tell the member."""
        data = json.loads(receipt)
        platform, user_id, token = data["p"], data["u"], data["t"]
        now = self._clock.now()
        if not ok:
            paused = await self._storage.fail_checkin(
                platform, user_id, token, now + RETRY, PAUSE_AFTER_FAILURES, "direct messages failed"
            )
            if paused:
                log.info("check-ins paused after repeated delivery failures")
            return []
        schedule = Schedule.from_text(data["s"])
        following = next_due(schedule, max(now, datetime.fromisoformat(data["due"])))
        if await self._storage.finish_checkin(platform, user_id, token, data["slot"], data["kind"], following, now):
            await self._flow.await_answer(platform, user_id, data["kind"], data["slot"])
        return []
