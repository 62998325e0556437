"""Moderator commands: resource cards, community settings, the escalation queue, anonymous stats.

The core checks who is a moderator before any of these run (bot/commands.py marks them).
"""
from __future__ import annotations

from dataclasses import fields
from datetime import datetime, timedelta

from bot.actions import Action, Audience
from bot.clock import Clock
from bot.community import CommunitySettings, parse_setting
from bot.crisis.escalation import Escalations, crisis_lines
from bot.crisis.resources import CrisisResources
from bot.events import Message
from bot.messages import Messages
from bot.moderation.cards import Card
from bot.questions import Questions
from bot.storage.engine import Storage


def format_setting(value: object) -> str:
    """The text form a setting is stored and shown in."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, tuple):
        return ",".join(value) if value else "all"
    return str(value)


def age(since: datetime, now: datetime) -> str:
    minutes = int((now - since).total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // 1440} days"


class ModeratorCommands:
    def __init__(
        self,
        storage: Storage,
        clock: Clock,
        messages: Messages,
        cards: dict[str, Card],
        resources: CrisisResources,
        questions: Questions,
        escalations: Escalations,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._messages = messages
        self._cards = cards
        self._resources = resources
        self._questions = questions
        self._escalations = escalations

    # -- /resources -----------------------------------------------------------------

    def render_card(self, topic: str, settings: CommunitySettings) -> str:
        card = self._cards[topic]
        parts = [card.title, card.body]
        if card.include == "crisis_lines":
            country = self._resources.for_member(None, settings.default_country)
            parts.append(crisis_lines(self._messages, self._resources, country, imminent=True))
        elif card.include == "faq_topics":
            parts.append(self._questions.topic_list())
        return "\n\n".join(parts)

    async def resources(self, message: Message, settings: CommunitySettings, args: str) -> list[Action]:
        sub, _, rest = args.strip().partition(" ")
        sub = sub.lower()
        words = rest.split()
        if sub == "post" and len(words) == 1:
            topic = words[0].lower()
            if topic not in self._cards:
                return [self._unknown_topic(topic)]
            return [Action(Audience.CHANNEL, self.render_card(topic, settings))]
        if sub == "list":
            return [await self._list(message)]
        if sub == "schedule":
            return [await self._schedule(message, words)]
        if sub == "unschedule" and len(words) == 1 and words[0].lstrip("#").isdigit():
            resource_id = int(words[0].lstrip("#"))
            done = await self._storage.delete_resource_schedule(
                message.member.platform, message.place.community_id, resource_id)
            key = "moderation.unscheduled" if done else "moderation.no_such_schedule"
            return [self._say(key, id=resource_id)]
        return [self._say("moderation.resources_usage")]

    async def _list(self, message: Message) -> Action:
        repeats = await self._storage.resource_schedules(message.member.platform, message.place.community_id)
        schedules = "; ".join(
            f"#{r.id} {r.topic} every {r.every_days} days in {r.channel_id}" for r in repeats
        ) or self._messages("moderation.resources_none_scheduled")
        return self._say("moderation.resources_list", topics=", ".join(self._cards), schedules=schedules)

    async def _schedule(self, message: Message, words: list[str]) -> Action:
        if len(words) not in (2, 3) or not words[1].isdigit() or not 1 <= int(words[1]) <= 90:
            return self._say("moderation.schedule_usage")
        topic, days = words[0].lower(), int(words[1])
        if topic not in self._cards:
            return self._unknown_topic(topic)
        channel = words[2].strip("<#>").split("|")[0] if len(words) == 3 else message.place.settings_channel
        if message.place.is_dm and len(words) == 2:
            return self._say("moderation.schedule_usage")
        now = self._clock.now()
        first = now + timedelta(days=days)
        resource_id = await self._storage.schedule_resource(
            message.member.platform, message.place.community_id, channel, topic, days, first,
            message.member.user_id, now,
        )
        return self._say("moderation.scheduled", topic=topic, channel=channel, days=days,
                         first=f"{first:%Y-%m-%d %H:%M}", id=resource_id)

    async def due_posts(self, settings_for) -> list[Action]:
        """Scheduled resource cards that are due, as channel posts."""
        actions = []
        for repeat in await self._storage.claim_due_resources(self._clock.now()):
            if repeat.topic not in self._cards:
                continue  # the card was removed from content since it was scheduled
            settings = await settings_for(repeat.platform, repeat.community_id)
            actions.append(Action(
                Audience.CHANNEL, self.render_card(repeat.topic, settings), platform=repeat.platform,
                community_id=repeat.community_id, channel_id=repeat.channel_id,
            ))
        return actions

    def _unknown_topic(self, topic: str) -> Action:
        return self._say("moderation.unknown_topic", topic=topic[:40], topics=", ".join(self._cards))

    # -- /settings ------------------------------------------------------------------

    async def settings(self, message: Message, settings: CommunitySettings, args: str) -> list[Action]:
        key, _, value = args.strip().partition(" ")
        if not key:
            lines = [self._messages("moderation.settings_header")]
            lines += [self._messages("moderation.setting_line", key=f.name,
                                     value=format_setting(getattr(settings, f.name)))
                      for f in fields(CommunitySettings)]
            return [Action(Audience.MEMBER, "\n".join(lines))]
        key = key.lower().replace("-", "_")
        try:
            typed = parse_setting(key, value)
        except ValueError as error:
            return [self._say("moderation.setting_bad", key=key[:40], reason=str(error))]
        text = format_setting(typed)
        old = format_setting(getattr(settings, key))
        await self._storage.set_setting(message.member.platform, message.place.community_id, key, text,
                                        message.member.user_id, self._clock.now())
        return [self._say("moderation.setting_set", key=key, value=text, old=old)]

    # -- /escalations ---------------------------------------------------------------

    async def escalations(self, message: Message, settings: CommunitySettings, args: str) -> list[Action]:
        sub, _, rest = args.strip().partition(" ")
        sub = sub.lower()
        if not sub:
            return [await self._queue(message)]
        if sub not in ("open", "ack", "resolve") or not rest.strip().lstrip("#").isdigit():
            return [self._say("moderation.escalations_usage")]
        escalation_id = int(rest.strip().lstrip("#"))
        escalation = await self._storage.get_escalation(escalation_id)
        if escalation is None or (escalation.platform, escalation.community_id) != (
                message.member.platform, message.place.community_id):
            return [Action(Audience.MEMBER, self._messages("alert.unknown", id=escalation_id))]
        if sub == "ack":
            return await self._escalations.acknowledge(escalation_id, message.member)
        if sub == "resolve":
            return await self._escalations.resolve(escalation_id, message.member, settings.keep_excerpt)
        history = await self._storage.escalation_history(escalation_id)
        return [self._say(
            "moderation.escalation_detail", id=escalation.id, tier=escalation.tier, signal=escalation.signal,
            state=escalation.state, age=age(escalation.created_at, self._clock.now()),
            where=escalation.link or escalation.channel_id, member=escalation.user_id,
            excerpt=escalation.excerpt or self._messages("alert.no_excerpt"),
            history="; ".join(f"{e.at:%Y-%m-%d %H:%M} {e.what}" for e in history),
        )]

    async def _queue(self, message: Message) -> Action:
        now = self._clock.now()
        open_ones = await self._storage.open_escalations(message.member.platform, message.place.community_id)
        if not open_ones:
            return self._say("moderation.escalations_none")
        lines = [self._messages("moderation.escalations_header")]
        for e in open_ones:
            acknowledged = (self._messages("moderation.escalation_acknowledged_by", who=e.acknowledged_by)
                            if e.acknowledged_by else "")
            lines.append(self._messages("moderation.escalation_line", id=e.id, tier=e.tier,
                                        age=age(e.created_at, now), state=e.state, acknowledged=acknowledged))
        return Action(Audience.MEMBER, "\n".join(lines))

    # -- /stats ---------------------------------------------------------------------

    async def stats(self, message: Message, settings: CommunitySettings, args: str) -> list[Action]:
        now = self._clock.now()
        figures = await self._storage.community_stats(
            message.member.platform, message.place.community_id, now - timedelta(days=7), now - timedelta(days=30)
        )
        tiers = ", ".join(f"{tier} {n}" for tier, n in sorted(figures.escalations_by_tier.items())) or "none"
        return [self._say("moderation.stats", members=figures.checkin_members,
                          answered=figures.checkins_answered_week, escalations=tiers)]

    def _say(self, template: str, **values) -> Action:
        return Action(Audience.MEMBER, self._messages(template, **values))
