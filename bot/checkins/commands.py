"""/checkin and /mood: a member's own check-in schedule and history."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.actions import Action, Audience
from bot.checkins.chart import render_mood_chart
from bot.checkins.flow import CheckinFlow, local_day, mood_points
from bot.checkins.schedule import Schedule, ScheduleError, describe, next_due, parse_start_args
from bot.checkins.summary import summarise
from bot.clock import Clock
from bot.community import CommunitySettings
from bot.events import Message
from bot.member_files import MemberFiles
from bot.messages import Messages
from bot.storage.engine import Storage

MOOD_DAYS = 30


def when(moment: datetime, zone: str) -> str:
    """A time as the member reads it: in their own zone."""
    local = moment.astimezone(ZoneInfo(zone))
    return f"{local:%A %d %B at %H:%M} ({zone})"


class CheckinCommands:
    def __init__(self, storage: Storage, clock: Clock, messages: Messages, flow: CheckinFlow,
                 files: MemberFiles) -> None:
        self._storage = storage
        self._clock = clock
        self._messages = messages
        self._flow = flow
        self._files = files

    async def member_zone(self, message: Message, settings: CommunitySettings) -> str:
        row = await self._storage.get_schedule(message.member.platform, message.member.user_id)
        return Schedule.from_text(row.schedule).zone if row else settings.default_timezone

    async def checkin(self, message: Message, settings: CommunitySettings, args: str) -> list[Action]:
        sub, _, rest = args.strip().partition(" ")
        handler = {
            "start": self._start, "status": self._status, "pause": self._pause,
            "stop": self._stop, "wellbeing": self._wellbeing,
        }.get(sub.lower())
        if handler is None:
            return [self._say("checkin.usage")]
        return await handler(message, settings, rest.strip())

    async def _start(self, message, settings, args) -> list[Action]:
        try:
            schedule = parse_start_args(args, settings.default_timezone)
        except ScheduleError as error:
            return [Action(Audience.MEMBER, str(error))]
        now = self._clock.now()
        due = next_due(schedule, now)
        await self._storage.set_schedule(
            message.member.platform, message.member.user_id, message.place.community_id,
            schedule.to_text(), due, now,
        )
        return [self._say("checkin.started", schedule=describe(schedule), next=when(due, schedule.zone))]

    async def _status(self, message, settings, args) -> list[Action]:
        row = await self._storage.get_schedule(message.member.platform, message.member.user_id)
        if row is None:
            return [self._say("checkin.not_signed_up")]
        schedule = Schedule.from_text(row.schedule)
        if row.paused_until and row.paused_until > self._clock.now():
            until = "you restart them" if row.paused_until.year == 9999 else when(row.paused_until, schedule.zone)
            return [self._say("checkin.status_paused", schedule=describe(schedule), until=until,
                              reason=row.paused_reason or "paused")]
        return [self._say("checkin.status", schedule=describe(schedule), next=when(row.next_due_at, schedule.zone))]

    async def _pause(self, message, settings, args) -> list[Action]:
        row = await self._storage.get_schedule(message.member.platform, message.member.user_id)
        if row is None:
            return [self._say("checkin.not_signed_up")]
        if not args.isdigit() or not 1 <= int(args) <= 365:
            return [self._say("checkin.pause_usage")]
        schedule = Schedule.from_text(row.schedule)
        until = self._clock.now() + timedelta(days=int(args))
        following = next_due(schedule, until)
        await self._storage.pause_schedule(message.member.platform, message.member.user_id, until,
                                           f"paused for {int(args)} days", following)
        return [self._say("checkin.paused", next=when(following, schedule.zone))]

    async def _stop(self, message, settings, args) -> list[Action]:
        if not await self._storage.delete_schedule(message.member.platform, message.member.user_id):
            return [self._say("checkin.not_signed_up")]
        return [self._say("checkin.stopped")]

    async def _wellbeing(self, message, settings, args) -> list[Action]:
        day = local_day(self._clock.now(), await self.member_zone(message, settings))
        await self._flow.await_answer(message.member.platform, message.member.user_id, "who5", day)
        text, buttons = self._flow.who5_prompt(day, 0)
        return [Action(Audience.MEMBER, text, buttons=buttons)]

    async def mood(self, message: Message, settings: CommunitySettings, args: str) -> list[Action]:
        """The last 30 days: a text summary and a chart file the adapter attaches."""
        zone = await self.member_zone(message, settings)
        today = datetime.fromisoformat(local_day(self._clock.now(), zone)).date()
        since = (today - timedelta(days=MOOD_DAYS - 1)).isoformat()
        points = mood_points(await self._storage.answers(message.member.platform, message.member.user_id, since))
        if not points:
            return [self._say("mood.empty")]
        summary = summarise(points, today, MOOD_DAYS)
        text = self._messages(
            "mood.summary", count=summary.count, average=f"{summary.average:.1f}",
            trend=summary.trend, streak=summary.streak,
        )
        path = self._files.path(message.member.platform, message.member.user_id, "chart")
        chart = render_mood_chart(points, today, path, MOOD_DAYS)
        return [Action(Audience.MEMBER, f"{text}\n{self._messages('mood.chart')}", attachments=(chart,))]

    def _say(self, template: str, **values) -> Action:
        return Action(Audience.MEMBER, self._messages(template, **values))

