"""The Discord adapter's own settings, read from the environment and validated once."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

from bot.errors import ConfigError

_SNOWFLAKE = re.compile(r"\d{15,21}")


@dataclass(frozen=True)
class DiscordSettings:
    # Never shown: not in repr, logs or error messages.
    token: str = field(repr=False)
    # Sync slash commands to this one server only (instant; for development).
    # None: sync globally (can take a while to reach every server).
    dev_guild_id: int | None = None
    # The server whose settings and moderators a DM belongs to. None: the single server
    # the bot is in, else the first server the bot shares with the member.
    home_guild_id: int | None = None


def _guild(env: Mapping[str, str], name: str) -> int | None:
    value = env.get(name, "").strip()
    if not value:
        return None
    if not _SNOWFLAKE.fullmatch(value):
        raise ConfigError(name, f"a server id, a number of 15 to 21 digits (got {value[:40]!r}); "
                                "turn on Developer Mode in Discord and use Copy Server ID")
    return int(value)


def parse_discord_settings(env: Mapping[str, str]) -> DiscordSettings:
    """Settings from DISCORD_TOKEN, HAVEN_DISCORD_DEV_GUILD and HAVEN_DISCORD_HOME_GUILD.

    Raises ConfigError naming the variable; the token's value is never part of the message.
    """
    token = env.get("DISCORD_TOKEN", "").strip()
    if not token:
        raise ConfigError("DISCORD_TOKEN", "the bot token from the Bot page of your application "
                                           "in the Discord Developer Portal")
    if any(c.isspace() for c in token) or token.lower().startswith("bot "):
        raise ConfigError("DISCORD_TOKEN", "the bare bot token, without spaces or a 'Bot ' prefix")
    return DiscordSettings(
        token=token,
        dev_guild_id=_guild(env, "HAVEN_DISCORD_DEV_GUILD"),
        home_guild_id=_guild(env, "HAVEN_DISCORD_HOME_GUILD"),
    )
