"""SQLite storage: every SQL statement Haven runs lives in this module."""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import aiosqlite

from bot.errors import StorageError
from bot.storage.migrations import LATEST_VERSION, MIGRATIONS
from bot.storage.records import (
    CheckinAnswer,
    CheckinSchedule,
    CommunityStats,
    Conversation,
    Escalation,
    EscalationEvent,
    ResourceSchedule,
    SettingChange,
)

log = logging.getLogger(__name__)


def _ts(moment: datetime) -> str:
    """One sortable text form for every instant stored."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


class SqliteStorage:
    """Async repositories over one SQLite file. Open with `await SqliteStorage.open(path)`.

    Every value goes in as a bound parameter; the f-strings marked `nosec B608` only
    interpolate this class's own column lists and runs of "?" placeholders.
    """

    def __init__(self, db: aiosqlite.Connection, reader: aiosqlite.Connection, path: Path) -> None:
        # Writes go through `_db`, one transaction at a time; plain reads through `_reader`.
        # A read left open on the writing connection would pin an old snapshot, and SQLite
        # then refuses that connection's next write at once ("database is locked") instead
        # of waiting, so reads never share the writer.
        self._db = db
        self._reader = reader
        self.path = path
        # One writer at a time on this connection: a statement from one coroutine must
        # never land inside another coroutine's open transaction.
        self._write_lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path) -> "SqliteStorage":
        """Open (creating if needed) the database and bring its schema up to date.

        Raises StorageError with an operator-facing message when the file cannot be
        opened or was written by a newer Haven.
        """
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = await aiosqlite.connect(path, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"cannot open database {path}: {exc}") from None
        try:
            await cls._configure(db, path)
            storage = cls(db, await aiosqlite.connect(path, isolation_level=None), path)
        except BaseException:
            await db.close()
            raise
        try:
            await cls._configure(storage._reader, path)
            await storage._reader.execute("PRAGMA query_only=ON")
            await storage._migrate()
        except BaseException:
            await storage.close()
            raise
        return storage

    async def close(self) -> None:
        await self._reader.close()
        await self._db.close()

    @staticmethod
    async def _configure(db: aiosqlite.Connection, path: Path) -> None:
        try:
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA foreign_keys=ON")
            await db.execute("PRAGMA busy_timeout=5000")
            await db.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"{path} is not a usable SQLite database: {exc}") from None

    async def schema_version(self) -> int:
        async with self._reader.execute("PRAGMA user_version") as cur:
            (version,) = await cur.fetchone()
        return version

    async def _migrate(self) -> None:
        current = await self.schema_version()
        if current > LATEST_VERSION:
            raise StorageError(
                f"{self.path} has schema version {current}, newer than this Haven's "
                f"{LATEST_VERSION}; upgrade Haven or restore a backup (nothing was changed)"
            )
        for version, steps in MIGRATIONS:
            if version <= current:
                continue
            sql = steps["sqlite"]
            # One transaction per step, so a failed step leaves the previous version intact.
            try:
                await self._db.executescript(
                    f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;"
                )
            except sqlite3.Error as exc:
                if self._db.in_transaction:
                    await self._db.execute("ROLLBACK")
                raise StorageError(f"{self.path}: migration to schema {version} failed: {exc}") from None
            log.info("database migrated", extra={"schema_version": version})

    # -- conversation state ---------------------------------------------------------

    async def get_conversation(self, platform: str, user_id: str, now: datetime) -> Conversation | None:
        """The member's pending flow, or None when there is none or it has expired."""
        async with self._reader.execute(
            "SELECT flow, data, expires_at FROM conversation_state "
            "WHERE platform = ? AND user_id = ? AND expires_at > ?",
            (platform, user_id, _ts(now)),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return Conversation(flow=row[0], data=json.loads(row[1]), expires_at=_dt(row[2]))

    async def set_conversation(
        self, platform: str, user_id: str, flow: str, data: dict, expires_at: datetime
    ) -> None:
        await self._write(
            "INSERT INTO conversation_state (platform, user_id, flow, data, expires_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (platform, user_id) DO UPDATE SET "
            "flow = excluded.flow, data = excluded.data, expires_at = excluded.expires_at",
            (platform, user_id, flow, json.dumps(data), _ts(expires_at)),
        )

    async def clear_conversation(self, platform: str, user_id: str) -> None:
        await self._write(
            "DELETE FROM conversation_state WHERE platform = ? AND user_id = ?", (platform, user_id)
        )

    # -- member region --------------------------------------------------------------

    async def get_region(self, platform: str, user_id: str) -> str | None:
        async with self._reader.execute(
            "SELECT country FROM member_region WHERE platform = ? AND user_id = ?", (platform, user_id)
        ) as cur:
            row = await cur.fetchone()
        return row[0] if row else None

    async def set_region(self, platform: str, user_id: str, country: str, now: datetime) -> None:
        await self._write(
            "INSERT INTO member_region (platform, user_id, country, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (platform, user_id) DO UPDATE SET country = excluded.country, "
            "updated_at = excluded.updated_at",
            (platform, user_id, country, _ts(now)),
        )

    # -- community settings ---------------------------------------------------------

    async def get_settings(self, platform: str, community_id: str) -> dict[str, str]:
        async with self._reader.execute(
            "SELECT key, value FROM community_setting WHERE platform = ? AND community_id = ?",
            (platform, community_id),
        ) as cur:
            return {key: value for key, value in await cur.fetchall()}

    async def set_setting(
        self, platform: str, community_id: str, key: str, value: str, changed_by: str, now: datetime
    ) -> None:
        """Store a setting and record who changed it and when, in one transaction."""
        async with self._transaction():
            async with self._db.execute(
                "SELECT value FROM community_setting WHERE platform = ? AND community_id = ? AND key = ?",
                (platform, community_id, key),
            ) as cur:
                row = await cur.fetchone()
            await self._db.execute(
                "INSERT INTO community_setting (platform, community_id, key, value) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (platform, community_id, key) DO UPDATE SET value = excluded.value",
                (platform, community_id, key, value),
            )
            await self._db.execute(
                "INSERT INTO setting_change (platform, community_id, key, old_value, new_value, "
                "changed_by, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (platform, community_id, key, row[0] if row else None, value, changed_by, _ts(now)),
            )

    async def setting_changes(self, platform: str, community_id: str) -> list[SettingChange]:
        async with self._reader.execute(
            "SELECT key, old_value, new_value, changed_by, changed_at FROM setting_change "
            "WHERE platform = ? AND community_id = ? ORDER BY id",
            (platform, community_id),
        ) as cur:
            rows = await cur.fetchall()
        return [SettingChange(r[0], r[1], r[2], r[3], _dt(r[4])) for r in rows]

    # -- audit ----------------------------------------------------------------------

    async def record_audit(self, platform: str, community_id: str, user_id: str, what: str, now: datetime) -> None:
        await self._write(
            "INSERT INTO audit (platform, community_id, user_id, what, at) VALUES (?, ?, ?, ?, ?)",
            (platform, community_id, user_id, what, _ts(now)),
        )

    async def audit_entries(self, platform: str, community_id: str) -> list[tuple[str, str]]:
        """(user_id, what) pairs in the order they happened."""
        async with self._reader.execute(
            "SELECT user_id, what FROM audit WHERE platform = ? AND community_id = ? ORDER BY id",
            (platform, community_id),
        ) as cur:
            return [(r[0], r[1]) for r in await cur.fetchall()]

    # -- escalations ----------------------------------------------------------------

    _ESCALATION_COLUMNS = (
        "id, platform, community_id, channel_id, user_id, message_id, link, tier, category, signal, "
        "excerpt, state, created_at, acknowledged_by, acknowledged_at, resolved_by, resolved_at, "
        "next_ping_at, ping_count"
    )

    @staticmethod
    def _escalation(row: tuple) -> Escalation:
        return Escalation(
            *row[:12],
            created_at=_dt(row[12]),
            acknowledged_by=row[13],
            acknowledged_at=_dt(row[14]),
            resolved_by=row[15],
            resolved_at=_dt(row[16]),
            next_ping_at=_dt(row[17]),
            ping_count=row[18],
        )

    async def create_escalation(
        self,
        *,
        platform: str,
        community_id: str,
        channel_id: str,
        user_id: str,
        message_id: str,
        link: str,
        tier: str,
        category: str,
        signal: str,
        excerpt: str | None,
        now: datetime,
        next_ping_at: datetime | None,
    ) -> int:
        """Store a new open escalation with its first history entry; returns its id."""
        async with self._transaction():
            cur = await self._db.execute(
                "INSERT INTO escalation (platform, community_id, channel_id, user_id, message_id, link, "
                "tier, category, signal, excerpt, state, created_at, next_ping_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)",
                (platform, community_id, channel_id, user_id, message_id, link, tier, category, signal,
                 excerpt, _ts(now), _ts(next_ping_at) if next_ping_at else None),
            )
            escalation_id = cur.lastrowid
            await self._db.execute(
                "INSERT INTO escalation_event (escalation_id, at, what, detail) VALUES (?, ?, 'detected', ?)",
                (escalation_id, _ts(now), f"tier={tier} signal={signal}"),
            )
        return escalation_id

    async def add_escalation_event(self, escalation_id: int, what: str, detail: str, now: datetime) -> None:
        await self._write(
            "INSERT INTO escalation_event (escalation_id, at, what, detail) VALUES (?, ?, ?, ?)",
            (escalation_id, _ts(now), what, detail),
        )

    async def escalation_history(self, escalation_id: int) -> list[EscalationEvent]:
        async with self._reader.execute(
            "SELECT at, what, detail FROM escalation_event WHERE escalation_id = ? ORDER BY id",
            (escalation_id,),
        ) as cur:
            return [EscalationEvent(_dt(r[0]), r[1], r[2]) for r in await cur.fetchall()]

    async def get_escalation(self, escalation_id: int) -> Escalation | None:
        async with self._reader.execute(
            f"SELECT {self._ESCALATION_COLUMNS} FROM escalation WHERE id = ?", (escalation_id,)  # nosec B608
        ) as cur:
            row = await cur.fetchone()
        return self._escalation(row) if row else None

    async def last_escalation_for(
        self, platform: str, user_id: str, category: str, since: datetime
    ) -> Escalation | None:
        """The member's most recent escalation of this category since `since` (for the cooldown)."""
        async with self._reader.execute(
            f"SELECT {self._ESCALATION_COLUMNS} FROM escalation WHERE platform = ? AND user_id = ? "  # nosec B608
            "AND category = ? AND created_at >= ? ORDER BY created_at DESC, id DESC LIMIT 1",
            (platform, user_id, category, _ts(since)),
        ) as cur:
            row = await cur.fetchone()
        return self._escalation(row) if row else None

    async def open_escalations(self, platform: str, community_id: str) -> list[Escalation]:
        async with self._reader.execute(
            f"SELECT {self._ESCALATION_COLUMNS} FROM escalation WHERE platform = ? AND community_id = ? "  # nosec B608
            "AND state != 'resolved' ORDER BY created_at, id",
            (platform, community_id),
        ) as cur:
            return [self._escalation(r) for r in await cur.fetchall()]

    async def acknowledge_escalation(self, escalation_id: int, by: str, now: datetime) -> bool:
        """Mark acknowledged and stop re-pings; False when it was not open."""
        async with self._transaction():
            cur = await self._db.execute(
                "UPDATE escalation SET state = 'acknowledged', acknowledged_by = ?, acknowledged_at = ?, "
                "next_ping_at = NULL WHERE id = ? AND state = 'open'",
                (by, _ts(now), escalation_id),
            )
            if cur.rowcount == 0:
                return False
            await self._db.execute(
                "INSERT INTO escalation_event (escalation_id, at, what, detail) VALUES (?, ?, 'acknowledged', ?)",
                (escalation_id, _ts(now), f"by={by}"),
            )
        return True

    async def resolve_escalation(self, escalation_id: int, by: str, now: datetime, keep_excerpt: bool) -> bool:
        """Close the escalation (clearing its excerpt unless kept); False when already resolved."""
        async with self._transaction():
            cur = await self._db.execute(
                "UPDATE escalation SET state = 'resolved', resolved_by = ?, resolved_at = ?, "
                "next_ping_at = NULL, excerpt = CASE WHEN ? THEN excerpt ELSE NULL END "
                "WHERE id = ? AND state != 'resolved'",
                (by, _ts(now), keep_excerpt, escalation_id),
            )
            if cur.rowcount == 0:
                return False
            await self._db.execute(
                "INSERT INTO escalation_event (escalation_id, at, what, detail) VALUES (?, ?, 'resolved', ?)",
                (escalation_id, _ts(now), f"by={by}"),
            )
        return True

    async def due_repings(self, now: datetime) -> list[Escalation]:
        """Open escalations whose re-ping time has come, oldest first."""
        async with self._reader.execute(
            f"SELECT {self._ESCALATION_COLUMNS} FROM escalation WHERE next_ping_at IS NOT NULL "  # nosec B608
            "AND next_ping_at <= ? AND state = 'open' ORDER BY next_ping_at, id",
            (_ts(now),),
        ) as cur:
            return [self._escalation(r) for r in await cur.fetchall()]

    async def retry_alert(self, escalation_id: int, at: datetime) -> bool:
        """Bring an open escalation's next page forward to `at` (its alert was refused), unless
        one is already due sooner. False when it is no longer open."""
        return bool(await self._write(
            "UPDATE escalation SET next_ping_at = ? WHERE id = ? AND state = 'open' "
            "AND (next_ping_at IS NULL OR next_ping_at > ?)",
            (_ts(at), escalation_id, _ts(at)),
        ))

    async def claim_reping(self, escalation_id: int, lease_until: datetime, now: datetime) -> bool:
        """Claim a due re-ping by moving its timer to the end of a lease; False when another
        loop already took it. Unconfirmed by then (a crash, a failed send), it comes due again."""
        return bool(await self._write(
            "UPDATE escalation SET next_ping_at = ? "
            "WHERE id = ? AND state = 'open' AND next_ping_at IS NOT NULL AND next_ping_at <= ?",
            (_ts(lease_until), escalation_id, _ts(now)),
        ))

    async def confirm_reping(self, escalation_id: int, next_ping_at: datetime | None, now: datetime) -> bool:
        """Record a re-ping the platform accepted and set the next one (None: no more).
        False when the escalation was acknowledged or resolved meanwhile."""
        async with self._transaction():
            cur = await self._db.execute(
                "UPDATE escalation SET ping_count = ping_count + 1, next_ping_at = ? "
                "WHERE id = ? AND state = 'open'",
                (_ts(next_ping_at) if next_ping_at else None, escalation_id),
            )
            if cur.rowcount == 0:
                return False
            await self._db.execute(
                "INSERT INTO escalation_event (escalation_id, at, what, detail) VALUES (?, ?, 're-pinged', '')",
                (escalation_id, _ts(now)),
            )
        return True

    async def forget_escalation_excerpts(self, platform: str, user_id: str) -> int:
        """Remove the text of every excerpt kept about the member; returns how many."""
        return await self._write(
            "UPDATE escalation SET excerpt = NULL WHERE platform = ? AND user_id = ? AND excerpt IS NOT NULL",
            (platform, user_id),
        )

    # -- check-ins ------------------------------------------------------------------

    _SCHEDULE_COLUMNS = (
        "platform, user_id, community_id, schedule, next_due_at, paused_until, paused_reason, failures"
    )

    @staticmethod
    def _schedule(row: tuple) -> CheckinSchedule:
        return CheckinSchedule(row[0], row[1], row[2], row[3], _dt(row[4]), _dt(row[5]), row[6], row[7])

    async def set_schedule(
        self, platform: str, user_id: str, community_id: str, schedule: str, next_due: datetime, now: datetime
    ) -> None:
        """Create or replace the member's schedule; a replaced one starts afresh (unpaused)."""
        await self._write(
            "INSERT INTO checkin_schedule (platform, user_id, community_id, schedule, next_due_at, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (platform, user_id) DO UPDATE SET "
            "community_id = excluded.community_id, schedule = excluded.schedule, "
            "next_due_at = excluded.next_due_at, paused_until = NULL, paused_reason = NULL, failures = 0, "
            "claim_token = NULL, claimed_until = NULL",
            (platform, user_id, community_id, schedule, _ts(next_due), _ts(now)),
        )

    async def get_schedule(self, platform: str, user_id: str) -> CheckinSchedule | None:
        async with self._reader.execute(
            f"SELECT {self._SCHEDULE_COLUMNS} FROM checkin_schedule WHERE platform = ? AND user_id = ?",  # nosec B608
            (platform, user_id),
        ) as cur:
            row = await cur.fetchone()
        return self._schedule(row) if row else None

    async def delete_schedule(self, platform: str, user_id: str) -> bool:
        return bool(await self._write(
            "DELETE FROM checkin_schedule WHERE platform = ? AND user_id = ?", (platform, user_id)
        ))

    async def pause_schedule(
        self, platform: str, user_id: str, until: datetime | None, reason: str, next_due: datetime
    ) -> bool:
        """Pause until a time (None: until the member restarts it), moving the next slot past it."""
        return bool(await self._write(
            "UPDATE checkin_schedule SET paused_until = ?, paused_reason = ?, next_due_at = ?, "
            "claim_token = NULL, claimed_until = NULL WHERE platform = ? AND user_id = ?",
            (_ts(until) if until else "9999-12-31T00:00:00+00:00", reason, _ts(next_due), platform, user_id),
        ))

    async def claim_due_checkins(
        self, now: datetime, limit: int, token: str, lease_until: datetime
    ) -> list[CheckinSchedule]:
        """Atomically claim up to `limit` due, unpaused, unclaimed (or lease-expired) schedules.

        Two loops (or processes) never get the same row: the claim is one UPDATE.
        """
        stamp = _ts(now)
        async with self._transaction():
            cur = await self._db.execute(
                "UPDATE checkin_schedule SET claim_token = ?, claimed_until = ? WHERE rowid IN ("  # nosec B608
                " SELECT rowid FROM checkin_schedule WHERE next_due_at <= ?"
                " AND (claimed_until IS NULL OR claimed_until <= ?)"
                " AND (paused_until IS NULL OR paused_until <= ?)"
                " ORDER BY next_due_at LIMIT ?)"
                f" RETURNING {self._SCHEDULE_COLUMNS}",
                (token, _ts(lease_until), stamp, stamp, stamp, limit),
            )
            rows = await cur.fetchall()
        return [self._schedule(r) for r in rows]

    async def sent_slots(self, keys: list[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        """Which (platform, user_id, slot) keys are already recorded as sent."""
        found: set[tuple[str, str, str]] = set()
        for start in range(0, len(keys), 500):  # stay well under SQLite's parameter limit
            chunk = keys[start:start + 500]
            values = ", ".join("(?, ?, ?)" for _ in chunk)
            async with self._reader.execute(
                f"SELECT platform, user_id, slot FROM checkin_slot WHERE (platform, user_id, slot) "  # nosec B608
                f"IN (VALUES {values})", [part for key in chunk for part in key],
            ) as cur:
                found.update(tuple(row) for row in await cur.fetchall())
        return found

    async def finish_checkin(
        self, platform: str, user_id: str, token: str, slot: str | None, kind: str,
        next_due: datetime, now: datetime,
    ) -> bool:
        """Record the slot as sent (when given) and, if the claim is still ours, move the
        schedule to its next slot. False when the claim had expired and passed to another loop.
        """
        async with self._transaction():
            if slot is not None:
                # Recorded even when the claim is no longer ours: the message did go out.
                await self._db.execute(
                    "INSERT OR IGNORE INTO checkin_slot (platform, user_id, slot, kind, sent_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (platform, user_id, slot, kind, _ts(now)),
                )
            cur = await self._db.execute(
                "UPDATE checkin_schedule SET next_due_at = ?, claim_token = NULL, claimed_until = NULL, "
                "failures = CASE WHEN ? IS NULL THEN failures ELSE 0 END, "
                "paused_until = CASE WHEN paused_until <= ? THEN NULL ELSE paused_until END, "
                "paused_reason = CASE WHEN paused_until <= ? THEN NULL ELSE paused_reason END "
                "WHERE platform = ? AND user_id = ? AND claim_token = ?",
                (_ts(next_due), slot, _ts(now), _ts(now), platform, user_id, token),
            )
            return cur.rowcount > 0

    async def fail_checkin(
        self, platform: str, user_id: str, token: str, retry_at: datetime, pause_after: int, reason: str,
    ) -> bool:
        """Count a failed delivery; after `pause_after` in a row the schedule is paused with the reason.

        Returns True when this failure paused the schedule.
        """
        async with self._transaction():
            cur = await self._db.execute(
                "UPDATE checkin_schedule SET failures = failures + 1, claim_token = NULL, claimed_until = NULL, "
                "next_due_at = ? WHERE platform = ? AND user_id = ? AND claim_token = ? RETURNING failures",
                (_ts(retry_at), platform, user_id, token),
            )
            row = await cur.fetchone()
            if row is None or row[0] < pause_after:
                return False
            await self._db.execute(
                "UPDATE checkin_schedule SET paused_until = '9999-12-31T00:00:00+00:00', paused_reason = ? "
                "WHERE platform = ? AND user_id = ?",
                (reason, platform, user_id),
            )
        return True

    async def save_answer(
        self, platform: str, user_id: str, day: str, kind: str, value: int | None,
        detail: str | None, now: datetime,
    ) -> None:
        """Store (or change, the same day) the member's answer; an existing note is kept."""
        await self._write(
            "INSERT INTO checkin_answer (platform, user_id, day, kind, value, detail, answered_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, user_id, day, kind) DO UPDATE SET "
            "value = excluded.value, detail = excluded.detail, answered_at = excluded.answered_at",
            (platform, user_id, day, kind, value, detail, _ts(now)),
        )

    async def set_answer_note(self, platform: str, user_id: str, day: str, kind: str, note: str) -> bool:
        return bool(await self._write(
            "UPDATE checkin_answer SET note = ? WHERE platform = ? AND user_id = ? AND day = ? AND kind = ?",
            (note, platform, user_id, day, kind),
        ))

    async def answers(self, platform: str, user_id: str, since_day: str = "") -> list[CheckinAnswer]:
        """The member's answers from `since_day` (a local date) on, oldest first."""
        async with self._reader.execute(
            "SELECT day, kind, value, detail, note, answered_at FROM checkin_answer "
            "WHERE platform = ? AND user_id = ? AND day >= ? ORDER BY day, kind",
            (platform, user_id, since_day),
        ) as cur:
            rows = await cur.fetchall()
        return [CheckinAnswer(r[0], r[1], r[2], r[3], r[4], _dt(r[5])) for r in rows]

    # -- resource cards on a schedule ----------------------------------------------

    _RESOURCE_COLUMNS = "id, platform, community_id, channel_id, topic, every_days, next_post_at, created_by"

    @staticmethod
    def _resource(row: tuple) -> ResourceSchedule:
        return ResourceSchedule(*row[:6], next_post_at=_dt(row[6]), created_by=row[7])

    async def schedule_resource(
        self, platform: str, community_id: str, channel_id: str, topic: str, every_days: int,
        first_post_at: datetime, created_by: str, now: datetime,
    ) -> int:
        """Create or replace the repeat of one card in one channel; returns its id."""
        async with self._transaction():
            cur = await self._db.execute(
                "INSERT INTO resource_schedule (platform, community_id, channel_id, topic, every_days, "
                "next_post_at, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (platform, community_id, channel_id, topic) DO UPDATE SET "
                "every_days = excluded.every_days, next_post_at = excluded.next_post_at, "
                "created_by = excluded.created_by RETURNING id",
                (platform, community_id, channel_id, topic, every_days, _ts(first_post_at), created_by, _ts(now)),
            )
            (resource_id,) = await cur.fetchone()
        return resource_id

    async def resource_schedules(self, platform: str, community_id: str) -> list[ResourceSchedule]:
        async with self._reader.execute(
            f"SELECT {self._RESOURCE_COLUMNS} FROM resource_schedule WHERE platform = ? AND community_id = ? "  # nosec B608
            "ORDER BY id", (platform, community_id),
        ) as cur:
            return [self._resource(r) for r in await cur.fetchall()]

    async def delete_resource_schedule(self, platform: str, community_id: str, resource_id: int) -> bool:
        return bool(await self._write(
            "DELETE FROM resource_schedule WHERE platform = ? AND community_id = ? AND id = ?",
            (platform, community_id, resource_id),
        ))

    async def claim_due_resources(self, now: datetime) -> list[ResourceSchedule]:
        """Due repeats, each moved on by its interval in the same statement (claimed once)."""
        async with self._transaction():
            cur = await self._db.execute(
                "UPDATE resource_schedule SET next_post_at = "  # nosec B608
                "strftime('%Y-%m-%dT%H:%M:%S+00:00', ?, '+' || every_days || ' days') "
                f"WHERE next_post_at <= ? RETURNING {self._RESOURCE_COLUMNS}",
                (_ts(now).replace("+00:00", ""), _ts(now)),
            )
            return [self._resource(r) for r in await cur.fetchall()]

    # -- anonymous community figures ------------------------------------------------

    async def community_stats(self, platform: str, community_id: str, week_start: datetime,
                              month_start: datetime) -> CommunityStats:
        """Counts only: never an individual's mood or identity."""
        async with self._reader.execute(
            "SELECT count(*) FROM checkin_schedule WHERE platform = ? AND community_id = ?",
            (platform, community_id),
        ) as cur:
            (members,) = await cur.fetchone()
        async with self._reader.execute(
            "SELECT count(*) FROM checkin_answer a JOIN checkin_schedule s "
            "ON s.platform = a.platform AND s.user_id = a.user_id "
            "WHERE s.platform = ? AND s.community_id = ? AND a.answered_at >= ? AND a.value IS NOT NULL",
            (platform, community_id, _ts(week_start)),
        ) as cur:
            (answered,) = await cur.fetchone()
        async with self._reader.execute(
            "SELECT tier, count(*) FROM escalation WHERE platform = ? AND community_id = ? "
            "AND created_at >= ? GROUP BY tier", (platform, community_id, _ts(month_start)),
        ) as cur:
            tiers = {tier: n for tier, n in await cur.fetchall()}
        return CommunityStats(members, answered, tiers)

    # -- a member's own data --------------------------------------------------------

    async def member_data(self, platform: str, user_id: str) -> dict[str, list[dict]]:
        """Everything stored about one member, table by table, for /mydata."""
        queries = {
            "checkin_schedule": "SELECT community_id, schedule, next_due_at, paused_until, paused_reason, "
                                "failures, created_at FROM checkin_schedule WHERE platform = ? AND user_id = ?",
            "checkin_answers": "SELECT day, kind, value, detail, note, answered_at FROM checkin_answer "
                               "WHERE platform = ? AND user_id = ? ORDER BY day, kind",
            "checkins_sent": "SELECT slot, kind, sent_at FROM checkin_slot WHERE platform = ? AND user_id = ? "
                             "ORDER BY slot",
            "region": "SELECT country, updated_at FROM member_region WHERE platform = ? AND user_id = ?",
            "pending_conversation": "SELECT flow, expires_at FROM conversation_state "
                                    "WHERE platform = ? AND user_id = ?",
            "escalations": "SELECT id, community_id, tier, category, signal, excerpt, state, created_at, "
                           "resolved_at FROM escalation WHERE platform = ? AND user_id = ? ORDER BY id",
        }
        data = {}
        for name, sql in queries.items():
            async with self._reader.execute(sql, (platform, user_id)) as cur:
                columns = [c[0] for c in cur.description]
                data[name] = [dict(zip(columns, row)) for row in await cur.fetchall()]
        return data

    async def forget_member(self, platform: str, user_id: str) -> dict[str, int]:
        """Delete everything of the member's own; escalation records keep only who/when/tier
        for the moderators' history, with the excerpt text removed. Returns counts by kind."""
        counts = {}
        async with self._transaction():
            for name, sql in (
                ("check-in answers and notes", "DELETE FROM checkin_answer WHERE platform = ? AND user_id = ?"),
                ("check-in schedule", "DELETE FROM checkin_schedule WHERE platform = ? AND user_id = ?"),
                ("check-ins sent", "DELETE FROM checkin_slot WHERE platform = ? AND user_id = ?"),
                ("region", "DELETE FROM member_region WHERE platform = ? AND user_id = ?"),
                ("pending conversation", "DELETE FROM conversation_state WHERE platform = ? AND user_id = ?"),
                ("crisis alert excerpts", "UPDATE escalation SET excerpt = NULL "
                                          "WHERE platform = ? AND user_id = ? AND excerpt IS NOT NULL"),
            ):
                cur = await self._db.execute(sql, (platform, user_id))
                counts[name] = cur.rowcount
        return counts

    # -- operations -----------------------------------------------------------------

    async def backup(self, target: Path) -> None:
        """A consistent copy of the live database at `target` (SQLite's online backup)."""
        async with aiosqlite.connect(target) as destination:
            await self._db.backup(destination)

    # -- plumbing -------------------------------------------------------------------

    async def _write(self, sql: str, params: tuple) -> int:
        """Run one writing statement on its own; returns the number of rows it changed."""
        async with self._transaction():
            cur = await self._db.execute(sql, params)
            return cur.rowcount

    @contextlib.asynccontextmanager
    async def _transaction(self):
        """BEGIN IMMEDIATE … COMMIT under the write lock, rolled back on error."""
        async with self._write_lock:
            await self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                await self._db.execute("ROLLBACK")
                raise
            await self._db.execute("COMMIT")
