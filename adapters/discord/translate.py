"""Pure translation between Discord and the core: messages and interactions in, send arguments out.

Nothing here talks to Discord. In: discord.py objects built by the library's own parsing
(a Message from MESSAGE_CREATE, an Interaction from INTERACTION_CREATE). Out: the
arguments for one send (content, embeds, allowed mentions, buttons, files), cut to
Discord's limits.

Output safety, in one place:
- Every message carries an explicit AllowedMentions: nothing a member wrote (echoed in an
  alert excerpt, a display name, a command name) and nothing in content can ping
  @everyone, @here, a role or a user. The one exception is the deliberate moderator-role
  ping on a loud alert, which allows exactly those roles.
- Text is sent with Discord markdown escaped. Haven's content is plain text, so this
  changes nothing visible for it, while a member's `**`, `||`, `> ` or `# ` echoed
  back (say in an alert excerpt) shows as typed instead of reformatting the message.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import discord

from bot.actions import Action, Audience, Button, Urgency
from bot.events import ButtonPress, Member, Message, Place

PLATFORM = "discord"

MESSAGE_LIMIT = 2000          # characters in a message's content
EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
EMBEDS_PER_MESSAGE = 10
BUTTON_LABEL_LIMIT = 80
BUTTONS_PER_MESSAGE = 25
CUSTOM_ID_LIMIT = 100

CUSTOM_ID_PREFIX = "haven:"
# What a Haven button's custom_id looks like: the prefix, then the core's Button.value.
CUSTOM_ID_TEMPLATE = re.compile(r"haven:(?P<value>\S{1,94})")

ALERT_COLOUR = discord.Colour(0xC0392B)   # loud: imminent risk
NOTICE_COLOUR = discord.Colour(0xE67E22)  # every other moderator message

_JUMP_URL = re.compile(r"https://(?:\w+\.)?discord(?:app)?\.com/channels/(?:\d+|@me)/\d+/\d+")

NO_MENTIONS = discord.AllowedMentions.none()


# -- in: Discord -> neutral events ------------------------------------------------------

def strip_bot_mention(text: str, bot_id: int) -> tuple[str, bool]:
    """The text without mentions of the bot (<@id> or <@!id>), and whether there was one."""
    pattern = re.compile(rf"<@!?{bot_id}>")
    if not pattern.search(text):
        return text, False
    stripped = pattern.sub(" ", text)
    return " ".join(stripped.split(" ")).strip(" ,:\t"), True


def home_guild(configured: int | None, guild_ids: Sequence[int], mutual_ids: Sequence[int] = ()) -> int | None:
    """The server a DM belongs to: the configured home server, else the only server the
    bot is in, else the first server the bot shares with the member; None if none."""
    if configured is not None:
        return configured
    if len(guild_ids) == 1:
        return guild_ids[0]
    return mutual_ids[0] if mutual_ids else None


def member_of(user: discord.abc.User, *, can_manage_messages: bool) -> Member:
    """The neutral member: Manage Messages makes a platform moderator; role ids feed the
    core's moderator-role setting. A DM author (a User, not a Member) has neither."""
    roles = getattr(user, "roles", ())
    return Member(
        PLATFORM,
        str(user.id),
        display_name=user.display_name,
        is_platform_moderator=can_manage_messages,
        role_ids=tuple(str(role.id) for role in roles if not role.is_default()),
    )


def place_of(channel: object, guild_id: int | None, home_guild_id: int | None) -> Place:
    """Where it happened. Threads and forum posts carry their parent, so they share its
    monitoring and settings; a DM belongs to the home server."""
    channel_id = str(getattr(channel, "id", ""))
    if guild_id is None:
        return Place(str(home_guild_id) if home_guild_id else "", channel_id, is_dm=True)
    parent = getattr(channel, "parent_id", None) if isinstance(channel, discord.Thread) else None
    return Place(str(guild_id), channel_id, is_dm=False, parent_channel_id=str(parent) if parent else None)


def message_event(message: discord.Message, bot_id: int, home_guild_id: int | None) -> Message | None:
    """The neutral event for a MESSAGE_CREATE, or None for what Haven must not read:
    its own messages, other bots, webhooks and system messages (joins, pins, boosts)."""
    author = message.author
    if author.bot or author.id == bot_id or message.webhook_id is not None:
        return None
    if message.type not in (discord.MessageType.default, discord.MessageType.reply):
        return None
    guild_id = message.guild.id if message.guild is not None else None
    text, mentioned = strip_bot_mention(message.content, bot_id)
    # A reply to the bot with the reply-ping on lists the bot in `mentions`: that is addressed too.
    mentioned = mentioned or any(user.id == bot_id for user in message.mentions)
    moderator = False
    if guild_id is not None and isinstance(author, discord.Member):
        moderator = author.guild_permissions.manage_messages
    return Message(
        member_of(author, can_manage_messages=moderator),
        place_of(message.channel, guild_id, home_guild_id),
        text,
        message_id=str(message.id),
        link=message.jump_url,
        mentions_bot=mentioned and guild_id is not None,
        raw=message,
    )


def _interaction_who_where(interaction: discord.Interaction, home_guild_id: int | None) -> tuple[Member, Place]:
    guild_id = interaction.guild_id
    # interaction.permissions is what Discord resolved for the member in this channel.
    moderator = guild_id is not None and interaction.permissions.manage_messages
    member = member_of(interaction.user, can_manage_messages=moderator)
    channel = interaction.channel if interaction.channel is not None else discord.Object(interaction.channel_id or 0)
    return member, place_of(channel, guild_id, home_guild_id)


