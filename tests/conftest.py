"""Shared fixtures: the real content, a real SQLite file per test, and a clock tests can move."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.app import load_content, open_haven
from bot.config import CONTENT_DIR
from bot.events import ButtonPress, Member, Message, Place


class MovableClock:
    """An injected clock whose time only moves when a test moves it."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta) -> None:
        self.current += timedelta(**delta)


@pytest.fixture(scope="session")
def content():
    return load_content(CONTENT_DIR)


@pytest.fixture
def clock():
    return MovableClock(datetime(2026, 11, 26, 18, 0, tzinfo=timezone.utc))


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "haven.db"


@pytest.fixture
async def haven(content, clock, db_path):
    bot, storage = await open_haven(content, db_path, clock)
    yield bot
    await storage.close()


def dm(text: str, user: str = "ana", **member) -> Message:
    return Message(Member("console", user, display_name=user, **member), Place("c1", f"dm:{user}", True), text)


def said(text: str, channel: str = "general", user: str = "ana", mention: bool = False, **member) -> Message:
    return Message(
        Member("console", user, display_name=user, **member),
        Place("c1", channel, False),
        text,
        message_id="m1",
        link=f"https://chat.example/c1/{channel}/m1",
        mentions_bot=mention,
    )


def press(value: str, user: str = "mod", moderator: bool = True) -> ButtonPress:
    return ButtonPress(Member("console", user, display_name=user, is_platform_moderator=moderator),
                       Place("c1", "mods", False), value)
