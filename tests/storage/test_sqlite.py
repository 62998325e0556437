import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from bot.errors import StorageError
from bot.storage.migrations import LATEST_VERSION
from bot.storage.sqlite import SqliteStorage

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
async def storage(tmp_path):
    store = await SqliteStorage.open(tmp_path / "data" / "haven.db")
    yield store
    await store.close()


async def test_creates_the_file_and_its_folder_and_records_the_schema_version(tmp_path):
    path = tmp_path / "nested" / "haven.db"
    store = await SqliteStorage.open(path)
    assert await store.schema_version() == LATEST_VERSION
    await store.close()
    assert path.is_file()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION


async def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path):
    path = tmp_path / "haven.db"
    store = await SqliteStorage.open(path)
    await store.set_region("console", "ana", "GB", NOW)
    await store.close()
    store = await SqliteStorage.open(path)
    assert await store.get_region("console", "ana") == "GB"
    await store.close()


async def test_refuses_a_database_from_a_newer_version_without_touching_it(tmp_path):
    path = tmp_path / "haven.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE precious (x)")
        db.execute("INSERT INTO precious VALUES (42)")
        db.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    with pytest.raises(StorageError, match="newer"):
        await SqliteStorage.open(path)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT x FROM precious").fetchone() == (42,)
        assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION + 1


async def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    path = tmp_path / "haven.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError, match="not a usable SQLite database"):
        await SqliteStorage.open(path)
    assert path.read_bytes() == b"this is not sqlite" * 100


async def test_conversation_state_survives_a_restart_and_expires(tmp_path):
    path = tmp_path / "haven.db"
    store = await SqliteStorage.open(path)
    await store.set_conversation("console", "ana", "choose_faq", {"ids": ["a", "b"]}, NOW + timedelta(minutes=30))
    await store.close()
    store = await SqliteStorage.open(path)
    conversation = await store.get_conversation("console", "ana", NOW)
    assert conversation.flow == "choose_faq" and conversation.data == {"ids": ["a", "b"]}
    assert await store.get_conversation("console", "ana", NOW + timedelta(minutes=31)) is None
    await store.clear_conversation("console", "ana")
    assert await store.get_conversation("console", "ana", NOW) is None
    await store.close()


async def test_settings_changes_are_recorded_with_who_and_when(storage):
    await storage.set_setting("console", "c1", "cooldown_minutes", "10", "mod-a", NOW)
    await storage.set_setting("console", "c1", "cooldown_minutes", "20", "mod-b", NOW + timedelta(hours=1))
    assert await storage.get_settings("console", "c1") == {"cooldown_minutes": "20"}
    changes = await storage.setting_changes("console", "c1")
    assert [(c.old_value, c.new_value, c.changed_by) for c in changes] == [(None, "10", "mod-a"), ("10", "20", "mod-b")]
    assert changes[1].changed_at == NOW + timedelta(hours=1)
    assert await storage.get_settings("console", "other") == {}


async def _escalation(storage, **overrides):
    fields = dict(platform="console", community_id="c1", channel_id="general", user_id="ana", message_id="m1",
                  link="", tier="imminent", category="self", signal="plan", excerpt="words",
                  now=NOW, next_ping_at=NOW + timedelta(minutes=5))
    fields.update(overrides)
    return await storage.create_escalation(**fields)


async def test_escalation_lifecycle_keeps_its_history(storage):
    eid = await _escalation(storage)
    assert [e.id for e in await storage.open_escalations("console", "c1")] == [eid]
    assert await storage.acknowledge_escalation(eid, "mod", NOW + timedelta(minutes=1))
    assert not await storage.acknowledge_escalation(eid, "mod2", NOW + timedelta(minutes=2))
    escalation = await storage.get_escalation(eid)
    assert escalation.state == "acknowledged" and escalation.acknowledged_by == "mod"
    assert escalation.next_ping_at is None
    assert await storage.resolve_escalation(eid, "mod", NOW + timedelta(minutes=3), keep_excerpt=False)
    escalation = await storage.get_escalation(eid)
    assert escalation.state == "resolved" and escalation.excerpt is None
    assert await storage.open_escalations("console", "c1") == []
    assert [e.what for e in await storage.escalation_history(eid)] == ["detected", "acknowledged", "resolved"]


async def test_due_repings_are_claimed_once(storage):
    eid = await _escalation(storage)
    assert await storage.due_repings(NOW) == []
    later = NOW + timedelta(minutes=5)
    assert [e.id for e in await storage.due_repings(later)] == [eid]
    assert await storage.claim_reping(eid, later + timedelta(minutes=2), later)
    assert not await storage.claim_reping(eid, later + timedelta(minutes=2), later)
    assert await storage.due_repings(later) == []
    assert [e.id for e in await storage.due_repings(later + timedelta(minutes=2))] == [eid]  # lease over
    assert (await storage.get_escalation(eid)).ping_count == 0  # nothing confirmed yet
    assert await storage.confirm_reping(eid, later + timedelta(minutes=5), later)
    assert (await storage.get_escalation(eid)).ping_count == 1


async def test_cooldown_lookup_finds_the_latest_escalation_in_the_window(storage):
    await _escalation(storage, tier="high", now=NOW - timedelta(hours=2), next_ping_at=None)
    assert await storage.last_escalation_for("console", "ana", "self", NOW - timedelta(minutes=30)) is None
    eid = await _escalation(storage, tier="high", now=NOW - timedelta(minutes=10), next_ping_at=None)
    found = await storage.last_escalation_for("console", "ana", "self", NOW - timedelta(minutes=30))
    assert found.id == eid
    assert await storage.last_escalation_for("console", "bob", "self", NOW - timedelta(minutes=30)) is None


async def test_forgetting_excerpts_removes_only_that_members_text(storage):
    await _escalation(storage, user_id="ana", excerpt="ana's words")
    bob = await _escalation(storage, user_id="bob", excerpt="bob's words")
    assert await storage.forget_escalation_excerpts("console", "ana") == 1
    assert (await storage.get_escalation(bob)).excerpt == "bob's words"
    rows = await storage.open_escalations("console", "c1")
    assert [r.excerpt for r in rows if r.user_id == "ana"] == [None]


async def test_concurrent_writers_do_not_collide(storage):
    import asyncio

    async def writer(n):
        await storage.set_setting("console", "c1", f"k{n % 5}", str(n), f"mod{n}", NOW)
        await storage.set_region("console", f"user{n}", "US", NOW)
        await _escalation(storage, user_id=f"user{n}", next_ping_at=None)

    await asyncio.gather(*(writer(n) for n in range(40)))
    assert len(await storage.setting_changes("console", "c1")) == 40
    assert len(await storage.open_escalations("console", "c1")) == 40
