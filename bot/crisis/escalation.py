"""Escalation: the private message to the member, the page to moderators, and its record.

Safety rule: an error here never swallows a crisis. If the database fails, the member
still gets their message and the moderators still get the alert, marked as unsaved.
"""
from __future__ import annotations

import json
import logging
from dataclasses import replace
from datetime import timedelta

from bot.actions import Action, Audience, Button, Urgency
from bot.clock import Clock
from bot.community import CommunitySettings
from bot.crisis.signals import Detection, Signal, Tier
from bot.crisis.resources import Country, CrisisResources
from bot.events import Member, Message
from bot.messages import Messages
from bot.metrics import Metrics
from bot.storage.records import Escalation
from bot.storage.engine import Storage

log = logging.getLogger(__name__)

ICONS = {Tier.IMMINENT.value: "🚨", Tier.HIGH.value: "⚠️", Tier.CONCERN.value: "💬"}
# A refused alert is paged again this soon.
ALERT_RETRY = timedelta(minutes=1)
# A claimed re-ping not confirmed by then (the process died, the send failed) comes due again.
REPING_LEASE = timedelta(minutes=2)
# Re-pings stop after this many: by then the alert has been loud for half an hour or more,
# and more noise helps nobody; the alert stays open in /escalations.
MAX_REPINGS = 6


def crisis_lines(messages: Messages, resources: CrisisResources, country: Country, imminent: bool) -> str:
    """The member-facing block: emergency first when imminent, one or two lines, the directory."""
    parts = []
    if imminent:
        parts.append(messages("crisis.imminent_first", emergency=country.emergency))
    parts.append(messages("crisis.options"))
    parts.extend(f"• {line.describe()}" for line in country.lines[:2])
    parts.append(country.what_to_expect or messages("crisis.what_to_expect"))
    parts.append(messages("crisis.directory", directory_url=resources.directory.url))
    return "\n".join(parts)


def ack_buttons(messages: Messages, escalation_id: int) -> tuple[Button, ...]:
    return (
        Button(messages("alert.reach_out_button"), f"esc:ack:{escalation_id}"),
        Button(messages("alert.resolve_button"), f"esc:resolve:{escalation_id}"),
    )


