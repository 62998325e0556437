"""The Discord sender: a thin discord.py client that feeds Haven events and performs its actions.

It owns the connection, the slash-command tree and the persistent buttons; everything it
decides about wording, permissions or safety comes from the core. Where each action goes:

- to the member: by DM. In a server, a slash command whose DM fails (DMs closed) gets the
  text as an ephemeral reply instead; for a plain channel message there is nothing
  private left to try, so the failure is logged and nothing is posted publicly. A reply
  to a button press in a server is ephemeral (the press came from a public message).
  In a DM, replies go to the DM.
- to the channel: a message in the event's channel (in a DM, the DM).
- to the moderators: the community's moderator channel, as an embed linked to the
  member's message; a loud alert pings the configured moderator roles.
"""
from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from typing import Any, Sequence

import discord
from discord import app_commands

from adapters.discord.settings import DiscordSettings
from adapters.discord.slash import CommandChoices, build_commands
from adapters.discord.translate import (
    BUTTON_LABEL_LIMIT,
    CUSTOM_ID_TEMPLATE,
    PLATFORM,
    Outgoing,
    command_event,
    custom_id,
    home_guild,
    message_event,
    outgoing,
    press_event,
)
from bot.actions import Action, Audience, Button, Kind, Reply
from bot.errors import ConfigError
from bot.haven import Haven

log = logging.getLogger(__name__)


