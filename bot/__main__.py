"""Command line: `python -m bot console [--jsonl] [--db PATH]` and `python -m bot run`."""
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
    sub.add_parser("run", help="run the configured adapters (the console when no tokens are set)")
    return parser


async def _console(config, db_path: Path | None, jsonl: bool) -> None:
    from adapters.console.runner import run_interactive, run_jsonl
    from bot.app import load_content, open_haven

    content = load_content(config.content_dir)
    with tempfile.TemporaryDirectory(prefix="haven-") as scratch:
        haven, storage = await open_haven(content, db_path or Path(scratch) / "haven.db")
        try:
            if jsonl:
                await run_jsonl(haven, sys.stdin.buffer, sys.stdout)
            else:
                await run_interactive(haven)
        finally:
            await storage.close()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # The embedding model ships in its wheel; never let a library reach for a hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from bot.config import load_config
    from bot.logs import configure_logging

    try:
        config = load_config()
        configure_logging(config.log_level, config.log_format)
        if args.command == "console":
            asyncio.run(_console(config, args.db, args.jsonl))
        elif not config.has_platform:
            asyncio.run(_console(config, config.db_path, jsonl=False))
        else:
            print("haven: Discord and Slack adapters are not part of this build yet; "
                  "unset DISCORD_TOKEN/SLACK_BOT_TOKEN to use the console", file=sys.stderr)
            return 2
    except HavenError as exc:
        print(f"haven: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
