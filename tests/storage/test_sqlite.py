"""What only the SQLite engine has: the file, WAL mode, refusing a file that is not a
database. Behaviour shared with PostgreSQL is tested on both in test_engines.py."""
import sqlite3

import pytest

from bot.errors import StorageError
from bot.storage.migrations import LATEST_VERSION
from bot.storage.sqlite import SqliteStorage

async def test_creates_the_file_and_its_folder_and_records_the_schema_version(tmp_path):
    path = tmp_path / "nested" / "haven.db"
    store = await SqliteStorage.open(path)
    assert await store.schema_version() == LATEST_VERSION
    await store.close()
    assert path.is_file()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION


async def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "haven.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError, match="not a usable SQLite database"):
        await SqliteStorage.open(path)
    assert path.read_bytes() == b"this is not sqlite" * 100


async def test_plain_reads_use_a_query_only_connection(tmp_path):
    store = await SqliteStorage.open(tmp_path / "haven.db")
    async with store._reader.execute("PRAGMA query_only") as cur:
        assert (await cur.fetchone())[0] == 1
    await store.close()
