"""migrate-db: copy every table from one storage engine to the other, then verify it.

Idempotent: a row whose key is already in the target is not copied again, and must be
identical to the source's (a different row under the same key stops the run, changing
nothing in it). At the end every table must hold exactly as many rows as the source's,
so the target is the source, row for row. Run it with Haven stopped.

The copy reads and writes the tables directly (through each storage's own connection)
rather than through the repositories: it must carry claims, ids and history verbatim.
The f-strings marked `nosec B608` interpolate only the table and column names of TABLES.
"""
from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import asyncpg

from bot.errors import StorageError
from bot.storage.engine import open_storage
from bot.storage.postgres import PostgresStorage, redact
from bot.storage.sqlite import SqliteStorage

BATCH = 1000


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    instants: frozenset[str] = frozenset()
    integers: frozenset[str] = frozenset()

    @property
    def has_identity(self) -> bool:
        return self.key == ("id",)


# Every table of the schema, parents before children (escalation_event refers to escalation).
TABLES: tuple[Table, ...] = (
    Table("conversation_state", ("platform", "user_id", "flow", "data", "expires_at"),
          ("platform", "user_id"), frozenset({"expires_at"})),
    Table("member_region", ("platform", "user_id", "country", "updated_at"),
          ("platform", "user_id"), frozenset({"updated_at"})),
    Table("community_setting", ("platform", "community_id", "key", "value"),
          ("platform", "community_id", "key")),
    Table("setting_change", ("id", "platform", "community_id", "key", "old_value", "new_value", "changed_by",
                             "changed_at"), ("id",), frozenset({"changed_at"}), frozenset({"id"})),
    Table("escalation", ("id", "platform", "community_id", "channel_id", "user_id", "message_id", "link", "tier",
                         "category", "signal", "excerpt", "state", "created_at", "acknowledged_by",
                         "acknowledged_at", "resolved_by", "resolved_at", "next_ping_at", "ping_count"),
          ("id",), frozenset({"created_at", "acknowledged_at", "resolved_at", "next_ping_at"}),
          frozenset({"id", "ping_count"})),
    Table("escalation_event", ("id", "escalation_id", "at", "what", "detail"), ("id",), frozenset({"at"}),
          frozenset({"id", "escalation_id"})),
    Table("audit", ("id", "platform", "community_id", "user_id", "what", "at"), ("id",), frozenset({"at"}),
          frozenset({"id"})),
    Table("checkin_schedule", ("platform", "user_id", "community_id", "schedule", "next_due_at", "paused_until",
                               "paused_reason", "failures", "claim_token", "claimed_until", "created_at"),
          ("platform", "user_id"), frozenset({"next_due_at", "paused_until", "claimed_until", "created_at"}),
          frozenset({"failures"})),
    Table("checkin_slot", ("platform", "user_id", "slot", "kind", "sent_at"), ("platform", "user_id", "slot"),
          frozenset({"sent_at"})),
    Table("checkin_answer", ("platform", "user_id", "day", "kind", "value", "detail", "note", "answered_at"),
          ("platform", "user_id", "day", "kind"), frozenset({"answered_at"}), frozenset({"value"})),
    Table("resource_schedule", ("id", "platform", "community_id", "channel_id", "topic", "every_days",
                                "next_post_at", "created_by", "created_at"), ("id",),
          frozenset({"next_post_at", "created_at"}), frozenset({"id", "every_days"})),
)

Progress = Callable[[str, int, int], None]


