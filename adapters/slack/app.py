"""The Slack adapter's thin side: Bolt's AsyncApp wiring and the sender that owns the client.

Every listener acknowledges at once (Slack wants an answer within 3 seconds) and hands
the work to a background task the adapter keeps track of, so `drain()` can await it.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from typing import Awaitable, Callable, Mapping

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import translate
from adapters.slack.settings import SlackSettings
from adapters.slack.translate import PLATFORM, Origin
from bot.actions import Action, Audience, Kind, Reply, Urgency
from bot.events import Member
from bot.haven import Haven

log = logging.getLogger(__name__)

USER_CACHE_SECONDS = 300.0   # admin/owner facts and names; long enough to spare users.info
USER_CACHE_SIZE = 2000
SEEN_SIZE = 1000             # message keys remembered to drop the app_mention/message twin
SOURCE_KINDS = (Kind.FAQ, Kind.MEDICAL)


@dataclass(frozen=True)
class Identity:
    """Who the bot is, from auth.test."""

    user_id: str
    team_id: str
    url: str


def _bolt_logger() -> logging.Logger:
    # Bolt logs a rejected request's body at INFO; a replayed request carries a member's
    # words, and Haven's logs never do. Operators can still lower this logger's level.
    logger = logging.getLogger("adapters.slack.bolt")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.WARNING)
    return logger


class SlackAdapter:
    """Feeds Slack events to the core and performs its actions; bot/runtime.py's Adapter."""

    platform = PLATFORM

    def __init__(self, haven: Haven, settings: SlackSettings, *, client: AsyncWebClient | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._haven = haven
        self._settings = settings
        self._monotonic = monotonic
        self.client = client or AsyncWebClient(token=settings.bot_token)
        self.app = AsyncApp(
            client=self.client,
            signing_secret=settings.signing_secret,
            # Our listeners return as soon as the work is queued, so "before response" still
            # answers Slack at once, and no Bolt-owned future outlives the request.
            process_before_response=True,
            logger=_bolt_logger(),
        )
        self._tasks: set[asyncio.Task] = set()
        self._identity: Identity | None = None
        self._users: OrderedDict[str, tuple[float, Member]] = OrderedDict()
        self._dms: dict[str, str] = {}
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()
        # One event at a time per member, so replies and conversation state stay in order.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._socket = None
        self._runner: web.AppRunner | None = None
        self._register()

    # -- Bolt wiring ---------------------------------------------------------------------

    def _register(self) -> None:
        app = self.app

        @app.event("message")
        async def on_message(body, event):
            self._spawn(self._on_message(body, event))

        @app.event("app_mention")
        async def on_mention(body, event):
            self._spawn(self._on_message(body, event))

        @app.command(translate.COMMAND)
        async def on_command(ack, body):
            await ack()
            self._spawn(self._on_command(body))

        @app.action(re.compile(".+"))
        async def on_button(ack, body):
            await ack()
            self._spawn(self._on_button(body))

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait until every event taken so far has been answered."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # -- lifecycle (bot/runtime.py's Adapter) ----------------------------------------------

    async def start(self) -> None:
        """Check the token, then connect over Socket Mode or start the HTTP server."""
        await self._me()
        if self._settings.mode == "socket":
            from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

            self._socket = AsyncSocketModeHandler(self.app, self._settings.app_token)
            await self._socket.connect_async()
        else:
            self._runner = web.AppRunner(self.app.web_app(path=self._settings.path, port=self._settings.port))
            await self._runner.setup()
            await web.TCPSite(self._runner, self._settings.host, self._settings.port).start()
        log.info("slack adapter started", extra={"mode": self._settings.mode})

    def is_connected(self) -> bool:
        """True between start and close (for /healthz); Socket Mode reconnects by itself."""
        return self._socket is not None or self._runner is not None

    @property
    def http_port(self) -> int | None:
        """The port the HTTP server listens on (useful when the settings asked for port 0)."""
        if self._runner is None or not self._runner.addresses:
            return None
        return self._runner.addresses[0][1]

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self.drain()

    async def send_scheduled(self, action: Action) -> bool:
        """A check-in DM (action.user_id) or a re-ping to action.community_id's moderator
        channel; True when Slack accepted it."""
        try:
            if action.to is Audience.MEMBER and action.user_id:
                await self._post(await self._dm(action.user_id), action, Kind.COMMAND)
                return True
            if action.to is Audience.MODERATORS and action.community_id:
                return await self._to_moderators(action, action.community_id, Kind.COMMAND)
            if action.to is Audience.CHANNEL and action.channel_id:
                await self._post(action.channel_id, action, Kind.COMMAND)
                return True
            log.warning("scheduled action without a destination", extra={"audience": action.to.value})
            return False
        except SlackApiError as exc:
            log.warning("scheduled send refused", extra={"error": _error(exc)})
            return False

    # -- events ----------------------------------------------------------------------------

    async def _on_message(self, body: Mapping, event: Mapping) -> None:
        if not translate.is_member_message(event):
            return
        # A mention in a channel arrives twice (message and app_mention); Slack also
        # retries events. Whichever copy comes first is answered.
        key = (event["channel"], event["ts"])
        if key in self._seen:
            return
        self._seen[key] = None
        if len(self._seen) > SEEN_SIZE:
            self._seen.popitem(last=False)
        await self._guarded(event["user"], self._answer_message(body, event))

    async def _answer_message(self, body: Mapping, event: Mapping) -> None:
        me = await self._me()
        team = translate.team_of(body, event) or me.team_id
        member = await self._member(event["user"])
        link = translate.permalink(me.url, event["channel"], event["ts"], event.get("thread_ts"))
        if not link:
            link = await self._permalink(event["channel"], event["ts"])
        message = translate.message_from_event(event, team_id=team, member=member,
                                               bot_user_id=me.user_id, link=link)
        await self._perform(await self._haven.handle(message), translate.origin_of_event(event, team))

    async def _on_command(self, body: Mapping) -> None:
        user = body.get("user_id", "")
        await self._guarded(user, self._answer_command(body))

    async def _answer_command(self, body: Mapping) -> None:
        message = translate.message_from_command(body, await self._member(body.get("user_id", "")))
        await self._perform(await self._haven.handle(message), translate.origin_of_command(body))

    async def _on_button(self, body: Mapping) -> None:
        user = (body.get("user") or {}).get("id", "")
        await self._guarded(user, self._answer_button(body))

    async def _answer_button(self, body: Mapping) -> None:
        user = (body.get("user") or {}).get("id", "")
        press = translate.press_from_action(body, await self._member(user))
        if press is None:
            return
        await self._perform(await self._haven.handle(press), translate.origin_of_action(body))

    async def _guarded(self, user_id: str, work: Awaitable[None]) -> None:
        lock = self._locks.get(user_id)
        if lock is None:
            lock = self._locks[user_id] = asyncio.Lock()
        async with lock:
            try:
                await work
            except Exception:
                # Logged without text; the next event is unaffected.
                log.exception("slack event failed")
                self._haven.metrics.incr("errors.slack")

    # -- sending ---------------------------------------------------------------------------

    async def _perform(self, reply: Reply, origin: Origin) -> None:
        follow_ups = []
        for action in reply.actions:
            ok = False
            try:
                if action.to is Audience.MEMBER:
                    await self._to_member(action, origin, reply.kind)
                    ok = True
                elif action.to is Audience.CHANNEL:
                    await self._to_channel(action, origin, reply.kind)
                    ok = True
                else:
                    ok = await self._to_moderators(action, origin.team_id, reply.kind)
            except SlackApiError as exc:
                # One refused send must not stop the next (the moderators' alert after the DM).
                log.warning("slack send refused", extra={"audience": action.to.value, "error": _error(exc)})
                self._haven.metrics.incr("errors.slack_send")
            if action.receipt:
                # A crisis alert or private message: the core pages again, or tells moderators.
                follow_ups += await self._haven.delivered(action, ok)
        for follow_up in follow_ups:  # after the alert itself, so moderators read them in order
            await self.send_scheduled(follow_up)

    async def _to_member(self, action: Action, origin: Origin, kind: Kind) -> None:
        """Privately: in Haven's DM when the event came from it; ephemeral where the member used
        a command or a button (but a crisis answer, or a file, goes to the DM, where it stays),
        then a DM if that is refused; otherwise a DM, then ephemeral if the DM is refused."""
        if origin.is_dm or origin.channel_id == self._dms.get(origin.user_id):
            await self._post(origin.channel_id, action, kind, thread_ts=origin.thread_ts)
            return
        ephemeral_first = origin.interactive and kind is not Kind.CRISIS and not action.attachments
        if ephemeral_first:
            try:
                await self._ephemeral(origin.channel_id, origin.user_id, action, kind)
                return
            except SlackApiError as exc:
                log.info("ephemeral refused; sending a DM", extra={"error": _error(exc)})
        try:
            await self._post(await self._dm(origin.user_id), action, kind)
        except SlackApiError:
            if ephemeral_first:
                raise
            await self._ephemeral(origin.channel_id, origin.user_id, action, kind)

    async def _to_channel(self, action: Action, origin: Origin, kind: Kind) -> None:
        try:
            await self._post(origin.channel_id, action, kind, thread_ts=origin.thread_ts)
        except SlackApiError:
            if not origin.interactive:
                raise
            # A command in a channel Haven is not in: the answer goes to the member instead.
            await self._post(await self._dm(origin.user_id), action, kind)

    async def _to_moderators(self, action: Action, team_id: str, kind: Kind) -> bool:
        settings = await self._haven.settings(PLATFORM, team_id)
        ping = (translate.moderator_ping(settings.moderator_users, settings.moderator_roles)
                if action.urgency is Urgency.LOUD else "")
        if settings.moderator_channel:
            await self._post(settings.moderator_channel, action, kind, ping=ping)
            return True
        if settings.moderator_users:
            # No channel yet: the listed moderators hear it directly rather than nobody.
            for user in settings.moderator_users:
                await self._post(await self._dm(user), action, kind)
            return True
        log.error("moderator alert undeliverable: no moderator channel or users set",
                  extra={"community": team_id})
        self._haven.metrics.incr("errors.no_moderator_channel")
        return False

    async def _post(self, channel: str, action: Action, kind: Kind, *, thread_ts: str | None = None,
                    ping: str = "") -> None:
        for out in translate.render(action, source_footer=kind in SOURCE_KINDS, ping=ping):
            await self.client.chat_postMessage(
                channel=channel, text=out.text, blocks=list(out.blocks), thread_ts=thread_ts,
                unfurl_links=False, unfurl_media=False,
            )
        for path in action.attachments:
            await self.client.files_upload_v2(channel=channel, file=str(path), filename=path.name,
                                              title=path.stem.replace("-", " "), thread_ts=thread_ts)

    async def _ephemeral(self, channel: str, user: str, action: Action, kind: Kind) -> None:
        for out in translate.render(action, source_footer=kind in SOURCE_KINDS):
            await self.client.chat_postEphemeral(channel=channel, user=user, text=out.text, blocks=list(out.blocks))

    # -- look-ups --------------------------------------------------------------------------

    async def _me(self) -> Identity:
        if self._identity is None:
            auth = await self.client.auth_test()
            self._identity = Identity(auth.get("user_id", ""), auth.get("team_id", ""), auth.get("url", ""))
        return self._identity

    async def _dm(self, user_id: str) -> str:
        if user_id not in self._dms:
            opened = await self.client.conversations_open(users=user_id)
            self._dms[user_id] = opened["channel"]["id"]
        return self._dms[user_id]

    async def _member(self, user_id: str) -> Member:
        now = self._monotonic()
        cached = self._users.get(user_id)
        if cached is not None and now - cached[0] < USER_CACHE_SECONDS:
            return cached[1]
        try:
            info = (await self.client.users_info(user=user_id)).get("user")
        except SlackApiError as exc:
            # The event still goes through (a crisis must); only moderator facts are missing.
            log.warning("users.info refused", extra={"error": _error(exc)})
            return translate.member_from_user(user_id, None)
        member = translate.member_from_user(user_id, info)
        self._users[user_id] = (now, member)
        self._users.move_to_end(user_id)
        if len(self._users) > USER_CACHE_SIZE:
            self._users.popitem(last=False)
        return member

    async def _permalink(self, channel: str, ts: str) -> str:
        try:
            return (await self.client.chat_getPermalink(channel=channel, message_ts=ts)).get("permalink", "")
        except SlackApiError:
            return ""


def _error(exc: SlackApiError) -> str:
    response = getattr(exc, "response", None)
    return str(response.get("error", "")) if response is not None else ""


async def start_slack(haven: Haven, settings: SlackSettings) -> SlackAdapter:
    """A connected Slack adapter for bot/__main__.py; raises if Slack refuses the tokens."""
    adapter = SlackAdapter(haven, settings)
    await adapter.start()
    return adapter
