"""Pure translation between Slack payloads and the core's neutral events and actions.

Nothing here talks to Slack: payload dicts in, events out; actions in, the keyword
arguments for chat.postMessage / chat.postEphemeral out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping

from bot.actions import Action, Button
from bot.events import ButtonPress, Member, Message, Place

PLATFORM = "slack"
COMMAND = "/haven"

# Slack's limits (Block Kit reference, chat.postMessage).
SECTION_LIMIT = 3000        # characters in one section's text
MESSAGE_TEXT_LIMIT = 40000  # characters in a message's top-level text
BLOCK_LIMIT = 50            # blocks in one message
ACTIONS_PER_BLOCK = 25      # elements in one actions block
BUTTON_LABEL_LIMIT = 75     # characters in a button's label
ACTION_ID_LIMIT = 255
# The top-level text only feeds notifications and screen readers when blocks carry the
# message; a short one keeps each message well inside MESSAGE_TEXT_LIMIT.
NOTIFICATION_LIMIT = 3000

# Member messages the core should see: plain posts, posts with files, thread replies sent
# to the channel too. Edits, deletions, joins and bot posts are not new words from a member.
MEMBER_SUBTYPES = frozenset({None, "file_share", "thread_broadcast", "me_message"})

_USER_ID = re.compile(r"^[UW][A-Z0-9]{1,40}$")
_GROUP_ID = re.compile(r"^S[A-Z0-9]{1,40}$")
# Slack's own markup in incoming text: <@U123>, <@U123|ana>, <#C123|general>,
# <!here>, <!subteam^S123|@mods>, <https://x|label>, <mailto:a@b|a@b>.
_MARKUP = re.compile(r"<([^<>]*)>")
_URL = re.compile(r"https?://(?:(?!&lt;|&gt;)[^\s<>|])+")
_URL_TRAILING = ".,;:!?'\"*_~"


@dataclass(frozen=True)
class Origin:
    """Where an event came from, so the sender knows where its answers go."""

    team_id: str
    channel_id: str
    user_id: str
    is_dm: bool               # Haven's own DM with the member
    thread_ts: str | None = None
    # A slash command or a button press: the member is looking at this channel, so a
    # private answer may be ephemeral there.
    interactive: bool = False


@dataclass(frozen=True)
class Outgoing:
    """One Slack message: the notification text and its blocks."""

    text: str
    blocks: tuple[dict, ...]


# -- incoming ------------------------------------------------------------------------

def is_member_message(event: Mapping) -> bool:
    """True for a new message a person wrote (not an edit, a join, a bot or our own post)."""
    return (
        event.get("type") in ("message", "app_mention")
        and event.get("subtype") in MEMBER_SUBTYPES
        and bool(event.get("user"))
        and not event.get("bot_id")
        and bool(event.get("channel"))
        and bool(event.get("ts"))
    )


def team_of(body: Mapping, event: Mapping | None = None) -> str:
    """The workspace id of an Events API body, a slash command or an interaction."""
    team = body.get("team_id") or (event or {}).get("team") or ""
    if not team and isinstance(body.get("team"), Mapping):
        team = body["team"].get("id", "")
    if not team and isinstance(body.get("user"), Mapping):
        team = body["user"].get("team_id", "")
    return team


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def plain_text(text: str, bot_user_id: str = "") -> str:
    """Slack message text as the member meant it: our mention removed, markup made readable.

    `<@U1>` → `@U1`, `<#C1|general>` → `#general`, `<!here>` → `@here`, `<url|label>` →
    `label`, entities unescaped; the crisis detector and the FAQ matcher read the result.
    """
    def readable(match: re.Match) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return "" if target[1:] == bot_user_id else f"@{label or target[1:]}"
        if target.startswith("#"):
            return f"#{label or target[1:]}"
        if target.startswith("!subteam^"):
            return label or f"@{target[len('!subteam^'):]}"
        if target.startswith("!"):
            return label or f"@{target[1:]}"
        return label or target

    text = _MARKUP.sub(readable, text)
    # Tidy what a leading mention leaves behind ("<@BOT>, how fast…" → "how fast…").
    return unescape(re.sub(r"[ \t]{2,}", " ", text).strip().lstrip(",:").strip())


def mentions(text: str, bot_user_id: str) -> bool:
    return bool(bot_user_id) and (f"<@{bot_user_id}>" in text or f"<@{bot_user_id}|" in text)


def member_from_user(user_id: str, user: Mapping | None) -> Member:
    """The member behind a Slack user id; `user` is users.info's "user" (None if unknown).

    Workspace admins and owners count as platform moderators.
    """
    user = user or {}
    profile = user.get("profile") or {}
    name = (profile.get("display_name") or profile.get("real_name") or user.get("real_name")
            or user.get("name") or "")
    moderator = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
    return Member(PLATFORM, user_id, display_name=name, is_platform_moderator=moderator)


def permalink(workspace_url: str, channel_id: str, ts: str, thread_ts: str | None = None) -> str:
    """A link to a message, built the way chat.getPermalink builds it; "" without a workspace URL."""
    if not workspace_url:
        return ""
    link = f"{workspace_url.rstrip('/')}/archives/{channel_id}/p{ts.replace('.', '')}"
    if thread_ts and thread_ts != ts:
        link += f"?thread_ts={thread_ts}&cid={channel_id}"
    return link


def message_from_event(event: Mapping, *, team_id: str, member: Member, bot_user_id: str,
                       link: str = "") -> Message:
    """A `message` or `app_mention` event as a neutral Message."""
    raw_text = event.get("text") or ""
    is_dm = event.get("channel_type") == "im"
    return Message(
        member=member,
        place=Place(community_id=team_id, channel_id=event["channel"], is_dm=is_dm),
        text=plain_text(raw_text, bot_user_id),
        message_id=event["ts"],
        link=link,
        mentions_bot=not is_dm and (event.get("type") == "app_mention" or mentions(raw_text, bot_user_id)),
        raw=event,
    )


def origin_of_event(event: Mapping, team_id: str) -> Origin:
    return Origin(team_id, event["channel"], event["user"], event.get("channel_type") == "im",
                  thread_ts=event.get("thread_ts"))


def command_text(text: str) -> str:
    """`/haven checkin start daily 19:00` arrives as "checkin start daily 19:00"; the core
    reads "/checkin start daily 19:00". Bare `/haven` is `/help`.

    Slack escapes mentions in command text (the manifest asks it to), so `#mods` arrives as
    `<#C123|mods>`: reduced to `<#C123>` (and users to `<@U123>`, user groups to their bare
    S… id), the forms the core's settings parser reads as ids.
    """
    def ids(match: re.Match) -> str:
        target = match.group(1).partition("|")[0]
        if target.startswith("!subteam^"):
            return target[len("!subteam^"):]
        if target.startswith(("@", "#")):
            return f"<{target}>"
        return match.group(0)

    body = unescape(_MARKUP.sub(ids, text or "")).strip().lstrip("/").strip()
    return f"/{body}" if body else "/help"


def message_from_command(payload: Mapping, member: Member) -> Message:
    """A `/haven …` slash command as the text command the core parses."""
    channel = payload.get("channel_id", "")
    return Message(
        member=member,
        place=Place(community_id=team_of(payload), channel_id=channel, is_dm=channel.startswith("D")),
        text=command_text(payload.get("text", "")),
        via_command=True,
        raw=payload,
    )


def origin_of_command(payload: Mapping) -> Origin:
    # Not is_dm even in a D… channel: a command can come from a DM between two members,
    # where Haven cannot post.
    channel = payload.get("channel_id", "")
    return Origin(team_of(payload), channel, payload.get("user_id", ""), is_dm=False, interactive=True)


def press_from_action(body: Mapping, member: Member) -> ButtonPress | None:
    """A block_actions payload as a ButtonPress carrying the value the core gave the button."""
    actions = body.get("actions") or []
    if not actions:
        return None
    action = actions[0]
    value = action.get("value") or action.get("action_id") or ""
    channel = _channel_of(body)
    if not value or not channel:
        return None
    return ButtonPress(member, Place(team_of(body), channel, is_dm=channel.startswith("D")), value, raw=body)


def origin_of_action(body: Mapping) -> Origin:
    # A button sits on a message Haven sent, so a D… channel here is Haven's own DM.
    channel = _channel_of(body)
    user = (body.get("user") or {}).get("id", "")
    thread = (body.get("container") or {}).get("thread_ts")
    return Origin(team_of(body), channel, user, channel.startswith("D"), thread_ts=thread, interactive=True)


def _channel_of(body: Mapping) -> str:
    return (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or ""


# -- outgoing ------------------------------------------------------------------------

def escape(text: str) -> str:
    """Text that Slack shows literally: &, < and > escaped, so nothing in it can become
    `<!channel>`, `<!here>`, `<!everyone>`, `<!subteam^…>` or `<@…>`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str) -> str:
    """Escaped text with its web addresses made into explicit links (verbatim text objects
    are not auto-linked). A link cannot ping anyone."""
    def link(match: re.Match) -> str:
        url = match.group(0)
        while url and (url[-1] in _URL_TRAILING or (url[-1] == ")" and url.count("(") < url.count(")"))):
            url = url[:-1]
        return f"<{url}>{match.group(0)[len(url):]}"

    return _URL.sub(link, escape(text))


