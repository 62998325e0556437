"""PostgreSQL storage: the same repositories as SqliteStorage, for several processes at once.

Every public method matches SqliteStorage's name, arguments and return value, so the core
never knows which engine it has. Instants are timestamptz, written truncated to whole
seconds in UTC (as SQLite's ISO text is) and handed back as aware UTC datetimes.

Work that several processes may race for (due check-ins, re-pings, resource posts) is
claimed with row locks: `FOR UPDATE SKIP LOCKED` picks rows no other transaction holds,
and each claim is a conditional UPDATE that PostgreSQL re-checks on the latest row
version, so a row claimed by one process is never handed to a second one.

Every value goes in as a bound parameter; the f-strings marked `nosec B608` only
interpolate this class's own column lists.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

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

# pg_advisory_lock key ("Haven" in ASCII): one process migrates while the others wait.
_MIGRATION_LOCK = 0x486176656E
# A pause "until the member restarts it"; SQLite stores the same instant as text.
_FOREVER = datetime(9999, 12, 31, tzinfo=timezone.utc)
_ERRORS = (OSError, asyncio.TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)


def _at(moment: datetime) -> datetime:
    """The instant as stored: UTC, whole seconds (the precision SQLite keeps)."""
    return moment.astimezone(timezone.utc).replace(microsecond=0)


def _at_or_none(moment: datetime | None) -> datetime | None:
    return None if moment is None else _at(moment)


def _ts(moment: datetime) -> str:
    """The text form SQLite stores, for values handed out as plain JSON (member_data)."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _count(status: str) -> int:
    """Rows changed, from a command status such as 'UPDATE 3' or 'INSERT 0 1'."""
    return int(status.rsplit(" ", 1)[-1])