class Escalations:
    """Turns a detection into actions and keeps the escalation's history in storage."""

    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        messages: Messages,
        resources: CrisisResources,
        metrics: Metrics,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._messages = messages
        self._resources = resources
        self._metrics = metrics

    def crisis_card(self, country: Country) -> str:
        """Crisis lines for /crisis: the emergency number, one or two lines, the directory."""
        return crisis_lines(self._messages, self._resources, country, imminent=True)

    def member_message(self, country: Country, tier: Tier, repeat: bool) -> str:
        intro = self._messages("crisis.repeat_intro" if repeat else "crisis.intro")
        body = crisis_lines(self._messages, self._resources, country, tier is Tier.IMMINENT)
        return f"{intro}\n\n{body}"

    async def escalate(
        self,
        message: Message,
        detection: Detection,
        settings: CommunitySettings,
        country: Country,
    ) -> list[Action]:
        """Actions for a high or imminent detection; records the escalation when it can."""
        tier = detection.tier
        signal = detection.signal
        now = self._clock.now()
        self._metrics.incr(f"escalations.{tier.value}")
        previous = await self._previous(message, settings)
        repeat = previous is not None and Tier(previous.tier).rank >= tier.rank
        member_action = Action(Audience.MEMBER, self.member_message(country, tier, repeat))
        actions = [member_action]
        if settings.public_notice and not message.place.is_dm:
            actions.append(Action(Audience.CHANNEL, self._messages("crisis.public_notice")))
        if repeat:
            # Within the cooldown and not a higher tier: no new page, but the moderators
            # working the open alert still learn that the member wrote again.
            await self._note(previous.id, "repeat signal", f"tier={tier.value} signal={signal.id}")
            actions.append(Action(
                Audience.MODERATORS,
                self._messages("alert.repeat", id=previous.id, tier=tier.value, signal=signal.id),
            ))
            return actions
        escalation_id = await self._record(message, tier, "self", signal, settings, now)
        if escalation_id is not None:
            # The adapter reports both sends back (Haven.delivered): a refused alert is paged
            # again, and moderators hear when the member's private message did not arrive.
            actions[0] = replace(member_action, receipt=_alert_receipt(escalation_id, "member"))
        sent = (
            self._messages("alert.sent_imminent", emergency=country.emergency, country=country.name)
            if tier is Tier.IMMINENT
            else self._messages("alert.sent_high", country=country.name)
        )
        alert = self._alert(message, tier, signal, settings, escalation_id, sent)
        if escalation_id is not None:
            alert = replace(alert, receipt=_alert_receipt(escalation_id, "moderators"))
        actions.append(alert)
        if escalation_id is not None:
            await self._note(escalation_id, "member messaged", "private message queued")
            await self._note(escalation_id, "moderators alerted", settings.moderator_channel or "no channel set")
        return actions

    async def harassment(self, message: Message, signal: Signal) -> list[Action]:
        """A moderation alert for "kys" aimed at someone else; nothing goes to the sender."""
        self._metrics.incr("escalations.harassment")
        return [Action(
            Audience.MODERATORS,
            self._messages(
                "alert.harassment",
                member=_who(message.member),
                where=_where(message),
                signal=signal.id,
                link=message.link,
            ).strip(),
        )]

    async def acknowledge(self, escalation_id: int, moderator: Member) -> list[Action]:
        return await self._close(escalation_id, moderator, resolve=False)

    async def resolve(self, escalation_id: int, moderator: Member, keep_excerpt: bool) -> list[Action]:
        return await self._close(escalation_id, moderator, resolve=True, keep_excerpt=keep_excerpt)

    async def due_repings(self, settings_for) -> list[Action]:
        """Louder re-sends for imminent alerts nobody acknowledged in time.

        `settings_for(platform, community_id)` gives each community's settings. The timer
        lives in the database, so a restart resumes it.
        """
        now = self._clock.now()
        actions = []
        for escalation in await self._storage.due_repings(now):
            if not await self._storage.claim_reping(escalation.id, now + REPING_LEASE, now):
                continue  # another loop took it
            minutes = int((now - escalation.created_at).total_seconds() // 60)
            actions.append(Action(
                Audience.MODERATORS,
                self._messages(
                    "alert.reping",
                    icon=ICONS.get(escalation.tier, "⚠️"),
                    minutes=minutes,
                    id=escalation.id,
                    tier=escalation.tier.upper(),
                    member=escalation.user_id,
                    where=escalation.link or f"channel {escalation.channel_id}",
                ),
                buttons=ack_buttons(self._messages, escalation.id),
                urgency=Urgency.LOUD,
                platform=escalation.platform,
                community_id=escalation.community_id,
                user_id=escalation.user_id,
                receipt=json.dumps({"type": "reping", "id": escalation.id}),
                idempotency_key=f"reping:{escalation.platform}:{escalation.id}:{escalation.ping_count + 1}",
            ))
        return actions

    async def alert_delivered(self, escalation_id: int, part: str, ok: bool) -> list[Action]:
        """The platform's answer on a new escalation's sends. A refused alert is paged again in
        a minute; an undelivered private message is reported to the moderators."""
        now = self._clock.now()
        what = f"{'member message' if part == 'member' else 'moderator alert'} {'delivered' if ok else 'refused'}"
        await self._note(escalation_id, what, "")
        if ok:
            return []
        if part == "moderators":
            await self._storage.retry_alert(escalation_id, now + ALERT_RETRY)
            return []
        escalation = await self._storage.get_escalation(escalation_id)
        if escalation is None:
            return []
        return [Action(
            Audience.MODERATORS, self._messages("alert.member_unreachable", id=escalation_id),
            platform=escalation.platform, community_id=escalation.community_id,
        )]

    async def reping_delivered(self, escalation_id: int, ok: bool, settings_for) -> None:
        """The platform's answer on a re-ping: accepted moves the timer to the next one;
        refused leaves the claim to run out, so it is tried again."""
        if not ok:
            return
        escalation = await self._storage.get_escalation(escalation_id)
        if escalation is None:
            return
        now = self._clock.now()
        settings = await settings_for(escalation.platform, escalation.community_id)
        # Only imminent alerts keep paging; a high one re-sent after a refusal goes once.
        last = escalation.tier != Tier.IMMINENT.value or escalation.ping_count + 1 >= MAX_REPINGS
        await self._storage.confirm_reping(
            escalation_id, None if last else now + timedelta(minutes=settings.reping_minutes), now)

    # -- internals ------------------------------------------------------------------

    async def _previous(self, message: Message, settings: CommunitySettings) -> Escalation | None:
        since = self._clock.now() - timedelta(minutes=settings.cooldown_minutes)
        try:
            return await self._storage.last_escalation_for(
                message.member.platform, message.member.user_id, "self", since
            )
        except Exception:
            # Without the cooldown lookup we page again: a duplicate alert beats a lost one.
            log.exception("cooldown lookup failed")
            self._metrics.incr("errors.storage")
            return None

    async def _record(self, message, tier, category, signal, settings, now) -> int | None:
        excerpt = _excerpt(message.text, settings.excerpt_length)
        next_ping = now + timedelta(minutes=settings.reping_minutes) if tier is Tier.IMMINENT else None
        try:
            return await self._storage.create_escalation(
                platform=message.member.platform,
                community_id=message.place.community_id,
                channel_id=message.place.channel_id,
                user_id=message.member.user_id,
                message_id=message.message_id,
                link=message.link,
                tier=tier.value,
                category=category,
                signal=signal.id,
                excerpt=excerpt,
                now=now,
                next_ping_at=next_ping,
            )
        except Exception:
            log.exception("escalation not saved")
            self._metrics.incr("errors.storage")
            return None

    async def _note(self, escalation_id: int, what: str, detail: str) -> None:
        try:
            await self._storage.add_escalation_event(escalation_id, what, detail, self._clock.now())
        except Exception:
            log.exception("escalation history not saved")
            self._metrics.incr("errors.storage")

    def _alert(self, message, tier, signal, settings, escalation_id, sent) -> Action:
        m = self._messages
        title = m("alert.title", icon=ICONS[tier.value], id=escalation_id if escalation_id else "?",
                  tier=tier.value.upper())
        report_key = f"report_self_harm.{message.member.platform}"
        body = m(
            "alert.body",
            member=_who(message.member),
            where=_where(message),
            signal=signal.id,
            signal_comment=signal.comment,
            excerpt=_excerpt(message.text, settings.excerpt_length) or m("alert.no_excerpt"),
            sent=sent,
            report=m(report_key) if m.has(report_key) else m("report_self_harm.console"),
        )
        parts = [title, body]
        if escalation_id is None:
            parts.append(m("alert.unsaved"))
        if not settings.moderator_channel and message.member.platform != "console":
            parts.append(m("no_moderator_channel"))
        return Action(
            Audience.MODERATORS,
            "\n".join(parts),
            buttons=ack_buttons(m, escalation_id) if escalation_id else (),
            urgency=Urgency.LOUD if tier is Tier.IMMINENT else Urgency.NORMAL,
        )

    async def _close(self, escalation_id: int, moderator: Member, resolve: bool, keep_excerpt: bool = False):
        m = self._messages
        now = self._clock.now()
        who = _who(moderator)
        if resolve:
            changed = await self._storage.resolve_escalation(escalation_id, who, now, keep_excerpt)
        else:
            changed = await self._storage.acknowledge_escalation(escalation_id, who, now)
        if changed:
            key = "alert.resolved" if resolve else "alert.acknowledged"
            return [Action(Audience.MODERATORS, m(key, id=escalation_id, moderator=who))]
        escalation = await self._storage.get_escalation(escalation_id)
        if escalation is None:
            return [Action(Audience.MEMBER, m("alert.unknown", id=escalation_id))]
        return [Action(Audience.MEMBER, m("alert.already", id=escalation_id, state=escalation.state))]


def _alert_receipt(escalation_id: int, part: str) -> str:
    return json.dumps({"type": "alert", "id": escalation_id, "part": part})


def _who(member: Member) -> str:
    return f"{member.display_name} ({member.user_id})" if member.display_name else member.user_id


def _where(message: Message) -> str:
    place = "a direct message" if message.place.is_dm else f"channel {message.place.channel_id}"
    return f"{place} {message.link}".strip()


def _excerpt(text: str, length: int) -> str | None:
    if length <= 0:
        return None
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"