def haven_intents() -> discord.Intents:
    """Only what Haven reads: servers and their channels, messages in them and in DMs,
    and message content (privileged: enable it in the Developer Portal)."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    intents.message_content = True
    return intents


class HavenButton(discord.ui.DynamicItem[discord.ui.Button], template=CUSTOM_ID_TEMPLATE):
    """A button whose custom_id carries the core's Button.value ("haven:ci:mood:2026-11-26:3").

    Registered as a dynamic item, so a press on any Haven button ever sent is routed to the
    core by its custom_id alone: buttons keep working after a restart, with nothing kept
    in memory per message.
    """

    def __init__(self, value: str, label: str = "") -> None:
        super().__init__(discord.ui.Button(label=(label or value)[:BUTTON_LABEL_LIMIT], custom_id=custom_id(value)))
        self.value = value

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item, match: re.Match[str], /):
        return cls(match["value"], getattr(item, "label", None) or "")

    async def callback(self, interaction: discord.Interaction) -> None:
        client = interaction.client
        if isinstance(client, HavenClient):
            await client.handle_press(interaction, self.value)


def button_view(buttons: Sequence[Button]) -> discord.ui.View | None:
    """A persistent view (no timeout) of Haven buttons; None when there are none."""
    if not buttons:
        return None
    view = discord.ui.View(timeout=None)
    for button in buttons:
        try:
            view.add_item(HavenButton(button.value, button.label))
        except ValueError:
            log.error("button left out: its value cannot be a custom_id or the message is full")
    return view


def send_kwargs(part: Outgoing) -> dict[str, Any]:
    """Keyword arguments for Messageable.send and Webhook.send."""
    kwargs: dict[str, Any] = {"allowed_mentions": part.allowed_mentions}
    if part.content:
        kwargs["content"] = part.content
    if part.embeds:
        kwargs["embeds"] = list(part.embeds)
    view = button_view(part.buttons)
    if view is not None:
        kwargs["view"] = view
    if part.attachments:
        kwargs["files"] = [discord.File(path, filename=path.name) for path in part.attachments]
    if part.nonce:
        kwargs["nonce"] = part.nonce  # discord.py sends enforce_nonce with it
    return kwargs


@dataclass
class _Origin:
    """Where an event came from and how to answer it."""

    guild_id: int | None                       # None: a DM
    channel: discord.abc.Messageable | None    # the event's channel
    user_id: int
    link: str = ""
    message: discord.Message | None = None     # a channel message, to reply to
    interaction: discord.Interaction | None = None
    original_pending: bool = False             # a deferred slash-command response not yet used
    press: bool = False


class HavenClient(discord.AutoShardedClient):
    """discord.py client with Haven's slash commands and buttons. Auto-sharded: one process
    runs Discord's recommended shards, or the shard ids its settings name."""

    def __init__(self, haven: Haven, settings: DiscordSettings, choices: CommandChoices | None = None) -> None:
        # The client-wide default is "mention nobody"; every send also passes its own.
        super().__init__(intents=haven_intents(), allowed_mentions=discord.AllowedMentions.none(),
                         shard_ids=list(settings.shard_ids) if settings.shard_ids else None,
                         shard_count=settings.shard_count)
        self.haven = haven
        self.settings = settings
        self.tree = app_commands.CommandTree(self)
        for command in build_commands(self.handle_command, choices or CommandChoices()):
            self.tree.add_command(command)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(HavenButton)
        if self.settings.syncs_commands:
            await self.sync_commands()

    async def sync_commands(self) -> None:
        """Register the slash commands: on the development server only when one is set
        (instant), else globally."""
        if self.settings.dev_guild_id is not None:
            guild = discord.Object(self.settings.dev_guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
            log.info("slash commands synced to the development server", extra={"count": len(synced)})
        else:
            synced = await self.tree.sync()
            log.info("slash commands synced globally", extra={"count": len(synced)})

    def home_guild_id(self, user: discord.abc.User) -> int | None:
        mutual = [g.id for g in getattr(user, "mutual_guilds", ())]
        return home_guild(self.settings.home_guild_id, [g.id for g in self.guilds], mutual)

    # -- events in ------------------------------------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        if self.user is None:
            return
        home = self.home_guild_id(message.author) if message.guild is None else None
        event = message_event(message, self.user.id, home)
        if event is None:
            return
        reply = await self.haven.handle(event)
        origin = _Origin(
            guild_id=message.guild.id if message.guild else None,
            channel=message.channel,
            user_id=message.author.id,
            link=message.jump_url,
            message=message,
        )
        await self._perform(reply, origin)

    async def handle_command(self, interaction: discord.Interaction, text: str) -> None:
        """A slash command, as its text form: acknowledge at once, ask the core, answer."""
        in_guild = interaction.guild_id is not None
        # In a server the deferred reply is ephemeral: whatever the core says to the member
        # stays private, and a public answer goes out as an ordinary channel message.
        await interaction.response.defer(ephemeral=in_guild, thinking=True)
        home = None if in_guild else self.home_guild_id(interaction.user)
        reply = await self.haven.handle(command_event(interaction, text, home))
        origin = _Origin(interaction.guild_id, interaction.channel, interaction.user.id,
                         interaction=interaction, original_pending=True)
        await self._perform(reply, origin)
        if origin.original_pending:
            # Everything went by DM or to other channels: take the "thinking…" away.
            try:
                await interaction.delete_original_response()
            except discord.HTTPException:
                log.warning("could not remove a deferred slash-command response")

    async def handle_press(self, interaction: discord.Interaction, value: str) -> None:
        """A press on a Haven button: acknowledge without changing the message, ask the core."""
        await interaction.response.defer()
        home = None if interaction.guild_id is not None else self.home_guild_id(interaction.user)
        reply = await self.haven.handle(press_event(interaction, value, home))
        origin = _Origin(interaction.guild_id, interaction.channel, interaction.user.id,
                         interaction=interaction, press=True)
        await self._perform(reply, origin)

    # -- actions out ----------------------------------------------------------------

    async def _perform(self, reply: Reply, origin: _Origin) -> None:
        # One failed send never stops the rest: an alert still reaches the moderators
        # when the member's DM fails, and the other way round.
        follow_ups = []
        for action in reply.actions:
            ok = False
            try:
                if action.to is Audience.MODERATORS:
                    ok = await self._to_moderators(action, origin.guild_id, origin.link)
                elif action.to is Audience.CHANNEL:
                    await self._to_channel(action, origin, reply.kind)
                    ok = True
                else:
                    ok = await self._to_member(action, origin)
            except discord.HTTPException as exc:
                log.error("send failed", extra={"audience": action.to.value, "status": exc.status,
                                                "code": exc.code, "kind": reply.kind.value})
            if action.receipt:
                # A crisis alert or private message: the core pages again, or tells moderators.
                follow_ups += await self.haven.delivered(action, ok)
        for follow_up in follow_ups:  # after the alert itself, so moderators read them in order
            await self.send_scheduled(follow_up)

    async def _to_member(self, action: Action, origin: _Origin) -> bool:
        """Privately to the member; False when that was impossible (DMs closed, no command)."""
        parts = outgoing(action)
        interaction = origin.interaction
        if origin.guild_id is None:
            # A DM: the conversation is private already; answer in it.
            if interaction is not None:
                await self._via_interaction(interaction, parts, origin, ephemeral=False)
            elif origin.channel is not None:
                await self._send(origin.channel, parts)
            else:
                return False
            return True
        if interaction is not None and origin.press:
            await self._via_interaction(interaction, parts, origin, ephemeral=True)
            return True
        try:
            await self._send(await self._dm(origin.user_id), parts)
        except discord.Forbidden:
            if interaction is None:
                log.warning("member's DMs are closed; nothing is posted publicly instead",
                            extra={"user": origin.user_id})
                return False
            await self._via_interaction(interaction, parts, origin, ephemeral=True)
        return True

    async def _to_channel(self, action: Action, origin: _Origin, kind: Kind) -> None:
        parts = outgoing(action)
        if origin.guild_id is None:
            await self._to_member(action, origin)
            return
        if origin.channel is None:
            log.error("channel message with no channel to send it to")
            return
        # Answers to a member's message reply to it; never a crisis line, which stays unattached.
        reference = origin.message if origin.message is not None and kind is not Kind.CRISIS else None
        await self._send(origin.channel, parts, reference=reference)

    async def _to_moderators(self, action: Action, guild_id: int | None, link: str | None) -> bool:
        if guild_id is None:
            log.error("moderator message with no server (a DM and no home server)")
            return False
        settings = await self.haven.settings(PLATFORM, str(guild_id))
        if not settings.moderator_channel.isdigit():
            log.error("no moderator channel set; a moderator message was not delivered", extra={"guild": guild_id})
            return False
        channel = self.get_partial_messageable(int(settings.moderator_channel), guild_id=guild_id)
        await self._send(channel, outgoing(action, settings.moderator_roles, link or None))
        return True

    async def _dm(self, user_id: int) -> discord.DMChannel:
        return await self.create_dm(discord.Object(user_id))

    async def _send(self, channel: discord.abc.Messageable, parts: Sequence[Outgoing],
                    reference: discord.Message | None = None) -> None:
        for n, part in enumerate(parts):
            kwargs = send_kwargs(part)
            if reference is not None and n == 0:
                kwargs["reference"] = reference.to_reference(fail_if_not_exists=False)
            await channel.send(**kwargs)

    async def _via_interaction(self, interaction: discord.Interaction, parts: Sequence[Outgoing], origin: _Origin,
                               ephemeral: bool) -> None:
        for part in parts:
            kwargs = send_kwargs(part)
            if origin.original_pending:
                # The deferred response becomes the first message (it is ephemeral in a server).
                if "files" in kwargs:
                    kwargs["attachments"] = kwargs.pop("files")
                await interaction.edit_original_response(**kwargs)
                origin.original_pending = False
            else:
                await interaction.followup.send(ephemeral=ephemeral, **kwargs)

    # -- scheduled work (bot/runtime.py) ----------------------------------------------

    async def send_scheduled(self, action: Action) -> bool:
        """Deliver an action from Haven.tick: MEMBER by DM to action.user_id, MODERATORS to
        action.community_id's moderator channel, CHANNEL to action.channel_id. True when
        Discord accepted every part."""
        try:
            if action.to is Audience.MODERATORS:
                guild = int(action.community_id) if (action.community_id or "").isdigit() else None
                return await self._to_moderators(action, guild, None)
            if action.to is Audience.MEMBER and (action.user_id or "").isdigit():
                await self._send(await self._dm(int(action.user_id)), outgoing(action))
                return True
            if action.to is Audience.CHANNEL and (action.channel_id or "").isdigit():
                await self._send(self.get_partial_messageable(int(action.channel_id)), outgoing(action))
                return True
        except discord.HTTPException as exc:
            log.warning("scheduled send refused", extra={"audience": action.to.value, "status": exc.status,
                                                         "code": exc.code})
            return False
        log.error("scheduled action has no Discord destination", extra={"audience": action.to.value})
        return False


class DiscordAdapter:
    """The runtime's Adapter (bot/runtime.py) for Discord."""

    platform = PLATFORM

    def __init__(self, haven: Haven, settings: DiscordSettings, choices: CommandChoices | None = None) -> None:
        self.client = HavenClient(haven, settings, choices)
        self._token = settings.token
        self._gateway: asyncio.Task | None = None

    async def start(self) -> None:
        """Log in, sync commands, connect; returns once the gateway is ready.

        Raises ConfigError for a refused token or a missing Message Content intent."""
        try:
            await self.client.login(self._token)
        except discord.LoginFailure:
            raise ConfigError("DISCORD_TOKEN", "a valid bot token: Discord refused this one "
                                               "(reset it on the Bot page of the Developer Portal)") from None
        self._gateway = asyncio.create_task(self.client.connect(), name="haven-discord-gateway")
        ready = asyncio.create_task(self.client.wait_until_ready())
        done, _ = await asyncio.wait({self._gateway, ready}, return_when=asyncio.FIRST_COMPLETED)
        if self._gateway in done:
            ready.cancel()
            error = self._gateway.exception()
            await self.client.close()
            if isinstance(error, discord.PrivilegedIntentsRequired):
                raise ConfigError("DISCORD_TOKEN", "a bot with the Message Content intent enabled "
                                                   "(Developer Portal > Bot > Privileged Gateway Intents)")
            raise error or RuntimeError("the Discord connection closed before it was ready")

    def is_connected(self) -> bool:
        """True while the gateway is up (for /healthz)."""
        return self.client.is_ready() and not self.client.is_closed()

    async def send_scheduled(self, action: Action) -> bool:
        return await self.client.send_scheduled(action)

    async def close(self) -> None:
        await self.client.close()
        if self._gateway is not None:
            await asyncio.gather(self._gateway, return_exceptions=True)


async def start_discord(haven: Haven, settings: DiscordSettings, choices: CommandChoices | None = None) -> DiscordAdapter:
    """A connected Discord adapter for the runtime; the caller closes it."""
    adapter = DiscordAdapter(haven, settings, choices)
    await adapter.start()
    return adapter