def redact(url: str) -> str:
    """The URL without its password or query, fit for a log line or an error message."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if ":" in host:
            host = f"[{host}]"
        netloc = (f"{parts.username}@" if parts.username else "") + host + (
            f":{parts.port}" if parts.port else "")
        return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
    except ValueError:
        return "postgresql://(unreadable URL)"


class PostgresStorage:
    """Async repositories over one PostgreSQL database. Open with `await PostgresStorage.open(url)`."""

    # Connections per process: a sharded bot runs several processes against one server,
    # whose default max_connections is 100.
    POOL_SIZE = 5

    def __init__(self, pool: asyncpg.Pool, url: str) -> None:
        self._pool = pool
        self.url = redact(url)

    @classmethod
    async def open(cls, url: str) -> "PostgresStorage":
        """Connect to the database at `url` (postgresql://user:password@host:port/name) and
        bring its schema up to date.

        Raises StorageError with an operator-facing message when the server cannot be
        reached, refuses the login, or holds a schema from a newer Haven.
        """
        safe = redact(url)
        try:
            pool = await asyncpg.create_pool(
                url, min_size=1, max_size=cls.POOL_SIZE, timeout=15,
                # UTC sessions: interval arithmetic (days added to a timestamptz) must not
                # shift across a server-local daylight-saving change.
                server_settings={"timezone": "UTC", "application_name": "haven"},
            )
        except (*_ERRORS, ValueError) as exc:
            raise StorageError(f"cannot open database {safe}: {_describe(exc)}") from None
        storage = cls(pool, url)
        try:
            await storage._migrate()
        except BaseException:
            await pool.close()
            raise
        return storage

    async def close(self) -> None:
        await self._pool.close()

    async def schema_version(self) -> int:
        """The schema version the database is at (0 for an empty database)."""
        async with self._pool.acquire() as conn:
            return await self._read_version(conn)

    @staticmethod
    async def _read_version(conn: asyncpg.Connection) -> int:
        if await conn.fetchval("SELECT to_regclass('haven_schema') IS NULL"):
            return 0
        return await conn.fetchval("SELECT coalesce(max(version), 0) FROM haven_schema")

    async def _migrate(self) -> None:
        try:
            async with self._pool.acquire() as conn:
                # Session lock: processes starting together migrate one after another, and
                # the later ones find the work done.
                await conn.execute("SELECT pg_advisory_lock($1)", _MIGRATION_LOCK)
                try:
                    await self._migrate_locked(conn)
                finally:
                    await conn.execute("SELECT pg_advisory_unlock($1)", _MIGRATION_LOCK)
        except _ERRORS as exc:
            raise StorageError(f"cannot prepare database {self.url}: {_describe(exc)}") from None

    async def _migrate_locked(self, conn: asyncpg.Connection) -> None:
        current = await self._read_version(conn)
        if current > LATEST_VERSION:
            raise StorageError(
                f"{self.url} has schema version {current}, newer than this Haven's "
                f"{LATEST_VERSION}; upgrade Haven or restore a backup (nothing was changed)"
            )
        for version, steps in MIGRATIONS:
            if version <= current:
                continue
            # One transaction per step (PostgreSQL's DDL is transactional), so a failed
            # step leaves the previous version intact.
            try:
                async with conn.transaction():
                    await conn.execute(
                        "CREATE TABLE IF NOT EXISTS haven_schema ("
                        " one_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one_row),"
                        " version INTEGER NOT NULL)"
                    )
                    await conn.execute(steps["postgres"])
                    await conn.execute(
                        "INSERT INTO haven_schema (version) VALUES ($1) "
                        "ON CONFLICT (one_row) DO UPDATE SET version = excluded.version", version,
                    )
            except asyncpg.PostgresError as exc:
                raise StorageError(f"{self.url}: migration to schema {version} failed: {exc}") from None
            log.info("database migrated", extra={"schema_version": version})

    # -- conversation state ---------------------------------------------------------

    async def get_conversation(self, platform: str, user_id: str, now: datetime) -> Conversation | None:
        """The member's pending flow, or None when there is none or it has expired."""
        row = await self._pool.fetchrow(
            "SELECT flow, data, expires_at FROM conversation_state "
            "WHERE platform = $1 AND user_id = $2 AND expires_at > $3",
            platform, user_id, _at(now),
        )
        if row is None:
            return None
        return Conversation(flow=row[0], data=json.loads(row[1]), expires_at=row[2])

    async def set_conversation(
        self, platform: str, user_id: str, flow: str, data: dict, expires_at: datetime
    ) -> None:
        await self._pool.execute(
            "INSERT INTO conversation_state (platform, user_id, flow, data, expires_at) "
            "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (platform, user_id) DO UPDATE SET "
            "flow = excluded.flow, data = excluded.data, expires_at = excluded.expires_at",
            platform, user_id, flow, json.dumps(data), _at(expires_at),
        )

    async def clear_conversation(self, platform: str, user_id: str) -> None:
        await self._pool.execute(
            "DELETE FROM conversation_state WHERE platform = $1 AND user_id = $2", platform, user_id
        )

    # -- member region --------------------------------------------------------------

    async def get_region(self, platform: str, user_id: str) -> str | None:
        return await self._pool.fetchval(
            "SELECT country FROM member_region WHERE platform = $1 AND user_id = $2", platform, user_id
        )

    async def set_region(self, platform: str, user_id: str, country: str, now: datetime) -> None:
        await self._pool.execute(
            "INSERT INTO member_region (platform, user_id, country, updated_at) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT (platform, user_id) DO UPDATE SET country = excluded.country, "
            "updated_at = excluded.updated_at",
            platform, user_id, country, _at(now),
        )

    # -- community settings ---------------------------------------------------------

    async def get_settings(self, platform: str, community_id: str) -> dict[str, str]:
        rows = await self._pool.fetch(
            "SELECT key, value FROM community_setting WHERE platform = $1 AND community_id = $2",
            platform, community_id,
        )
        return {key: value for key, value in rows}

    async def set_setting(
        self, platform: str, community_id: str, key: str, value: str, changed_by: str, now: datetime
    ) -> None:
        """Store a setting and record who changed it and when, in one transaction."""
        async with self._transaction() as conn:
            # Two processes changing the same key take turns, so each records the true old value
            # (a row lock cannot do this while the setting does not exist yet).
            await conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1 || chr(31) || $2 || chr(31) || $3, 0))",
                platform, community_id, key,
            )
            old = await conn.fetchval(
                "SELECT value FROM community_setting WHERE platform = $1 AND community_id = $2 AND key = $3",
                platform, community_id, key,
            )
            await conn.execute(
                "INSERT INTO community_setting (platform, community_id, key, value) VALUES ($1, $2, $3, $4) "
                "ON CONFLICT (platform, community_id, key) DO UPDATE SET value = excluded.value",
                platform, community_id, key, value,
            )
            await conn.execute(
                "INSERT INTO setting_change (platform, community_id, key, old_value, new_value, "
                "changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                platform, community_id, key, old, value, changed_by, _at(now),
            )

    async def setting_changes(self, platform: str, community_id: str) -> list[SettingChange]:
        rows = await self._pool.fetch(
            "SELECT key, old_value, new_value, changed_by, changed_at FROM setting_change "
            "WHERE platform = $1 AND community_id = $2 ORDER BY id",
            platform, community_id,
        )
        return [SettingChange(*r) for r in rows]

    # -- audit ----------------------------------------------------------------------

    async def record_audit(self, platform: str, community_id: str, user_id: str, what: str, now: datetime) -> None:
        await self._pool.execute(
            "INSERT INTO audit (platform, community_id, user_id, what, at) VALUES ($1, $2, $3, $4, $5)",
            platform, community_id, user_id, what, _at(now),
        )

    async def audit_entries(self, platform: str, community_id: str) -> list[tuple[str, str]]:
        """(user_id, what) pairs in the order they happened."""
        rows = await self._pool.fetch(
            "SELECT user_id, what FROM audit WHERE platform = $1 AND community_id = $2 ORDER BY id",
            platform, community_id,
        )
        return [(r[0], r[1]) for r in rows]

    # -- escalations ----------------------------------------------------------------

    _ESCALATION_COLUMNS = (
        "id, platform, community_id, channel_id, user_id, message_id, link, tier, category, signal, "
        "excerpt, state, created_at, acknowledged_by, acknowledged_at, resolved_by, resolved_at, "
        "next_ping_at, ping_count"
    )

    @staticmethod
    def _escalation(row: asyncpg.Record) -> Escalation:
        return Escalation(*row)

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
        async with self._transaction() as conn:
            escalation_id = await conn.fetchval(
                "INSERT INTO escalation (platform, community_id, channel_id, user_id, message_id, link, "
                "tier, category, signal, excerpt, state, created_at, next_ping_at) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open', $11, $12) RETURNING id",
                platform, community_id, channel_id, user_id, message_id, link, tier, category, signal,
                excerpt, _at(now), _at_or_none(next_ping_at),
            )
            await conn.execute(
                "INSERT INTO escalation_event (escalation_id, at, what, detail) VALUES ($1, $2, 'detected', $3)",
                escalation_id, _at(now), f"tier={tier} signal={signal}",
            )
        return escalation_id

    async def add_escalation_event(self, escalation_id: int, what: str, detail: str, now: datetime) -> None:
        await self._pool.execute(
            "INSERT INTO escalation_event (escalation_id, at, what, detail) VALUES ($1, $2, $3, $4)",
            escalation_id, _at(now), what, detail,
        )

    async def escalation_history(self, escalation_id: int) -> list[EscalationEvent]:
        rows = await self._pool.fetch(
            "SELECT at, what, detail FROM escalation_event WHERE escalation_id = $1 ORDER BY id",
            escalation_id,
        )
        return [EscalationEvent(*r) for r in rows]

    async def get_escalation(self, escalation_id: int) -> Escalation | None:
        row = await self._pool.fetchrow(
            f"SELECT {self._ESCALATION_COLUMNS} FROM escalation WHERE id = $1", escalation_id  # nosec B608
        )
        return self._escalation(row) if row else None

    async def last_escalation_for(
        self, platform: str, user_id: str, category: str, since: datetime
    ) -> Escalation | None:
        """The member's most recent escalation of this category since `since` (for the cooldown)."""
        row = await self._pool.fetchrow(
            f"SELECT {self._ESCALATION_COLUMNS} FROM escalation WHERE platform = $1 AND user_id = $2 "  # nosec B608
            "AND category = $3 AND created_at >= $4 ORDER BY created_at DESC, id DESC LIMIT 1",
            platform, user_id, category, _at(since),
        )
        return self._escalation(row) if row else None

    async def open_escalations(self, platform: str, community_id: str) -> list[Escalation]:
        rows = await self._pool.fetch(
            f"SELECT {self._ESCALATION_COLUMNS} FROM escalation WHERE platform = $1 AND community_id = $2 "  # nosec B608
            "AND state != 'resolved' ORDER BY created_at, id",
            platform, community_id,
        )
        return [self._escalation(r) for r in rows]

    async def acknowledge_escalation(self, escalation_id: int, by: str, now: datetime) -> bool:
        """Mark acknowledged and stop re-pings; False when it was not open."""
        async with self._transaction() as conn:
            changed = _count(await conn.execute(
                "UPDATE escalation SET state = 'acknowledged', acknowledged_by = $1, acknowledged_at = $2, "
                "next_ping_at = NULL WHERE id = $3 AND state = 'open'",
                by, _at(now), escalation_id,
            ))
            if changed == 0:
                return False
            await conn.execute(
                "INSERT INTO escalation_event (escalation_id, at, what, detail) VALUES ($1, $2, 'acknowledged', $3)",
                escalation_id, _at(now), f"by={by}",
            )
        return True

    async def resolve_escalation(self, escalation_id: int, by: str, now: datetime, keep_excerpt: bool) -> bool:
        """Close the escalation (clearing its excerpt unless kept); False when already resolved."""
        async with self._transaction() as conn:
            changed = _count(await conn.execute(
                "UPDATE escalation SET state = 'resolved', resolved_by = $1, resolved_at = $2, "
                "next_ping_at = NULL, excerpt = CASE WHEN $3::boolean THEN excerpt ELSE NULL END "
                "WHERE id = $4 AND state != 'resolved'",
                by, _at(now), bool(keep_excerpt), escalation_id,
            ))
            if changed == 0:
                return False
            await conn.execute(
                "INSERT INTO escalation_event (escalation_id, at, what, detail) VALUES ($1, $2, 'resolved', $3)",
                escalation_id, _at(now), f"by={by}",
            )
        return True

    async def due_repings(self, now: datetime) -> list[Escalation]:
        """Open escalations whose re-ping time has come, oldest first."""
        rows = await self._pool.fetch(
            f"SELECT {self._ESCALATION_COLUMNS} FROM escalation WHERE next_ping_at IS NOT NULL "  # nosec B608
            "AND next_ping_at <= $1 AND state = 'open' ORDER BY next_ping_at, id",
            _at(now),
        )
        return [self._escalation(r) for r in rows]

    async def retry_alert(self, escalation_id: int, at: datetime) -> bool:
        """Bring an open escalation's next page forward to `at` (its alert was refused), unless
        one is already due sooner. False when it is no longer open."""
        async with self._transaction() as conn:
            return _count(await conn.execute(
                "UPDATE escalation SET next_ping_at = $1 WHERE id = $2 AND state = 'open' "
                "AND (next_ping_at IS NULL OR next_ping_at > $1)",
                _at(at), escalation_id,
            )) > 0

    async def claim_reping(self, escalation_id: int, lease_until: datetime, now: datetime) -> bool:
        """Claim a due re-ping by moving its timer to the end of a lease; False when another
        process already took it. Unconfirmed by then (a crash, a failed send), it comes due again.

        The UPDATE is a compare-and-set: a second process racing for the same row waits for
        the first one's commit, re-checks `next_ping_at <= now` on the moved timer, and
        changes nothing.
        """
        async with self._transaction() as conn:
            return _count(await conn.execute(
                "UPDATE escalation SET next_ping_at = $1 "
                "WHERE id = $2 AND state = 'open' AND next_ping_at IS NOT NULL AND next_ping_at <= $3",
                _at(lease_until), escalation_id, _at(now),
            )) > 0

    async def confirm_reping(self, escalation_id: int, next_ping_at: datetime | None, now: datetime) -> bool:
        """Record a re-ping the platform accepted and set the next one (None: no more).
        False when the escalation was acknowledged or resolved meanwhile."""
        async with self._transaction() as conn:
            changed = _count(await conn.execute(
                "UPDATE escalation SET ping_count = ping_count + 1, next_ping_at = $1 "
                "WHERE id = $2 AND state = 'open'",
                _at_or_none(next_ping_at), escalation_id,
            ))
            if changed == 0:
                return False
            await conn.execute(
                "INSERT INTO escalation_event (escalation_id, at, what, detail) VALUES ($1, $2, 're-pinged', '')",
                escalation_id, _at(now),
            )
        return True

    async def forget_escalation_excerpts(self, platform: str, user_id: str) -> int:
        """Remove the text of every excerpt kept about the member; returns how many."""
        return _count(await self._pool.execute(
            "UPDATE escalation SET excerpt = NULL WHERE platform = $1 AND user_id = $2 AND excerpt IS NOT NULL",
            platform, user_id,
        ))

    # -- check-ins ------------------------------------------------------------------

    _SCHEDULE_COLUMNS = (
        "platform, user_id, community_id, schedule, next_due_at, paused_until, paused_reason, failures"
    )

    @staticmethod
    def _schedule(row: asyncpg.Record) -> CheckinSchedule:
        return CheckinSchedule(*row)

    async def set_schedule(
        self, platform: str, user_id: str, community_id: str, schedule: str, next_due: datetime, now: datetime
    ) -> None:
        """Create or replace the member's schedule; a replaced one starts afresh (unpaused)."""
        await self._pool.execute(
            "INSERT INTO checkin_schedule (platform, user_id, community_id, schedule, next_due_at, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (platform, user_id) DO UPDATE SET "
            "community_id = excluded.community_id, schedule = excluded.schedule, "
            "next_due_at = excluded.next_due_at, paused_until = NULL, paused_reason = NULL, failures = 0, "
            "claim_token = NULL, claimed_until = NULL",
            platform, user_id, community_id, schedule, _at(next_due), _at(now),
        )

    async def get_schedule(self, platform: str, user_id: str) -> CheckinSchedule | None:
        row = await self._pool.fetchrow(
            f"SELECT {self._SCHEDULE_COLUMNS} FROM checkin_schedule WHERE platform = $1 AND user_id = $2",  # nosec B608
            platform, user_id,
        )
        return self._schedule(row) if row else None

    async def delete_schedule(self, platform: str, user_id: str) -> bool:
        return bool(_count(await self._pool.execute(
            "DELETE FROM checkin_schedule WHERE platform = $1 AND user_id = $2", platform, user_id
        )))

    async def pause_schedule(
        self, platform: str, user_id: str, until: datetime | None, reason: str, next_due: datetime
    ) -> bool:
        """Pause until a time (None: until the member restarts it), moving the next slot past it."""
        return bool(_count(await self._pool.execute(
            "UPDATE checkin_schedule SET paused_until = $1, paused_reason = $2, next_due_at = $3, "
            "claim_token = NULL, claimed_until = NULL WHERE platform = $4 AND user_id = $5",
            _at(until) if until else _FOREVER, reason, _at(next_due), platform, user_id,
        )))

    async def claim_due_checkins(
        self, now: datetime, limit: int, token: str, lease_until: datetime
    ) -> list[CheckinSchedule]:
        """Atomically claim up to `limit` due, unpaused, unclaimed (or lease-expired) schedules.

        Processes never get the same row: SKIP LOCKED passes over rows another claim is
        taking right now, and the lease stops a committed claim from being taken again
        until it expires (a dead process's rows come back then).
        """
        stamp = _at(now)
        rows = await self._pool.fetch(
            "UPDATE checkin_schedule SET claim_token = $1, claimed_until = $2 "  # nosec B608
            "WHERE (platform, user_id) IN ("
            " SELECT platform, user_id FROM checkin_schedule WHERE next_due_at <= $3"
            " AND (claimed_until IS NULL OR claimed_until <= $3)"
            " AND (paused_until IS NULL OR paused_until <= $3)"
            " ORDER BY next_due_at LIMIT $4 FOR UPDATE SKIP LOCKED)"
            f" RETURNING {self._SCHEDULE_COLUMNS}",
            token, _at(lease_until), stamp, limit,
        )
        return [self._schedule(r) for r in rows]

    async def sent_slots(self, keys: list[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        """Which (platform, user_id, slot) keys are already recorded as sent."""
        if not keys:
            return set()
        platforms, users, slots = (list(column) for column in zip(*keys))
        rows = await self._pool.fetch(
            "SELECT platform, user_id, slot FROM checkin_slot WHERE (platform, user_id, slot) IN "
            "(SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))",
            platforms, users, slots,
        )
        return {tuple(row) for row in rows}

    async def finish_checkin(
        self, platform: str, user_id: str, token: str, slot: str | None, kind: str,
        next_due: datetime, now: datetime,
    ) -> bool:
        """Record the slot as sent (when given) and, if the claim is still ours, move the
        schedule to its next slot. False when the claim had expired and passed to another process.
        """
        async with self._transaction() as conn:
            if slot is not None:
                # Recorded even when the claim is no longer ours: the message did go out.
                await conn.execute(
                    "INSERT INTO checkin_slot (platform, user_id, slot, kind, sent_at) "
                    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                    platform, user_id, slot, kind, _at(now),
                )
            changed = _count(await conn.execute(
                "UPDATE checkin_schedule SET next_due_at = $1, claim_token = NULL, claimed_until = NULL, "
                "failures = CASE WHEN $2::text IS NULL THEN failures ELSE 0 END, "
                "paused_until = CASE WHEN paused_until <= $3 THEN NULL ELSE paused_until END, "
                "paused_reason = CASE WHEN paused_until <= $3 THEN NULL ELSE paused_reason END "
                "WHERE platform = $4 AND user_id = $5 AND claim_token = $6",
                _at(next_due), slot, _at(now), platform, user_id, token,
            ))
            return changed > 0

    async def fail_checkin(
        self, platform: str, user_id: str, token: str, retry_at: datetime, pause_after: int, reason: str,
    ) -> bool:
        """Count a failed delivery; after `pause_after` in a row the schedule is paused with the reason.

        Returns True when this failure paused the schedule.
        """
        async with self._transaction() as conn:
            failures = await conn.fetchval(
                "UPDATE checkin_schedule SET failures = failures + 1, claim_token = NULL, claimed_until = NULL, "
                "next_due_at = $1 WHERE platform = $2 AND user_id = $3 AND claim_token = $4 RETURNING failures",
                _at(retry_at), platform, user_id, token,
            )
            if failures is None or failures < pause_after:
                return False
            await conn.execute(
                "UPDATE checkin_schedule SET paused_until = $1, paused_reason = $2 "
                "WHERE platform = $3 AND user_id = $4",
                _FOREVER, reason, platform, user_id,
            )
        return True

    async def save_answer(
        self, platform: str, user_id: str, day: str, kind: str, value: int | None,
        detail: str | None, now: datetime,
    ) -> None:
        """Store (or change, the same day) the member's answer; an existing note is kept."""
        await self._pool.execute(
            "INSERT INTO checkin_answer (platform, user_id, day, kind, value, detail, answered_at) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (platform, user_id, day, kind) DO UPDATE SET "
            "value = excluded.value, detail = excluded.detail, answered_at = excluded.answered_at",
            platform, user_id, day, kind, value, detail, _at(now),
        )

    async def set_answer_note(self, platform: str, user_id: str, day: str, kind: str, note: str) -> bool:
        return bool(_count(await self._pool.execute(
            "UPDATE checkin_answer SET note = $1 WHERE platform = $2 AND user_id = $3 AND day = $4 AND kind = $5",
            note, platform, user_id, day, kind,
        )))

    async def answers(self, platform: str, user_id: str, since_day: str = "") -> list[CheckinAnswer]:
        """The member's answers from `since_day` (a local date) on, oldest first."""
        rows = await self._pool.fetch(
            "SELECT day, kind, value, detail, note, answered_at FROM checkin_answer "
            "WHERE platform = $1 AND user_id = $2 AND day >= $3 ORDER BY day, kind COLLATE \"C\"",
            platform, user_id, since_day,
        )
        return [CheckinAnswer(*r) for r in rows]

    # -- resource cards on a schedule ----------------------------------------------

    _RESOURCE_COLUMNS = "id, platform, community_id, channel_id, topic, every_days, next_post_at, created_by"

    @staticmethod
    def _resource(row: asyncpg.Record) -> ResourceSchedule:
        return ResourceSchedule(*row)

    async def schedule_resource(
        self, platform: str, community_id: str, channel_id: str, topic: str, every_days: int,
        first_post_at: datetime, created_by: str, now: datetime,
    ) -> int:
        """Create or replace the repeat of one card in one channel; returns its id."""
        return await self._pool.fetchval(
            "INSERT INTO resource_schedule (platform, community_id, channel_id, topic, every_days, "
            "next_post_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
            "ON CONFLICT (platform, community_id, channel_id, topic) DO UPDATE SET "
            "every_days = excluded.every_days, next_post_at = excluded.next_post_at, "
            "created_by = excluded.created_by RETURNING id",
            platform, community_id, channel_id, topic, every_days, _at(first_post_at), created_by, _at(now),
        )

    async def resource_schedules(self, platform: str, community_id: str) -> list[ResourceSchedule]:
        rows = await self._pool.fetch(
            f"SELECT {self._RESOURCE_COLUMNS} FROM resource_schedule WHERE platform = $1 AND community_id = $2 "  # nosec B608
            "ORDER BY id", platform, community_id,
        )
        return [self._resource(r) for r in rows]

    async def delete_resource_schedule(self, platform: str, community_id: str, resource_id: int) -> bool:
        return bool(_count(await self._pool.execute(
            "DELETE FROM resource_schedule WHERE platform = $1 AND community_id = $2 AND id = $3",
            platform, community_id, resource_id,
        )))

    async def claim_due_resources(self, now: datetime) -> list[ResourceSchedule]:
        """Due repeats, each moved on by its interval in the same statement (claimed once).

        SKIP LOCKED: a process never waits on, or gets, a repeat another one is moving on.
        """
        rows = await self._pool.fetch(
            "UPDATE resource_schedule SET next_post_at = $1::timestamptz + make_interval(days => every_days) "  # nosec B608
            "WHERE id IN (SELECT id FROM resource_schedule WHERE next_post_at <= $1 FOR UPDATE SKIP LOCKED) "
            f"RETURNING {self._RESOURCE_COLUMNS}",
            _at(now),
        )
        return [self._resource(r) for r in rows]

    # -- anonymous community figures ------------------------------------------------

    async def community_stats(self, platform: str, community_id: str, week_start: datetime,
                              month_start: datetime) -> CommunityStats:
        """Counts only: never an individual's mood or identity."""
        async with self._pool.acquire() as conn:
            members = await conn.fetchval(
                "SELECT count(*) FROM checkin_schedule WHERE platform = $1 AND community_id = $2",
                platform, community_id,
            )
            answered = await conn.fetchval(
                "SELECT count(*) FROM checkin_answer a JOIN checkin_schedule s "
                "ON s.platform = a.platform AND s.user_id = a.user_id "
                "WHERE s.platform = $1 AND s.community_id = $2 AND a.answered_at >= $3 AND a.value IS NOT NULL",
                platform, community_id, _at(week_start),
            )
            tiers = {tier: n for tier, n in await conn.fetch(
                "SELECT tier, count(*) FROM escalation WHERE platform = $1 AND community_id = $2 "
                "AND created_at >= $3 GROUP BY tier", platform, community_id, _at(month_start),
            )}
        return CommunityStats(members, answered, tiers)

    # -- a member's own data --------------------------------------------------------

    async def member_data(self, platform: str, user_id: str) -> dict[str, list[dict]]:
        """Everything stored about one member, table by table, for /mydata.

        Plain JSON values, instants as the same ISO text SQLite hands back, so the export is
        identical on both engines.
        """
        queries = {
            "checkin_schedule": "SELECT community_id, schedule, next_due_at, paused_until, paused_reason, "
                                "failures, created_at FROM checkin_schedule WHERE platform = $1 AND user_id = $2",
            "checkin_answers": "SELECT day, kind, value, detail, note, answered_at FROM checkin_answer "
                               "WHERE platform = $1 AND user_id = $2 ORDER BY day, kind COLLATE \"C\"",
            "checkins_sent": "SELECT slot, kind, sent_at FROM checkin_slot WHERE platform = $1 AND user_id = $2 "
                             "ORDER BY slot",
            "region": "SELECT country, updated_at FROM member_region WHERE platform = $1 AND user_id = $2",
            "pending_conversation": "SELECT flow, expires_at FROM conversation_state "
                                    "WHERE platform = $1 AND user_id = $2",
            "escalations": "SELECT id, community_id, tier, category, signal, excerpt, state, created_at, "
                           "resolved_at FROM escalation WHERE platform = $1 AND user_id = $2 ORDER BY id",
        }
        data = {}
        async with self._pool.acquire() as conn:
            for name, sql in queries.items():
                data[name] = [
                    {column: _ts(value) if isinstance(value, datetime) else value
                     for column, value in row.items()}
                    for row in await conn.fetch(sql, platform, user_id)
                ]
        return data

    async def forget_member(self, platform: str, user_id: str) -> dict[str, int]:
        """Delete everything of the member's own; escalation records keep only who/when/tier
        for the moderators' history, with the excerpt text removed. Returns counts by kind."""
        counts = {}
        async with self._transaction() as conn:
            for name, sql in (
                ("check-in answers and notes", "DELETE FROM checkin_answer WHERE platform = $1 AND user_id = $2"),
                ("check-in schedule", "DELETE FROM checkin_schedule WHERE platform = $1 AND user_id = $2"),
                ("check-ins sent", "DELETE FROM checkin_slot WHERE platform = $1 AND user_id = $2"),
                ("region", "DELETE FROM member_region WHERE platform = $1 AND user_id = $2"),
                ("pending conversation", "DELETE FROM conversation_state WHERE platform = $1 AND user_id = $2"),
                ("crisis alert excerpts", "UPDATE escalation SET excerpt = NULL "
                                          "WHERE platform = $1 AND user_id = $2 AND excerpt IS NOT NULL"),
            ):
                counts[name] = _count(await conn.execute(sql, platform, user_id))
        return counts

    # -- backup ---------------------------------------------------------------------

    async def backup(self, target: Path) -> None:
        """A consistent copy of the live database at `target`: a new Haven SQLite file holding
        one snapshot of every table (`migrate-db` moves it back to PostgreSQL)."""
        from bot.storage.transfer import backup_to_sqlite  # transfer imports this module

        await backup_to_sqlite(self, target)

    # -- plumbing -------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _transaction(self):
        """One pooled connection inside BEGIN … COMMIT, rolled back on error."""
        async with self._pool.acquire() as conn:
            async with conn.transaction():
                yield conn


def _describe(exc: BaseException) -> str:
    """One line for the operator: the driver's message, or the kind of failure when it has none."""
    return " ".join(str(exc).split()) or type(exc).__name__
