"""/mydata and /forget-me: a member's export of everything stored about them, and its erasure."""
from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

from bot.actions import Action, Audience
from bot.clock import Clock
from bot.events import Message
from bot.member_files import MemberFiles
from bot.messages import Messages
from bot.storage.engine import Storage

CONFIRM_MINUTES = 10


class MemberData:
    def __init__(self, storage: Storage, clock: Clock, messages: Messages, files: MemberFiles) -> None:
        self._storage = storage
        self._clock = clock
        self._messages = messages
        self._files = files

    async def export(self, message: Message, settings, args: str) -> list[Action]:
        """Everything stored about the member, as a JSON file and a CSV file."""
        platform, user_id = message.member.platform, message.member.user_id
        data = await self._storage.member_data(platform, user_id)
        json_path = self._files.path(platform, user_id, "export_json")
        json_path.write_text(json.dumps({"platform": platform, "user": user_id, **data}, indent=2,
                                        ensure_ascii=False), encoding="utf-8")
        csv_path = self._files.path(platform, user_id, "export_csv")
        csv_path.write_text(_as_csv(data), encoding="utf-8")
        return [Action(Audience.MEMBER, self._messages("mydata.sent"), attachments=(json_path, csv_path))]

    async def forget(self, message: Message, settings, args: str) -> list[Action]:
        """Ask for confirmation; the erase happens on the member's 'yes'."""
        await self._storage.set_conversation(
            message.member.platform, message.member.user_id, "forget_confirm", {},
            self._clock.now() + timedelta(minutes=CONFIRM_MINUTES),
        )
        return [Action(Audience.MEMBER, self._messages("forget.confirm"))]

    async def confirmed(self, message: Message, text: str) -> list[Action]:
        platform, user_id = message.member.platform, message.member.user_id
        await self._storage.clear_conversation(platform, user_id)
        if text.strip().lower() not in ("yes", "y", "yes please", "delete", "confirm"):
            return [Action(Audience.MEMBER, self._messages("forget.kept"))]
        counts = await self._storage.forget_member(platform, user_id)
        deleted = [f"{what} ({n})" for what, n in counts.items() if n]
        self._files.remove_all(platform, user_id)  # charts and exports made earlier go too
        if not deleted:
            return [Action(Audience.MEMBER, self._messages("forget.nothing"))]
        return [Action(Audience.MEMBER, self._messages("forget.done", summary=", ".join(deleted)))]


def _as_csv(data: dict[str, list[dict]]) -> str:
    """One CSV with a 'table' column, so every kind of record fits in one file."""
    columns = sorted({key for rows in data.values() for row in rows for key in row})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["table", *columns])
    writer.writeheader()
    for table, rows in data.items():
        for row in rows:
            writer.writerow({"table": table, **row})
    return out.getvalue()