def split_text(text: str, limit: int = SECTION_LIMIT, measure=lambda s: len(mrkdwn(s))) -> list[str]:
    """Pieces of `text` whose rendered length fits `limit`, cut at line breaks, then at
    spaces, and only inside a word longer than the limit."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if measure(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
            current = ""
        if measure(line) <= limit:
            current = line
            continue
        for word in line.split(" "):
            candidate = f"{current} {word}" if current else word
            if measure(candidate) <= limit:
                current = candidate
                continue
            if current:
                pieces.append(current)
                current = ""
            while measure(word) > limit:
                cut = _longest_prefix(word, limit, measure)
                pieces.append(word[:cut])
                word = word[cut:]
            current = word
    if current.strip():
        pieces.append(current)
    return [p for p in pieces if p.strip()]


def _longest_prefix(word: str, limit: int, measure) -> int:
    low, high = 1, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if measure(word[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def split_source(text: str) -> tuple[str, str]:
    """An FAQ answer's body and its source footer (the core puts it after the last blank line)."""
    body, sep, footer = text.rpartition("\n\n")
    if not sep or not body.strip() or "http" not in footer:
        return text, ""
    return body, footer


def moderator_ping(user_ids: Iterable[str], group_ids: Iterable[str]) -> str:
    """The deliberate ping for a loud alert: the configured moderators and user groups, or
    `<!here>` in the moderator channel when none are configured. Ids that are not Slack ids
    are dropped, so a setting can never smuggle other markup in."""
    parts = [f"<@{u}>" for u in user_ids if _USER_ID.match(u)]
    parts += [f"<!subteam^{g}>" for g in group_ids if _GROUP_ID.match(g)]
    return " ".join(parts) or "<!here>"


