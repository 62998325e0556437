"""Files made for one member (a mood chart, a data export), kept in one folder the adapter
reads attachments from. Names are fixed per member so erasing them is exact."""
from __future__ import annotations

from pathlib import Path

KINDS = {"chart": "mood-{}.png", "export_json": "haven-data-{}.json", "export_csv": "haven-data-{}.csv"}


class MemberFiles:
    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def path(self, platform: str, user_id: str, kind: str) -> Path:
        """Where this member's file of this kind goes (the folder is created on demand)."""
        self._folder.mkdir(parents=True, exist_ok=True)
        return self._folder / KINDS[kind].format(_stem(platform, user_id))

    def sweep(self, now_epoch: float, max_age_seconds: float = 600) -> int:
        """Delete files older than `max_age_seconds`: by then the adapter has uploaded them,
        and an export with a member's notes should not sit on the server's disk."""
        removed = 0
        if not self._folder.is_dir():
            return 0
        for path in self._folder.iterdir():
            try:
                if path.is_file() and now_epoch - path.stat().st_mtime > max_age_seconds:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed

    def remove_all(self, platform: str, user_id: str) -> None:
        for pattern in KINDS.values():
            (self._folder / pattern.format(_stem(platform, user_id))).unlink(missing_ok=True)


def _stem(platform: str, user_id: str) -> str:
    """A file-name-safe, collision-free form of platform + user id."""
    safe = "".join(c if c.isalnum() or c in "-_" else f"%{ord(c):x}" for c in f"{platform}-{user_id}")
    return safe[:120]
