"""Command line: `python -m bot console|run|backup`."""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

from bot.errors import HavenError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Haven, a peer-support bot.")
    sub = parser.add_subparsers(dest="command", required=True)
    console = sub.add_parser("console", help="chat with the bot in this terminal (no tokens needed)")
    console.add_argument("--jsonl", action="store_true", help="scripted mode: JSON lines in, JSON lines out")
    console.add_argument("--db", type=Path, help="database file (default: a throwaway temporary one)")
    run = sub.add_parser("run", help="run the configured adapters (the console when no tokens are set)")
    run.add_argument("--shards", help="Discord shard ids this process runs, like 0-3 (HAVEN_DISCORD_SHARDS)")
    run.add_argument("--shard-count", help="Discord's total number of shards (HAVEN_DISCORD_SHARD_COUNT)")
    backup = sub.add_parser("backup", help="write a consistent copy of the live database")
    backup.add_argument("path", type=Path, help="where to write the copy (must not exist yet)")
    migrate = sub.add_parser("migrate-db", help="copy every table to another database and verify it")
    migrate.add_argument("--from", dest="source", required=True, help="sqlite:///path or postgresql://…")
    migrate.add_argument("--to", dest="target", required=True, help="sqlite:///path or postgresql://…")
    return parser


async def _console(config, database: str | Path | None, jsonl: bool) -> None:
    from adapters.console.runner import run_interactive, run_jsonl
    from bot.app import load_content, open_haven

    content = load_content(config.content_dir)
    with tempfile.TemporaryDirectory(prefix="haven-") as scratch:
        # The scripted mode is a test interface: no member is typing, so no flood limit.
        haven, storage = await open_haven(content, database or Path(scratch) / "haven.db",
                                          limit_flooding=not jsonl)
        try:
            if jsonl:
                await run_jsonl(haven, sys.stdin.buffer, sys.stdout)
            else:
                await run_interactive(haven)
        finally:
            await storage.close()


def _platform_settings(config, env) -> dict:
    """Each configured platform's own settings, validated before anything starts."""
    settings = {}
    if config.discord_token:
        from adapters.discord.settings import parse_discord_settings
        settings["discord"] = parse_discord_settings(env)
    if config.slack_bot_token:
        from adapters.slack.settings import parse_slack_settings
        settings["slack"] = parse_slack_settings(env)
    return settings


async def _platforms(config, platform_settings: dict) -> None:
    """Discord and/or Slack over one core and one database, until SIGTERM/SIGINT."""
    from bot.app import load_content, open_haven
    from bot.health import Liveness, health_app, start_health_server
    from bot.runtime import TICK_SECONDS, install_stop_signals, serve

    content = load_content(config.content_dir)
    haven, storage = await open_haven(content, config.database)
    stop = asyncio.Event()
    install_stop_signals(stop)
    adapters = {}
    try:
        if "discord" in platform_settings:
            from adapters.discord.client import start_discord
            from adapters.discord.slash import choices_from_content
            adapters["discord"] = await start_discord(haven, platform_settings["discord"],
                                                      choices_from_content(content))
        if "slack" in platform_settings:
            from adapters.slack.app import start_slack
            adapters["slack"] = await start_slack(haven, platform_settings["slack"])
    except BaseException:
        for adapter in adapters.values():
            await adapter.close()
        await storage.close()
        raise
    liveness = Liveness(adapters={name: adapter.is_connected for name, adapter in adapters.items()})
    runner = None
    if config.health_port:
        app = health_app(haven.database_ok, liveness, lambda: haven.last_event_at, haven.now,
                         haven.metrics.prometheus if config.metrics else None, TICK_SECONDS * 3)
        runner = await start_health_server(app, config.health_host, config.health_port)
    from bot.rate_limit import TokenBucket
    limits = {name: TokenBucket(rate, burst=max(1, int(rate * 2))) for name, rate in config.send_rates.items()}
    try:
        await serve(haven, adapters, stop, liveness, storage.close, limits=limits)
    finally:
        if runner is not None:
            await runner.cleanup()


async def _backup(config, target: Path) -> None:
    from bot.storage.engine import open_storage

    if target.exists():
        raise HavenError(f"{target} already exists; choose a new file so nothing is overwritten")
    if not config.database_url and not config.db_path.exists():
        raise HavenError(f"there is no database at {config.db_path} (HAVEN_DB_PATH) to back up")
    storage = await open_storage(config.database)
    try:
        await storage.backup(target)
    finally:
        await storage.close()
    print(f"backed up the {'PostgreSQL' if config.database_url else 'SQLite'} database to {target}")


async def _migrate_db(source: str, target: str) -> None:
    from bot.storage.transfer import migrate_db, progress_line

    await migrate_db(source, target, progress=lambda *args: print(progress_line(*args)))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # The embedding model ships in its wheel; never let a library reach for a hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from bot.config import load_env, parse_config
    from bot.logs import configure_logging

    try:
        env = load_env()
        if args.command == "run":
            # The flags win over .env and the environment, and are validated with them.
            if args.shards is not None:
                env["HAVEN_DISCORD_SHARDS"] = args.shards
            if args.shard_count is not None:
                env["HAVEN_DISCORD_SHARD_COUNT"] = args.shard_count
        config = parse_config(env)
        configure_logging(config.log_level, config.log_format)
        if args.command == "console":
            asyncio.run(_console(config, args.db, args.jsonl))
        elif args.command == "backup":
            asyncio.run(_backup(config, args.path))
        elif args.command == "migrate-db":
            asyncio.run(_migrate_db(args.source, args.target))
        elif config.has_platform:
            asyncio.run(_platforms(config, _platform_settings(config, env)))
        else:
            asyncio.run(_console(config, config.database, jsonl=False))
    except HavenError as exc:
        print(f"haven: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