def _section(text: str) -> dict:
    # verbatim: Slack must not turn a plain "@here" or "#channel" into markup.
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def _buttons(buttons: tuple[Button, ...]) -> list[dict]:
    blocks, seen = [], set()
    elements = []
    for button in buttons:
        action_id = button.value[:ACTION_ID_LIMIT]
        n = 1
        while action_id in seen:  # action ids must be unique within a message
            n += 1
            action_id = f"{button.value[:ACTION_ID_LIMIT - 4]}#{n}"
        seen.add(action_id)
        label = button.label
        if len(label) > BUTTON_LABEL_LIMIT:
            label = label[:BUTTON_LABEL_LIMIT - 1] + "…"
        elements.append({"type": "button", "text": {"type": "plain_text", "text": label or "…", "emoji": True},
                         "action_id": action_id, "value": button.value})
    for start in range(0, len(elements), ACTIONS_PER_BLOCK):
        blocks.append({"type": "actions", "elements": elements[start:start + ACTIONS_PER_BLOCK]})
    return blocks


def render(action: Action, *, source_footer: bool = False, ping: str = "") -> list[Outgoing]:
    """The Slack messages for one action, in order: sections within 3000 characters, the
    FAQ source as a context block, buttons as actions blocks, at most 50 blocks a message.

    All text is escaped; `ping` (from `moderator_ping`) is the only markup that gets through.
    """
    body, footer = split_source(action.text) if source_footer else (action.text, "")
    blocks: list[dict] = []
    if ping:
        blocks.append(_section(ping))
    blocks += [_section(mrkdwn(piece)) for piece in split_text(body)]
    if footer.strip():
        blocks += [{"type": "context", "elements": [{"type": "mrkdwn", "text": mrkdwn(piece), "verbatim": True}]}
                   for piece in split_text(footer)]
    blocks += _buttons(action.buttons)
    if not blocks:
        return []
    messages = []
    for start in range(0, len(blocks), BLOCK_LIMIT):
        chunk = tuple(blocks[start:start + BLOCK_LIMIT])
        messages.append(Outgoing(_notification(chunk, ping if start == 0 else ""), chunk))
    return messages


def _notification(blocks: tuple[dict, ...], ping: str) -> str:
    texts = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    if ping and texts and texts[0] == ping:
        texts = texts[1:]
    text = "\n".join(texts)
    if len(text) > NOTIFICATION_LIMIT:
        # Cut before any entity or link that would be split.
        cut = NOTIFICATION_LIMIT - 1
        head = text[:cut]
        for opener, closer in (("&", ";"), ("<", ">")):
            last = head.rfind(opener)
            if last > head.rfind(closer):
                head = head[:last]
        text = head + "…"
    if ping:
        text = f"{ping} {text}".strip()
    return text or "Haven"
