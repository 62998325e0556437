"""The core: one entry point that answers a neutral event with neutral actions."""
from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from datetime import timedelta

from bot.actions import Action, Audience, Kind, Reply
from bot.checkins.commands import CheckinCommands
from bot.checkins.flow import CheckinFlow
from bot.checkins.scheduler import CheckinScheduler
from bot.checkins.who5 import Who5
from bot.clock import Clock
from bot.commands import find_command, parse_command
from bot.community import CommunitySettings, settings_from_stored
from bot.crisis.detector import CrisisDetector
from bot.crisis.signals import Detection, Tier
from bot.crisis.escalation import Escalations
from bot.crisis.resources import CrisisResources
from bot.events import ButtonPress, Event, Message
from bot.flood import FloodGate, Verdict
from bot.member_data import MemberData
from bot.member_files import MemberFiles
from bot.messages import Messages
from bot.metrics import Metrics
from bot.moderation.cards import Card
from bot.moderation.commands import ModeratorCommands
from bot.moderators import is_moderator
from bot.questions import Answer, Questions
from bot.storage.engine import Storage

log = logging.getLogger(__name__)

CHOICE_MINUTES = 30
LONG_TEXT = 4000  # characters; longer messages are scanned in a worker thread
ARTICLE_URL = "https://www.yalemedicine.org/news/ketamine-depression"