async def transfer(
    source: SqliteStorage | PostgresStorage,
    target: SqliteStorage | PostgresStorage,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Copy every table of `source` into `target` (both open, at the same schema version).

    Returns the verified row count of each table. `progress(table, copied, total)` hears,
    per table, how many rows this run copied and how many the table now holds.
    Raises StorageError when the target holds rows that are not the source's.
    """
    source_version, target_version = await source.schema_version(), await target.schema_version()
    if source_version != target_version:
        raise StorageError(f"source is at schema {source_version} but target at {target_version}; "
                           "open both with this Haven first")
    reader, writer = _side(source), _side(target)
    for side in (reader, writer):
        await side.check_tables()
    async with reader.snapshot():
        return await _copy(reader, writer, progress)


async def _copy(reader: "_SqliteSide | _PostgresSide", writer: "_SqliteSide | _PostgresSide",
                progress: Progress | None) -> dict[str, int]:
    counts = {}
    for table in TABLES:
        copied = 0
        async for batch in reader.rows(table):
            present = await writer.existing(table, [_key(table, row) for row in batch])
            missing = []
            for row in batch:
                there = present.get(_key(table, row))
                if there is None:
                    missing.append(row)
                elif there != row:
                    raise StorageError(
                        f"{writer.name}: {table.name} already has a different row with key "
                        f"{_key(table, row)}; it is not a copy of {reader.name} (nothing was overwritten)"
                    )
            await writer.insert(table, missing)
            copied += len(missing)
        await writer.after_copy(table)
        expected, found = await reader.count(table), await writer.count(table)
        if expected != found:
            raise StorageError(f"{writer.name}: {table.name} has {found} rows but {reader.name} has {expected}; "
                               "the target holds rows the source does not (nothing was deleted)")
        counts[table.name] = found
        if progress:
            progress(table.name, copied, found)
    return counts


async def migrate_db(from_url: str, to_url: str, progress: Progress | None = None) -> dict[str, int]:
    """`python -m bot migrate-db --from … --to …`: open both (the target is created and
    migrated if new), copy, verify, close. Returns the verified row count per table."""
    if from_url == to_url:
        raise StorageError("--from and --to name the same database")
    source = await open_storage(from_url)
    try:
        target = await open_storage(to_url)
        try:
            return await transfer(source, target, progress)
        finally:
            await target.close()
    finally:
        await source.close()


async def backup_to_sqlite(source: PostgresStorage, target: Path) -> None:
    """A consistent copy of a PostgreSQL database as a new Haven SQLite file at `target`
    (one snapshot of every table); `migrate-db` moves it back. A failed copy leaves no file."""
    if target.exists():
        raise StorageError(f"{target} already exists; choose a new file so nothing is overwritten")
    copy = await SqliteStorage.open(target)
    try:
        await transfer(source, copy)
    except BaseException:
        await copy.close()
        for leftover in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            leftover.unlink(missing_ok=True)
        raise
    await copy.close()


def _key(table: Table, row: tuple) -> tuple:
    return tuple(row[table.columns.index(column)] for column in table.key)


def _side(storage: SqliteStorage | PostgresStorage) -> "_SqliteSide | _PostgresSide":
    if isinstance(storage, PostgresStorage):
        return _PostgresSide(storage)
    if isinstance(storage, SqliteStorage):
        return _SqliteSide(storage)
    raise TypeError(f"not a Haven storage: {storage!r}")


def _from_text(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _to_text(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(timezone.utc).isoformat(timespec="seconds")


class _SqliteSide:
    """Rows in and out of SQLite, instants converted to and from its ISO text."""

    def __init__(self, storage: SqliteStorage) -> None:
        self._storage = storage
        self._db = storage._db          # writes: under the storage's own write transaction
        self._read = storage._reader    # reads: never on the writing connection
        self.name = str(storage.path)

    @contextlib.asynccontextmanager
    async def snapshot(self):
        """Every read inside sees one state of the file (a WAL read transaction)."""
        await self._read.execute("BEGIN")
        try:
            yield
        finally:
            await self._read.execute("COMMIT")

    async def check_tables(self) -> None:
        async with self._read.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ) as cur:
            names = {name for (name,) in await cur.fetchall()}
        columns = {}
        for name in names:
            async with self._read.execute(f'PRAGMA table_info("{name}")') as cur:
                columns[name] = tuple(row[1] for row in await cur.fetchall())
        _check_tables(self.name, columns)

    async def rows(self, table: Table) -> AsyncIterator[list[tuple]]:
        instants = [column in table.instants for column in table.columns]
        async with self._read.execute(
            f"SELECT {', '.join(table.columns)} FROM {table.name} ORDER BY {', '.join(table.key)}"  # nosec B608
        ) as cur:
            while batch := await cur.fetchmany(BATCH):
                yield [tuple(_from_text(v) if instant else v for v, instant in zip(row, instants)) for row in batch]

    async def count(self, table: Table) -> int:
        async with self._read.execute(f"SELECT count(*) FROM {table.name}") as cur:  # nosec B608
            (n,) = await cur.fetchone()
        return n

    async def existing(self, table: Table, keys: list[tuple]) -> dict[tuple, tuple]:
        found = {}
        instants = [column in table.instants for column in table.columns]
        per_key = len(table.key)
        for start in range(0, len(keys), 200):  # stay well under SQLite's parameter limit
            chunk = keys[start:start + 200]
            values = ", ".join("(" + ", ".join("?" * per_key) + ")" for _ in chunk)
            async with self._read.execute(
                f"SELECT {', '.join(table.columns)} FROM {table.name} "  # nosec B608
                f"WHERE ({', '.join(table.key)}) IN (VALUES {values})", [part for key in chunk for part in key],
            ) as cur:
                for row in await cur.fetchall():
                    row = tuple(_from_text(v) if instant else v for v, instant in zip(row, instants))
                    found[_key(table, row)] = row
        return found

    async def insert(self, table: Table, rows: list[tuple]) -> None:
        if not rows:
            return
        instants = [column in table.instants for column in table.columns]
        async with self._storage._transaction():
            await self._db.executemany(
                f"INSERT INTO {table.name} ({', '.join(table.columns)}) "  # nosec B608
                f"VALUES ({', '.join('?' * len(table.columns))})",
                [tuple(_to_text(v) if instant else v for v, instant in zip(row, instants)) for row in rows],
            )

    async def after_copy(self, table: Table) -> None:
        """Nothing: an INTEGER PRIMARY KEY continues after the largest id by itself."""


class _PostgresSide:
    """Rows in and out of PostgreSQL; instants are timestamptz already."""

    def __init__(self, storage: PostgresStorage) -> None:
        self._pool = storage._pool
        self._snapshot: asyncpg.Connection | None = None
        self.name = redact(storage.url)

    @contextlib.asynccontextmanager
    async def snapshot(self):
        """Every read inside sees one state of the database (REPEATABLE READ, read only)."""
        async with self._pool.acquire() as conn:
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                self._snapshot = conn
                try:
                    yield
                finally:
                    self._snapshot = None

    async def check_tables(self) -> None:
        rows = await self._pool.fetch(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name != 'haven_schema' ORDER BY table_name, ordinal_position"
        )
        columns: dict[str, tuple[str, ...]] = {}
        for table, column in rows:
            columns[table] = columns.get(table, ()) + (column,)
        _check_tables(self.name, columns)

    async def rows(self, table: Table) -> AsyncIterator[list[tuple]]:
        """Only inside snapshot(): a cursor needs its transaction."""
        cursor = await self._snapshot.cursor(
            f"SELECT {', '.join(table.columns)} FROM {table.name} ORDER BY {', '.join(table.key)}"  # nosec B608
        )
        while batch := await cursor.fetch(BATCH):
            yield [tuple(row) for row in batch]

    async def count(self, table: Table) -> int:
        return await (self._snapshot or self._pool).fetchval(f"SELECT count(*) FROM {table.name}")  # nosec B608

    def _type(self, table: Table, column: str) -> str:
        if column in table.instants:
            return "timestamptz"
        return "bigint" if column in table.integers else "text"

    async def existing(self, table: Table, keys: list[tuple]) -> dict[tuple, tuple]:
        if not keys:
            return {}
        arrays = [list(column) for column in zip(*keys)]
        unnest = ", ".join(f"${n}::{self._type(table, column)}[]" for n, column in enumerate(table.key, 1))
        rows = await self._pool.fetch(
            f"SELECT {', '.join(table.columns)} FROM {table.name} "  # nosec B608
            f"WHERE ({', '.join(table.key)}) IN (SELECT * FROM unnest({unnest}))", *arrays,
        )
        return {_key(table, tuple(row)): tuple(row) for row in rows}

    async def insert(self, table: Table, rows: list[tuple]) -> None:
        if not rows:
            return
        async with self._pool.acquire() as conn:
            async with conn.transaction():
                await conn.copy_records_to_table(table.name, records=rows, columns=list(table.columns))

    async def after_copy(self, table: Table) -> None:
        if table.has_identity:
            # Copied ids were given explicitly: move the identity on past them, or the next
            # row Haven writes would collide with a copied one.
            await self._pool.execute(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "  # nosec B608
                f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
            )


def _check_tables(name: str, columns: dict[str, tuple[str, ...]]) -> None:
    """Refuse to copy a database with a table (or column) this module does not know: a
    migration added it, and copying without it would silently leave data behind."""
    expected = {table.name: table.columns for table in TABLES}
    unknown = sorted(set(columns) - set(expected))
    missing = sorted(set(expected) - set(columns))
    if unknown or missing:
        raise StorageError(f"{name}: tables differ from what migrate-db copies "
                           f"(unknown: {', '.join(unknown) or 'none'}; missing: {', '.join(missing) or 'none'})")
    for table, wanted in expected.items():
        if tuple(columns[table]) != wanted:
            raise StorageError(f"{name}: table {table} has columns {', '.join(columns[table])}, "
                               f"expected {', '.join(wanted)}")


def progress_line(table: str, copied: int, total: int) -> str:
    """What migrate-db prints per table: `escalation: 42 rows verified (40 copied now)`."""
    return f"{table}: {total} rows verified ({copied} copied now)"
