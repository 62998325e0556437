"""The Slack adapter's process settings, read from the environment and validated once."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from bot.errors import ConfigError

MODES = ("socket", "http")
DEFAULT_PORT = 3000
EVENTS_PATH = "/slack/events"


@dataclass(frozen=True)
class SlackSettings:
    # Secrets never appear in repr, logs or error messages.
    bot_token: str = field(repr=False)
    app_token: str = field(default="", repr=False)
    signing_secret: str = field(default="", repr=False)
    mode: str = "socket"
    port: int = DEFAULT_PORT
    # All interfaces: in HTTP mode Slack's servers (or the reverse proxy) must reach it.
    host: str = "0.0.0.0"  # nosec B104
    path: str = EVENTS_PATH


def _token(env: Mapping[str, str], name: str, prefix: str | None = None) -> str:
    value = env.get(name, "").strip()
    if value and prefix and not value.startswith(prefix):
        # Never echo the value: it may be a real secret pasted into the wrong variable.
        raise ConfigError(name, f"a token starting with {prefix!r}")
    if any(c.isspace() for c in value):
        raise ConfigError(name, "a value without spaces")
    return value


def parse_slack_settings(env: Mapping[str, str]) -> SlackSettings:
    """Settings for the Slack adapter; raises ConfigError naming the variable at fault.

    Socket Mode (the default) needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN; HTTP mode needs
    SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, and listens on HAVEN_SLACK_PORT.
    """
    bot_token = _token(env, "SLACK_BOT_TOKEN", "xoxb-")
    app_token = _token(env, "SLACK_APP_TOKEN", "xapp-")
    signing_secret = _token(env, "SLACK_SIGNING_SECRET")
    raw_mode = env.get("HAVEN_SLACK_MODE", "").strip().lower() or "socket"
    if raw_mode not in MODES:
        raise ConfigError("HAVEN_SLACK_MODE", f"socket or http (got {raw_mode[:20]!r})")
    raw_port = env.get("HAVEN_SLACK_PORT", "").strip() or str(DEFAULT_PORT)
    if not raw_port.isdigit() or not 1 <= int(raw_port) <= 65535:
        raise ConfigError("HAVEN_SLACK_PORT", f"a port number from 1 to 65535 (got {raw_port[:20]!r})")
    if not bot_token:
        raise ConfigError("SLACK_BOT_TOKEN", "the bot token (xoxb-…) from the app's OAuth & Permissions page")
    if raw_mode == "socket" and not app_token:
        raise ConfigError("SLACK_APP_TOKEN", "an app-level token (xapp-…) with connections:write for Socket Mode, "
                          "or HAVEN_SLACK_MODE=http")
    if raw_mode == "http" and not signing_secret:
        raise ConfigError("SLACK_SIGNING_SECRET", "the signing secret from the app's Basic Information page "
                          "(HTTP mode checks every request with it)")
    return SlackSettings(bot_token=bot_token, app_token=app_token, signing_secret=signing_secret,
                         mode=raw_mode, port=int(raw_port))
