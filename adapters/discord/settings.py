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
    # Sharding across processes: the shard ids this process runs, out of shard_count.
    # None for both: one process, and Discord's recommended number of shards.
    shard_ids: tuple[int, ...] | None = None
    shard_count: int | None = None

    @property
    def syncs_commands(self) -> bool:
        """Only the process that runs shard 0 registers slash commands."""
        return self.shard_ids is None or 0 in self.shard_ids


def _guild(env: Mapping[str, str], name: str) -> int | None:
    value = env.get(name, "").strip()
    if not value:
        return None
    if not _SNOWFLAKE.fullmatch(value):
        raise ConfigError(name, f"a server id, a number of 15 to 21 digits (got {value[:40]!r}); "
                                "turn on Developer Mode in Discord and use Copy Server ID")
    return int(value)


def parse_shards(shards: str, count: str, shards_name: str = "HAVEN_DISCORD_SHARDS",
                 count_name: str = "HAVEN_DISCORD_SHARD_COUNT") -> tuple[tuple[int, ...] | None, int | None]:
    """('0-3', '8') -> ((0, 1, 2, 3), 8); also '0,2,5'. Both empty: no sharding."""
    shards, count = shards.strip(), count.strip()
    if not shards and not count:
        return None, None
    if not count.isdigit() or not 1 <= int(count) <= 10000:
        raise ConfigError(count_name, f"the total number of shards, a whole number (got {count[:20]!r})")
    total = int(count)
    ids: list[int] = []
    for part in shards.split(",") if shards else []:
        match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
        if not match:
            raise ConfigError(shards_name, f"shard ids like 0-3 or 0,2,5 (got {shards[:40]!r})")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if first > last:
            raise ConfigError(shards_name, f"a range from low to high (got {part.strip()!r})")
        ids.extend(range(first, last + 1))
    if not ids:
        raise ConfigError(shards_name, "the shard ids this process runs, like 0-3, whenever a shard count is set")
    if max(ids) >= total:
        raise ConfigError(shards_name, f"shard ids below the shard count {total} (got {max(ids)})")
    return tuple(sorted(set(ids))), total


def parse_discord_settings(env: Mapping[str, str]) -> DiscordSettings:
    """Settings from DISCORD_TOKEN, HAVEN_DISCORD_DEV_GUILD, HAVEN_DISCORD_HOME_GUILD,
    HAVEN_DISCORD_SHARDS and HAVEN_DISCORD_SHARD_COUNT.

    Raises ConfigError naming the variable; the token's value is never part of the message.
    """
    token = env.get("DISCORD_TOKEN", "").strip()
    if not token:
        raise ConfigError("DISCORD_TOKEN", "the bot token from the Bot page of your application "
                                           "in the Discord Developer Portal")
    if any(c.isspace() for c in token) or token.lower().startswith("bot "):
        raise ConfigError("DISCORD_TOKEN", "the bare bot token, without spaces or a 'Bot ' prefix")
    shard_ids, shard_count = parse_shards(env.get("HAVEN_DISCORD_SHARDS", ""),
                                          env.get("HAVEN_DISCORD_SHARD_COUNT", ""))
    return DiscordSettings(
        token=token,
        dev_guild_id=_guild(env, "HAVEN_DISCORD_DEV_GUILD"),
        home_guild_id=_guild(env, "HAVEN_DISCORD_HOME_GUILD"),
        shard_ids=shard_ids,
        shard_count=shard_count,
    )