def command_event(interaction: discord.Interaction, text: str, home_guild_id: int | None) -> Message:
    """A slash command as the text form the core parses, marked via_command."""
    member, place = _interaction_who_where(interaction, home_guild_id)
    return Message(member, place, text, message_id=str(interaction.id), via_command=True, raw=interaction)


def press_event(interaction: discord.Interaction, value: str, home_guild_id: int | None) -> ButtonPress:
    """A click on one of Haven's buttons; `value` is the core's Button.value."""
    member, place = _interaction_who_where(interaction, home_guild_id)
    return ButtonPress(member, place, value, raw=interaction)


def command_text(path: str, *options: object) -> str:
    """'/checkin start daily 19:00 Europe/London' from the command path and its option
    values in order; options left empty are skipped."""
    words = [str(o).strip() for o in options if o is not None and str(o).strip()]
    return " ".join([f"/{path}", *words])


def custom_id(value: str) -> str:
    """The stable custom_id of a button whose core value is `value`."""
    cid = CUSTOM_ID_PREFIX + value
    if not CUSTOM_ID_TEMPLATE.fullmatch(cid):
        raise ValueError(f"button value cannot be a Discord custom_id (1-94 characters, no spaces): {value!r}")
    return cid


def button_value(cid: str) -> str | None:
    """The core's value from a custom_id Haven made, else None."""
    match = CUSTOM_ID_TEMPLATE.fullmatch(cid)
    return match["value"] if match else None


# -- out: neutral actions -> send arguments -----------------------------------------------

@dataclass(frozen=True)
class Outgoing:
    """One Discord message to send. Buttons and files go on the last part of a split text."""

    content: str | None = None
    embeds: tuple[discord.Embed, ...] = ()
    allowed_mentions: discord.AllowedMentions = field(default_factory=discord.AllowedMentions.none)
    buttons: tuple[Button, ...] = ()
    attachments: tuple[Path, ...] = ()
    # Discord's nonce with enforce_nonce: a retried send of the same part is shown once.
    nonce: str | None = None


def nonce_for(key: str, part: int) -> str:
    """A stable nonce (Discord allows 25 characters) for one part of an idempotent send."""
    return hashlib.sha256(f"{key}#{part}".encode()).hexdigest()[:25]


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Text cut into parts of at most `limit` characters: at line ends where it can, else at
    a space, else anywhere. Parts are never empty; no text is lost but the breaks."""
    if limit < 1:
        raise ValueError("limit must be positive")
    text = text.strip("\n")
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = line if not current else f"{current}\n{line}"
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit + 1)
            if cut <= 0:
                cut = limit
            parts.append(line[:cut].rstrip())
            line = line[cut:].lstrip(" ")
        current = line
    if current.strip():
        parts.append(current)
    return [p for p in parts if p.strip()]


def safe_text(text: str) -> str:
    """Text with Discord markdown escaped (links left intact)."""
    return discord.utils.escape_markdown(text)


def jump_url_in(text: str) -> str | None:
    """The first Discord message link in the text (the message an alert is about)."""
    match = _JUMP_URL.search(text)
    return match.group(0) if match else None


def role_ping(role_ids: Iterable[str]) -> tuple[str, discord.AllowedMentions]:
    """The mention line for the moderator roles, and the AllowedMentions that lets exactly
    those roles (and nobody else) be pinged."""
    ids = [int(r) for r in role_ids if str(r).isdigit()]
    mentions = discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(i) for i in ids],
                                       replied_user=False)
    return " ".join(f"<@&{i}>" for i in ids), mentions


def member_messages(action: Action) -> list[Outgoing]:
    """A message to a member or a channel: plain text split to the limit; the action's
    buttons and files ride on the last part."""
    parts = split_text(safe_text(action.text)) or [""]
    buttons = action.buttons[:BUTTONS_PER_MESSAGE]
    key = action.idempotency_key
    out = [Outgoing(content=p or None, nonce=nonce_for(key, n) if key else None) for n, p in enumerate(parts[:-1])]
    out.append(Outgoing(content=parts[-1] or None, buttons=buttons, attachments=action.attachments,
                        nonce=nonce_for(key, len(parts) - 1) if key else None))
    return out


def moderator_messages(action: Action, moderator_roles: Sequence[str] = (), link: str | None = None) -> list[Outgoing]:
    """A moderator-channel message: an embed (title = first line, linked to the member's
    message), red and pinging the moderator roles when the action is loud."""
    lines = action.text.strip("\n").split("\n")
    title, body = (lines[0], "\n".join(lines[1:])) if len(lines) > 1 else (None, lines[0])
    link = link or jump_url_in(action.text)
    loud = action.urgency is Urgency.LOUD
    colour = ALERT_COLOUR if loud else NOTICE_COLOUR
    chunks = split_text(safe_text(body), EMBED_DESCRIPTION_LIMIT) or [""]
    embeds: list[discord.Embed] = []
    for n, chunk in enumerate(chunks[:EMBEDS_PER_MESSAGE]):
        embed = discord.Embed(description=chunk or None, colour=colour)
        if n == 0 and title:
            embed.title = safe_text(title)[:EMBED_TITLE_LIMIT]
            if link:
                embed.url = link
        embeds.append(embed)
    content, mentions = role_ping(moderator_roles) if loud else ("", NO_MENTIONS)
    return [Outgoing(content=content or None, embeds=tuple(embeds), allowed_mentions=mentions,
                     buttons=action.buttons[:BUTTONS_PER_MESSAGE], attachments=action.attachments)]


def outgoing(action: Action, moderator_roles: Sequence[str] = (), link: str | None = None) -> list[Outgoing]:
    """The Discord messages for one action, in order."""
    if action.to is Audience.MODERATORS:
        return moderator_messages(action, moderator_roles, link)
    return member_messages(action)