class Haven:
    """Answer events; every adapter calls `handle` and sends what comes back."""

    def __init__(
        self,
        *,
        storage: Storage,
        clock: Clock,
        messages: Messages,
        resources: CrisisResources,
        detector: CrisisDetector,
        questions: Questions,
        who5: Who5,
        cards: dict[str, Card],
        files: MemberFiles,
        metrics: Metrics,
        limit_flooding: bool = True,
    ) -> None:
        self._storage = storage
        self._clock = clock
        self._messages = messages
        self._resources = resources
        self._detector = detector
        self._questions = questions
        self.metrics = metrics
        self.last_event_at = None
        # Off only for the scripted console, a test interface where no member is typing.
        self._flood = FloodGate() if limit_flooding else None
        self._escalations = Escalations(storage, clock, messages, resources, metrics)
        self._checkin_flow = CheckinFlow(storage, clock, messages, who5)
        self._checkins = CheckinCommands(storage, clock, messages, self._checkin_flow, files)
        self._scheduler = CheckinScheduler(storage, clock, self._checkin_flow)
        self._files = files
        self._member_data = MemberData(storage, clock, messages, files)
        self._moderation = ModeratorCommands(storage, clock, messages, cards, resources, questions,
                                             self._escalations)
        self._handlers = {
            "help": self._cmd_help,
            "about": self._cmd_about,
            "faq": self._cmd_faq,
            "crisis": self._cmd_crisis,
            "region": self._cmd_region,
            "checkin": self._checkins.checkin,
            "mood": self._checkins.mood,
            "mydata": self._member_data.export,
            "forget-me": self._member_data.forget,
            "resources": self._moderation.resources,
            "settings": self._moderation.settings,
            "escalations": self._moderation.escalations,
            "stats": self._moderation.stats,
        }

    # -- entry points ---------------------------------------------------------------

    async def handle(self, event: Event) -> Reply:
        """The reply to one event. Never raises: a failure becomes a private apology."""
        event_id = uuid.uuid4().hex[:12]
        event_kind = type(event).__name__
        started = time.perf_counter()
        try:
            if isinstance(event, ButtonPress):
                reply = await self._button(event)
            else:
                reply = await self._message(event)
        except Exception:
            log.exception("event failed", extra={"event_id": event_id, "event_kind": event_kind})
            self.metrics.incr("errors.event")
            reply = Reply(Kind.ERROR, (Action(Audience.MEMBER, self._messages("error")),))
        elapsed = time.perf_counter() - started
        self.metrics.incr(f"events.{reply.kind.value}")
        self.metrics.observe_latency(elapsed)
        self.last_event_at = self._clock.now()
        # Ids and kinds only: never the text.
        log.debug("event handled", extra={"event_id": event_id, "event_kind": event_kind,
                                          "reply_kind": reply.kind.value, "ms": round(elapsed * 1000, 2)})
        return reply

    async def tick(self) -> list[Action]:
        """Scheduled work due now: re-pings of unacknowledged imminent alerts, resource cards,
        then check-ins. Actions carrying a receipt must be reported back through `delivered`.
        """
        return [
            *await self._escalations.due_repings(self.settings),
            *await self._moderation.due_posts(self.settings),
            *await self._scheduler.due(),
        ]

    async def delivered(self, action: Action, ok: bool) -> list[Action]:
        """The adapter's report on any send that carries a receipt (check-ins, re-pings, a new
        escalation's private message and alert); returns follow-ups to send."""
        if action.receipt is None:
            return []
        receipt = json.loads(action.receipt)
        if receipt.get("type") == "alert":
            self.metrics.incr(f"alerts.{receipt['part']}_{'sent' if ok else 'failed'}")
            return await self._escalations.alert_delivered(receipt["id"], receipt["part"], ok)
        if receipt.get("type") == "reping":
            self.metrics.incr("repings.sent" if ok else "repings.failed")
            await self._escalations.reping_delivered(receipt["id"], ok, self.settings)
            return []
        self.metrics.incr("checkins.sent" if ok else "checkins.failed")
        return await self._scheduler.delivered(action.receipt, ok)

    def now(self):
        return self._clock.now()

    def sweep_files(self, now_epoch: float) -> int:
        """Remove charts and exports old enough to have been uploaded; returns how many."""
        return self._files.sweep(now_epoch)

    async def database_ok(self) -> bool:
        """A cheap round trip to the database, for /healthz."""
        try:
            await self._storage.schema_version()
            return True
        except Exception:
            return False

    async def settings(self, platform: str, community_id: str) -> CommunitySettings:
        try:
            return settings_from_stored(await self._storage.get_settings(platform, community_id))
        except Exception:
            log.exception("settings unavailable; using defaults")
            self.metrics.incr("errors.storage")
            return CommunitySettings()

    # -- messages -------------------------------------------------------------------

    async def _message(self, message: Message) -> Reply:
        settings = await self.settings(message.member.platform, message.place.community_id)
        addressed = message.place.is_dm or message.mentions_bot or message.text.lstrip().startswith("/")
        if not addressed and not settings.monitors(message.place.settings_channel):
            return Reply(Kind.NONE)

        detection = await self._detect(message.text)
        if detection is not None and detection.tier.rank >= Tier.HIGH.rank:
            return await self._crisis(message, detection, settings)

        actions: list[Action] = []
        if detection is not None and detection.harassment:
            actions += await self._escalations.harassment(message, detection.harassment[0])
        if detection is not None and detection.tier is Tier.CONCERN:
            actions.append(Action(Audience.MEMBER, self._messages("concern")))
            if settings.concern_pages:
                country = await self._country(message, settings)
                actions += [a for a in await self._escalations.escalate(message, detection, settings, country)
                            if a.to is Audience.MODERATORS]

        reply = await self._respond(message, settings, addressed)
        kind = reply.kind
        if kind in (Kind.NONE, Kind.FALLBACK) and detection is not None and detection.tier is Tier.CONCERN:
            # The gentle message is the answer; a "did not understand" on top would be cold.
            return Reply(Kind.NONE, tuple(actions))
        return Reply(kind, tuple(actions) + reply.actions, topic=reply.topic)

    async def _detect(self, text: str) -> Detection | None:
        try:
            if len(text) > LONG_TEXT:
                # Detection is linear in length (about 1 s for 100 KB): off the event loop,
                # so one huge message does not stall every other member's replies.
                return await asyncio.to_thread(self._detector.detect, text)
            return self._detector.detect(text)
        except Exception:
            # Counted and logged (never the text); the message goes on through the pipeline.
            log.exception("crisis detector failed")
            self.metrics.incr("errors.detector")
            return None

    async def _crisis(self, message: Message, detection: Detection, settings: CommunitySettings) -> Reply:
        country = await self._country(message, settings)
        try:
            actions = await self._escalations.escalate(message, detection, settings, country)
        except Exception:
            # Last line of defence: whatever broke, the member and the moderators still hear.
            log.exception("escalation failed; sending the unsaved fallback")
            self.metrics.incr("errors.escalation")
            actions = [
                Action(Audience.MEMBER, self._escalations.member_message(country, detection.tier, repeat=False)),
                Action(Audience.MODERATORS, f"{detection.tier.value.upper()} crisis signal "
                       f"({detection.signal.id}) from {message.member.user_id}. {message.link}\n"
                       + self._messages("alert.unsaved")),
            ]
        return Reply(Kind.CRISIS, tuple(actions))

    async def _country(self, message: Message, settings: CommunitySettings):
        try:
            region = await self._storage.get_region(message.member.platform, message.member.user_id)
        except Exception:
            log.exception("region unavailable")
            region = None
        return self._resources.for_member(region, settings.default_country)

    async def _respond(self, message: Message, settings: CommunitySettings, addressed: bool) -> Reply:
        if addressed and self._flood is not None:
            verdict = self._flood.check(message.member.platform, message.member.user_id, self._clock.now(),
                                        settings.flood_per_minute)
            if verdict is Verdict.NOTIFY:
                return Reply(Kind.COMMAND, (Action(Audience.MEMBER, self._messages("slow_down")),))
            if verdict is Verdict.DROP:
                return Reply(Kind.NONE)
        text = message.text.strip()
        command = parse_command(text)
        if command is not None:
            return await self._command(message, settings, *command)
        if not addressed:
            return Reply(Kind.NONE)
        pending = await self._pending(message, text)
        if pending is not None:
            return pending
        if not text:
            return Reply(Kind.NONE)
        return await self._answer(message, text)

    async def _answer(self, message: Message, text: str) -> Reply:
        answer = self._questions.answer(text)
        if answer.choices:
            await self._storage.set_conversation(
                message.member.platform, message.member.user_id, "choose_faq",
                {"ids": list(answer.choices)}, self._clock.now() + timedelta(minutes=CHOICE_MINUTES),
            )
        return self._reply(message, answer)

    def _reply(self, message: Message, answer: Answer) -> Reply:
        # In a DM the member is the channel; in a community channel the member asked in public.
        to = Audience.MEMBER if message.place.is_dm else Audience.CHANNEL
        return Reply(answer.kind, (Action(to, answer.text, buttons=answer.buttons),), topic=answer.topic)

    async def _pending(self, message: Message, text: str) -> Reply | None:
        """A reply to a flow waiting for this member (a choice, a check-in, a confirmation);
        None when nothing waits or the text is not an answer to it."""
        platform, user = message.member.platform, message.member.user_id
        conversation = await self._storage.get_conversation(platform, user, self._clock.now())
        if conversation is None:
            return None
        if conversation.flow == "choose_faq":
            ids = conversation.data.get("ids", [])
            if not text.isdigit() or not 1 <= int(text) <= len(ids):
                return None
            await self._storage.clear_conversation(platform, user)
            return self._faq_reply(message, ids[int(text) - 1])
        if conversation.flow == "forget_confirm":
            return Reply(Kind.COMMAND, tuple(await self._member_data.confirmed(message, text)))
        actions = await self._checkin_flow.typed(platform, user, conversation.flow, conversation.data, text)
        return None if actions is None else Reply(Kind.COMMAND, tuple(actions))

    def _faq_reply(self, message: Message, faq_id: str) -> Reply:
        entry = self._questions.catalog.get(faq_id)
        if entry is None:
            return Reply(Kind.FALLBACK, (Action(Audience.MEMBER, self._messages("choice_expired")),))
        return self._reply(message, self._questions.entry_answer(entry))

    # -- commands -------------------------------------------------------------------

    async def _command(self, message: Message, settings: CommunitySettings, name: str, args: str) -> Reply:
        command = find_command(name)
        if command is None:
            text = self._messages("unknown_command", command=f"/{name}"[:40])
            return Reply(Kind.COMMAND, (Action(Audience.MEMBER, text),))
        if command.moderator_only and not is_moderator(message.member, settings):
            await self._storage.record_audit(
                message.member.platform, message.place.community_id, message.member.user_id,
                f"refused /{command.name}", self._clock.now(),
            )
            text = self._messages("moderator_only", command=f"/{command.name}")
            return Reply(Kind.COMMAND, (Action(Audience.MEMBER, text),))
        if command.name == "ask":
            if not args:
                return Reply(Kind.COMMAND, (Action(Audience.MEMBER, self._messages("fallback")),))
            return await self._answer(message, args)
        handler = self._handlers[command.name]
        return Reply(Kind.COMMAND, tuple(await handler(message, settings, args)))

    async def _cmd_help(self, message, settings, args) -> list[Action]:
        return [Action(Audience.MEMBER, self._messages("help"))]

    async def _cmd_about(self, message, settings, args) -> list[Action]:
        return [Action(Audience.MEMBER, self._messages("about", source_url=ARTICLE_URL))]

    async def _cmd_faq(self, message, settings, args) -> list[Action]:
        return [Action(Audience.MEMBER, self._questions.topic_list())]

    async def _cmd_crisis(self, message, settings, args) -> list[Action]:
        country = await self._country(message, settings)
        text = self._escalations.crisis_card(country)
        return [Action(Audience.MEMBER, f"{self._messages('crisis_command_intro')}\n{text}")]

    async def _cmd_region(self, message, settings, args) -> list[Action]:
        platform, user = message.member.platform, message.member.user_id
        if not args:
            country = await self._country(message, settings)
            return [Action(Audience.MEMBER, self._messages("region_show", country=country.name))]
        code = args.split()[0].upper()
        if not code.isalpha() or not 2 <= len(code) <= 3:
            return [Action(Audience.MEMBER, self._messages("region_invalid"))]
        country = self._resources.lookup(code)
        if country is None:
            fallback = self._resources.for_member(None, settings.default_country)
            return [Action(Audience.MEMBER, self._messages(
                "region_unknown", code=code, default=fallback.name,
                directory_url=self._resources.directory.url,
            ))]
        await self._storage.set_region(platform, user, country.code, self._clock.now())
        return [Action(Audience.MEMBER, self._messages("region_set", country=country.name))]

    # -- buttons --------------------------------------------------------------------

    async def _button(self, press: ButtonPress) -> Reply:
        kind, _, rest = press.value.partition(":")
        if kind == "faq":
            message = Message(press.member, press.place, "")
            await self._storage.clear_conversation(press.member.platform, press.member.user_id)
            return self._faq_reply(message, rest)
        if kind == "ci":
            waiting = await self._storage.get_conversation(press.member.platform, press.member.user_id,
                                                           self._clock.now())
            actions = await self._checkin_flow.pressed(
                press.member.platform, press.member.user_id, press.value,
                waiting.data if waiting and waiting.flow == "who5" else None,
            )
            return Reply(Kind.COMMAND, tuple(actions))
        if kind == "esc":
            action, _, raw_id = rest.partition(":")
            settings = await self.settings(press.member.platform, press.place.community_id)
            if not is_moderator(press.member, settings):
                await self._storage.record_audit(
                    press.member.platform, press.place.community_id, press.member.user_id,
                    f"refused escalation {action}", self._clock.now(),
                )
                text = self._messages("moderator_only", command="this button")
                return Reply(Kind.COMMAND, (Action(Audience.MEMBER, text),))
            if not raw_id.isdigit() or action not in ("ack", "resolve"):
                return Reply(Kind.ERROR, (Action(Audience.MEMBER, self._messages("error")),))
            if action == "ack":
                actions = await self._escalations.acknowledge(int(raw_id), press.member)
            else:
                actions = await self._escalations.resolve(int(raw_id), press.member, settings.keep_excerpt)
            return Reply(Kind.COMMAND, tuple(actions))
        return Reply(Kind.ERROR, (Action(Audience.MEMBER, self._messages("error")),))
