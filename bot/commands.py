"""The command table: names, aliases, who may use them and the one-line usage."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str
    usage: str
    moderator_only: bool = False
    aliases: tuple[str, ...] = ()


COMMANDS: tuple[Command, ...] = (
    Command("help", "/help"),
    Command("about", "/about"),
    Command("ask", "/ask <question>"),
    Command("faq", "/faq"),
    Command("crisis", "/crisis", aliases=("help-now", "helpnow")),
    Command("region", "/region [country code]"),
    Command("checkin", "/checkin start|status|pause <days>|stop|wellbeing"),
    Command("mood", "/mood"),
    Command("mydata", "/mydata"),
    Command("forget-me", "/forget-me", aliases=("forgetme", "forget_me")),
    Command("resources", "/resources list|post <topic>|schedule <topic> <days> [channel]|unschedule <id>",
            moderator_only=True),
    Command("settings", "/settings [name value]", moderator_only=True),
    Command("escalations", "/escalations [open|ack|resolve <id>]", moderator_only=True),
    Command("stats", "/stats", moderator_only=True),
)

_BY_NAME = {alias: c for c in COMMANDS for alias in (c.name, *c.aliases)}


def parse_command(text: str) -> tuple[str, str] | None:
    """('name', 'arguments') for text that starts with '/', else None. Names are case-insensitive."""
    stripped = text.strip()
    if not stripped.startswith("/") or len(stripped) < 2:
        return None
    head, _, rest = stripped[1:].partition(" ")
    return head.lower(), rest.strip()


def find_command(name: str) -> Command | None:
    return _BY_NAME.get(name)
