"""Process configuration: .env (python-dotenv) first, the environment over it, validated once."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from dotenv import dotenv_values

from bot.errors import ConfigError

CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
LOG_FORMATS = ("text", "json")


@dataclass(frozen=True)
class Config:
    db_path: Path = Path("data/haven.db")
    database_url: str = field(default="", repr=False)  # postgresql://… (may hold a password)
    content_dir: Path = CONTENT_DIR
    log_level: str = "INFO"
    log_format: str = "text"
    health_port: int = 0          # 0: no health endpoint
    health_host: str = "127.0.0.1"
    metrics: bool = False
    # Scheduled sends a second per platform (check-ins, re-pings, cards), spread by a token bucket.
    send_rates: dict = field(default_factory=lambda: {"discord": 5.0, "slack": 3.0})
    # Secrets never appear in repr, logs or error messages.
    discord_token: str = field(default="", repr=False)
    slack_bot_token: str = field(default="", repr=False)

    @property
    def database(self) -> str | Path:
        """What to open: DATABASE_URL when set, else the SQLite file at HAVEN_DB_PATH."""
        return self.database_url or self.db_path

    @property
    def has_platform(self) -> bool:
        return bool(self.discord_token or self.slack_bot_token)


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = env.get(name, "").strip() or default
    for choice in choices:
        if value.lower() == choice.lower():
            return choice
    raise ConfigError(name, f"one of {', '.join(choices)} (got {value!r})")


def _port(env: Mapping[str, str], name: str) -> int:
    value = env.get(name, "").strip()
    if not value:
        return 0
    if not value.isdigit() or not 0 <= int(value) <= 65535:
        raise ConfigError(name, f"a port number from 1 to 65535, or 0 for off (got {value!r})")
    return int(value)


def _switch(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in ("", "off", "false", "0", "no"):
        return False
    if value in ("on", "true", "1", "yes"):
        return True
    raise ConfigError(name, f"on or off (got {value!r})")


def _rate(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        rate = float(value)
    except ValueError:
        rate = -1.0
    if not 0 < rate <= 50:
        raise ConfigError(name, f"sends a second, above 0 and at most 50 (got {value!r})")
    return rate


def _database_url(env: Mapping[str, str]) -> str:
    value = env.get("DATABASE_URL", "").strip()
    if value and not value.startswith(("postgresql://", "postgres://", "sqlite:///")):
        # Never echo it: the URL may carry a password.
        raise ConfigError("DATABASE_URL", "postgresql://user:password@host/dbname, sqlite:///path, or unset")
    return value


def parse_config(env: Mapping[str, str]) -> Config:
    """Validate settings from a mapping; raises ConfigError naming the variable."""
    db_path = Path(env.get("HAVEN_DB_PATH", "").strip() or "data/haven.db")
    content_dir = Path(env.get("HAVEN_CONTENT_DIR", "").strip() or CONTENT_DIR)
    if not content_dir.is_dir():
        raise ConfigError("HAVEN_CONTENT_DIR", f"an existing folder with Haven's content (got {str(content_dir)!r})")
    config = Config(
        db_path=db_path,
        database_url=_database_url(env),
        content_dir=content_dir,
        log_level=_choice(env, "HAVEN_LOG_LEVEL", LOG_LEVELS, "INFO"),
        log_format=_choice(env, "HAVEN_LOG_FORMAT", LOG_FORMATS, "text"),
        health_port=_port(env, "HAVEN_HEALTH_PORT"),
        health_host=env.get("HAVEN_HEALTH_HOST", "").strip() or "127.0.0.1",
        metrics=_switch(env, "HAVEN_METRICS"),
        send_rates={"discord": _rate(env, "HAVEN_DISCORD_SEND_RATE", 5.0),
                    "slack": _rate(env, "HAVEN_SLACK_SEND_RATE", 3.0)},
        # Which platforms run; each adapter's own settings module validates its tokens.
        discord_token=env.get("DISCORD_TOKEN", "").strip(),
        slack_bot_token=env.get("SLACK_BOT_TOKEN", "").strip() or env.get("SLACK_APP_TOKEN", "").strip(),
    )
    return config


def load_env(env_file: Path | None = Path(".env")) -> dict[str, str]:
    """.env (when present) with the process environment over it."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ)
    return values


def load_config(env_file: Path | None = Path(".env")) -> Config:
    """Read .env (when present), let the process environment override it, and validate."""
    return parse_config(load_env(env_file))
