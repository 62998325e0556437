"""Pure translation between console lines and the core's neutral events and replies."""
from __future__ import annotations

import json
from dataclasses import dataclass

from bot.actions import Action, Reply
from bot.events import ButtonPress, Event, Member, Message, Place

PLATFORM = "console"
COMMUNITY = "console"
DEFAULT_USER = "member"
MENTION = "@haven"


@dataclass(frozen=True)
class BadLine:
    """A line that could not become an event, with the reason for the member."""

    input: str
    reason: str


def decode(raw: bytes) -> str | BadLine:
    """The line as text; invalid UTF-8 is reported, not guessed at."""
    try:
        return raw.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        shown = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        return BadLine(shown, f"the line is not valid UTF-8 (byte {exc.start}); nothing was processed")


def parse_line(line: str, number: int) -> Event | BadLine:
    """A JSONL line (a JSON object or plain text) as an event.

    Object fields: text, user, channel ('dm' or a channel name), moderator (bool),
    button (a button value, sent instead of text). Plain text is a DM from the test member.
    """
    stripped = line.strip()
    if not stripped.startswith("{"):
        if stripped.startswith(("[", '"')):
            try:
                json.loads(stripped)
                return BadLine(line, "a JSON line must be an object like {\"text\": \"...\"}")
            except json.JSONDecodeError:
                pass
        return _message(line, DEFAULT_USER, "dm", False, number)
    try:
        data = json.loads(stripped)
    except json.JSONDecodeError as exc:
        return BadLine(line, f"not valid JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(data, dict):
        return BadLine(line, "a JSON line must be an object like {\"text\": \"...\"}")
    user = data.get("user", DEFAULT_USER)
    channel = data.get("channel", "dm")
    moderator = data.get("moderator", False)
    for name, value, kind in (("user", user, str), ("channel", channel, str), ("moderator", moderator, bool)):
        if not isinstance(value, kind):
            return BadLine(_shown(data), f"'{name}' must be a {'string' if kind is str else 'true or false'}")
    if not user.strip() or not channel.strip():
        return BadLine(_shown(data), "'user' and 'channel' must not be empty")
    if "button" in data:
        if not isinstance(data["button"], str):
            return BadLine(_shown(data), "'button' must be a string")
        member, place = _who_where(user, channel, moderator)
        return ButtonPress(member, place, data["button"])
    text = data.get("text")
    if not isinstance(text, str):
        return BadLine(_shown(data), "the object needs a 'text' string (or a 'button')")
    return _message(text, user, channel, moderator, number)


def _shown(data: dict) -> str:
    text = data.get("text")
    return text if isinstance(text, str) else json.dumps(data, ensure_ascii=False)[:200]


def _who_where(user: str, channel: str, moderator: bool) -> tuple[Member, Place]:
    member = Member(PLATFORM, user, display_name=user, is_platform_moderator=moderator)
    is_dm = channel == "dm"
    place = Place(COMMUNITY, f"dm:{user}" if is_dm else channel, is_dm=is_dm)
    return member, place


def _message(text: str, user: str, channel: str, moderator: bool, number: int) -> Message:
    member, place = _who_where(user, channel, moderator)
    mentions = False
    body = text
    if not place.is_dm and text.lstrip().lower().startswith(MENTION):
        mentions = True
        body = text.lstrip()[len(MENTION):].lstrip(" ,:")
    return Message(member, place, body, message_id=str(number), mentions_bot=mentions)


def event_input(event: Event) -> str:
    if isinstance(event, ButtonPress):
        return event.value
    return event.text


def render_output(action: Action) -> dict:
    out = {"to": action.to.value, "text": action.text}
    if action.buttons:
        out["buttons"] = [{"label": b.label, "value": b.value} for b in action.buttons]
    if action.attachments:
        out["attachments"] = [str(path) for path in action.attachments]
    return out


def render_reply(input_text: str, reply: Reply) -> str:
    """The one JSON line written for an input line."""
    return json.dumps(
        {
            "input": input_text,
            "kind": reply.kind.value,
            "topic": reply.topic,
            "outputs": [render_output(a) for a in reply.actions],
        },
        ensure_ascii=False,
    )


def render_error(bad: BadLine) -> str:
    return json.dumps(
        {"input": bad.input, "kind": "error", "topic": None, "error": bad.reason,
         "outputs": [{"to": "member", "text": f"Sorry, I couldn't read that line: {bad.reason}."}]},
        ensure_ascii=False,
    )
