"""migrate-db: SQLite to PostgreSQL and back, idempotent, verified by row counts."""
import sqlite3
from datetime import datetime, timedelta, timezone

import asyncpg
import pytest

from bot.errors import StorageError
from bot.storage.engine import open_storage
from bot.storage.transfer import TABLES, migrate_db, transfer

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


async def fill(store) -> None:
    """Some rows in every table, through the public methods."""
    await store.set_conversation("console", "ana", "note", {"day": "2026-11-26"}, NOW + timedelta(minutes=30))
    await store.set_region("console", "ana", "GB", NOW)
    await store.set_setting("console", "c1", "cooldown_minutes", "10", "mod", NOW)
    await store.set_setting("console", "c1", "cooldown_minutes", "15", "mod", NOW)
    await store.record_audit("console", "c1", "mod", "forgot ana", NOW)
    for n in range(3):
        eid = await store.create_escalation(
            platform="console", community_id="c1", channel_id="general", user_id=f"user{n}", message_id="m",
            link="", tier="high", category="self", signal="plan", excerpt=f"words {n}", now=NOW,
            next_ping_at=NOW + timedelta(minutes=5))
    await store.acknowledge_escalation(eid, "mod", NOW + timedelta(minutes=1))
    for n in range(2500):  # more than one copy batch
        await store.set_schedule("console", f"user{n}", "c1", "daily 19:00 UTC", NOW + timedelta(minutes=n), NOW)
    await store.claim_due_checkins(NOW + timedelta(minutes=2), 2, "in-flight", NOW + timedelta(minutes=12))
    await store.pause_schedule("console", "user9", None, "stopped", NOW)
    await store.finish_checkin("console", "user0", "in-flight", "2026-11-26", "mood", NOW + timedelta(days=1), NOW)
    await store.save_answer("console", "user0", "2026-11-26", "mood", 4, None, NOW)
    await store.set_answer_note("console", "user0", "2026-11-26", "mood", "better")
    await store.schedule_resource("console", "c1", "general", "sleep", 7, NOW, "mod", NOW)


async def dump(store) -> dict[str, list]:
    """Everything a member, moderator or the scheduler can read back, for comparing two stores."""
    return {
        "conversation": await store.get_conversation("console", "ana", NOW),
        "settings": await store.setting_changes("console", "c1"),
        "audit": await store.audit_entries("console", "c1"),
        "escalations": await store.open_escalations("console", "c1"),
        "history": [await store.escalation_history(n) for n in (1, 2, 3)],
        "schedules": [await store.get_schedule("console", f"user{n}") for n in range(0, 2500, 7)],
        "member": await store.member_data("console", "user0"),
        "resources": await store.resource_schedules("console", "c1"),
        "claims": sorted((r.user_id, r.next_due_at) for r in await store.claim_due_checkins(
            NOW + timedelta(hours=1), 5000, "probe", NOW + timedelta(hours=2))),
    }


async def test_sqlite_to_postgres_copies_everything_once_and_verifies_counts(tmp_path, pg_url):
    sqlite_url = f"sqlite:///{tmp_path}/haven.db"
    source = await open_storage(sqlite_url)
    await fill(source)
    await source.close()
    reports = []
    counts = await migrate_db(sqlite_url, pg_url, lambda *report: reports.append(report))
    with sqlite3.connect(tmp_path / "haven.db") as db:
        expected = {t.name: db.execute(f"SELECT count(*) FROM {t.name}").fetchone()[0] for t in TABLES}
    assert counts == expected and counts["checkin_schedule"] == 2500 and counts["escalation_event"] == 4
    assert all(count > 0 for count in counts.values())
    assert [(table, copied) for table, copied, _ in reports] == list(expected.items())
    # Re-running copies nothing and still verifies.
    reports.clear()
    assert await migrate_db(sqlite_url, pg_url, lambda *report: reports.append(report)) == expected
    assert [copied for _, copied, _ in reports] == [0] * len(TABLES)

    source, target = await open_storage(sqlite_url), await open_storage(pg_url)
    try:
        assert await dump(target) == await dump(source)
        # New rows after the copy get fresh ids, not ones that collide with copied rows.
        new_id = await target.create_escalation(
            platform="console", community_id="c1", channel_id="general", user_id="zed", message_id="m", link="",
            tier="high", category="self", signal="plan", excerpt=None, now=NOW, next_ping_at=None)
        assert new_id == 4
    finally:
        await source.close()
        await target.close()


async def test_postgres_to_sqlite_round_trips(tmp_path, pg_url):
    source = await open_storage(pg_url)
    await fill(source)
    target = await open_storage(tmp_path / "back.db")
    try:
        counts = await transfer(source, target)
        assert counts["checkin_schedule"] == 2500
        assert await dump(target) == await dump(source)
    finally:
        await source.close()
        await target.close()


async def test_a_target_with_other_data_is_refused_and_left_alone(tmp_path, pg_url):
    sqlite_url = f"sqlite:///{tmp_path}/haven.db"
    source = await open_storage(sqlite_url)
    await source.record_audit("console", "c1", "mod", "one", NOW)
    await source.close()
    target = await open_storage(pg_url)
    await target.record_audit("console", "c1", "someone-else", "different", NOW)
    await target.close()
    with pytest.raises(StorageError, match="audit already has a different row with key \\(1,\\)"):
        await migrate_db(sqlite_url, pg_url)
    conn = await asyncpg.connect(pg_url)
    try:
        assert [tuple(r) for r in await conn.fetch("SELECT user_id, what FROM audit")] == [("someone-else", "different")]
    finally:
        await conn.close()


async def test_extra_rows_in_the_target_fail_the_count_check(tmp_path, pg_url):
    sqlite_url = f"sqlite:///{tmp_path}/haven.db"
    source = await open_storage(sqlite_url)
    await source.set_region("console", "ana", "GB", NOW)
    await source.close()
    target = await open_storage(pg_url)
    await target.set_region("console", "bob", "US", NOW)
    await target.close()
    with pytest.raises(StorageError, match="member_region has 2 rows but .* has 1"):
        await migrate_db(sqlite_url, pg_url)


async def test_a_table_migrate_db_does_not_know_stops_it(tmp_path, pg_url):
    path = tmp_path / "haven.db"
    source = await open_storage(path)
    await source.close()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE added_later (x)")
    with pytest.raises(StorageError, match="unknown: added_later"):
        await migrate_db(str(path), pg_url)
