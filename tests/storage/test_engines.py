"""The storage behaviours, run against both engines: a real SQLite file and a real PostgreSQL server."""
import asyncio
import json
import sqlite3
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import asyncpg
import pytest

from bot.errors import StorageError
from bot.storage.engine import open_storage, sqlite_path
from bot.storage.migrations import LATEST_VERSION, MIGRATIONS
from bot.storage.postgres import PostgresStorage
from bot.storage.sqlite import SqliteStorage

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
FOREVER = datetime(9999, 12, 31, tzinfo=timezone.utc)


@pytest.fixture(params=["sqlite", "postgres"])
def engine_url(request, tmp_path) -> str:
    """Where a test's database lives: a SQLite path, or a new database on the test cluster."""
    if request.param == "sqlite":
        return str(tmp_path / "data" / "haven.db")
    return request.getfixturevalue("pg_cluster").create_database()


@pytest.fixture
async def storage(engine_url):
    store = await open_storage(engine_url)
    yield store
    await store.close()


async def raw_execute(url: str, *statements: str) -> None:
    """Run SQL outside Haven, straight on the engine."""
    if url.startswith("postgresql://"):
        conn = await asyncpg.connect(url)
        try:
            for sql in statements:
                await conn.execute(sql)
        finally:
            await conn.close()
    else:
        with sqlite3.connect(url) as db:
            for sql in statements:
                db.execute(sql)


async def raw_fetch(url: str, sql: str) -> list[tuple]:
    if url.startswith("postgresql://"):
        conn = await asyncpg.connect(url)
        try:
            return [tuple(r) for r in await conn.fetch(sql)]
        finally:
            await conn.close()
    with sqlite3.connect(url) as db:
        return db.execute(sql).fetchall()


# -- opening, migrating, choosing the engine ------------------------------------------


def test_every_migration_is_written_for_both_engines():
    assert [v for v, _ in MIGRATIONS] == list(range(1, LATEST_VERSION + 1))
    for _, steps in MIGRATIONS:
        assert set(steps) == {"sqlite", "postgres"} and all(sql.strip() for sql in steps.values())


def test_both_engines_offer_the_same_methods():
    import inspect

    def public(cls):
        return {name: getattr(cls, name) for name in dir(cls) if not name.startswith("_")
                and callable(getattr(cls, name))}

    lite, pg = public(SqliteStorage), public(PostgresStorage)
    assert sorted(lite) == sorted(pg)
    for name in lite:
        assert inspect.iscoroutinefunction(lite[name]) == inspect.iscoroutinefunction(pg[name]), name
        if name != "open":  # a path for one, a URL for the other
            assert inspect.signature(lite[name]) == inspect.signature(pg[name]), name


async def test_opens_at_the_latest_schema_and_reopening_keeps_data(engine_url):
    store = await open_storage(engine_url)
    assert await store.schema_version() == LATEST_VERSION
    await store.set_region("console", "ana", "GB", NOW)
    await store.close()
    store = await open_storage(engine_url)
    assert await store.schema_version() == LATEST_VERSION
    assert await store.get_region("console", "ana") == "GB"
    await store.close()


async def test_both_engines_have_the_same_tables_and_columns(tmp_path, pg_url):
    lite = await open_storage(str(tmp_path / "haven.db"))
    await lite.close()
    pg = await open_storage(pg_url)
    await pg.close()
    sqlite_tables = {
        name: [c[1] for c in sqlite3.connect(tmp_path / "haven.db").execute(f"PRAGMA table_info({name})")]
        for (name,) in sqlite3.connect(tmp_path / "haven.db").execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    }
    rows = await raw_fetch(pg_url, "SELECT table_name, column_name FROM information_schema.columns "
                                   "WHERE table_schema = 'public' AND table_name != 'haven_schema' "
                                   "ORDER BY table_name, ordinal_position")
    pg_tables: dict[str, list[str]] = {}
    for table, column in rows:
        pg_tables.setdefault(table, []).append(column)
    assert pg_tables == sqlite_tables
    assert len(sqlite_tables) == 11


async def test_refuses_a_database_from_a_newer_version_without_touching_it(engine_url):
    if engine_url.startswith("postgresql://"):
        await raw_execute(engine_url, "CREATE TABLE precious (x integer)", "INSERT INTO precious VALUES (42)",
                          "CREATE TABLE haven_schema (one_row boolean PRIMARY KEY DEFAULT true, version integer)",
                          f"INSERT INTO haven_schema (version) VALUES ({LATEST_VERSION + 1})")
        version_sql = "SELECT version FROM haven_schema"
    else:
        sqlite_path(engine_url).parent.mkdir(parents=True)
        await raw_execute(engine_url, "CREATE TABLE precious (x)", "INSERT INTO precious VALUES (42)",
                          f"PRAGMA user_version = {LATEST_VERSION + 1}")
        version_sql = "PRAGMA user_version"
    with pytest.raises(StorageError, match="newer than this Haven") as error:
        await open_storage(engine_url)
    assert "\n" not in str(error.value)
    assert await raw_fetch(engine_url, "SELECT x FROM precious") == [(42,)]
    assert await raw_fetch(engine_url, version_sql) == [(LATEST_VERSION + 1,)]


async def test_a_failed_migration_leaves_the_previous_version_intact(engine_url):
    # A table in the way of schema 3's resource_schedule: step 3 fails, steps 1-2 stay.
    if engine_url.startswith("postgresql://"):
        await raw_execute(engine_url, "CREATE TABLE resource_schedule (x integer)")
    else:
        sqlite_path(engine_url).parent.mkdir(parents=True)
        await raw_execute(engine_url, "CREATE TABLE resource_schedule (x)")
    with pytest.raises(StorageError, match="migration to schema 3 failed"):
        await open_storage(engine_url)
    assert await raw_fetch(engine_url, "SELECT count(*) FROM resource_schedule") == [(0,)]
    version_sql = ("SELECT version FROM haven_schema" if engine_url.startswith("postgresql://")
                   else "PRAGMA user_version")
    assert await raw_fetch(engine_url, version_sql) == [(2,)]


async def test_processes_starting_together_migrate_once(pg_url):
    stores = await asyncio.gather(*(PostgresStorage.open(pg_url) for _ in range(4)))
    assert [await s.schema_version() for s in stores] == [LATEST_VERSION] * 4
    await stores[0].set_region("console", "ana", "GB", NOW)
    assert await stores[3].get_region("console", "ana") == "GB"
    for store in stores:
        await store.close()


async def test_an_unreachable_server_is_one_clear_line_without_the_password():
    with pytest.raises(StorageError) as error:
        await open_storage("postgresql://haven:s3cret-pw@127.0.0.1:1/haven")
    message = str(error.value)
    assert message.startswith("cannot open database postgresql://haven@127.0.0.1:1/haven: ")
    assert "s3cret-pw" not in message and "\n" not in message


async def test_a_wrong_password_or_missing_database_is_a_clear_error(pg_cluster):
    wrong = pg_cluster.url().replace(pg_cluster.password, "not-the-password")
    with pytest.raises(StorageError, match="cannot open database .*password authentication failed") as error:
        await open_storage(wrong)
    assert "not-the-password" not in str(error.value)
    with pytest.raises(StorageError, match='database "no_such_db" does not exist'):
        await open_storage(pg_cluster.url("no_such_db"))


async def test_the_url_picks_the_engine(tmp_path, pg_url, monkeypatch):
    store = await open_storage(pg_url)
    assert isinstance(store, PostgresStorage)
    await store.close()
    monkeypatch.chdir(tmp_path)
    store = await open_storage("sqlite:///rel/haven.db")
    assert isinstance(store, SqliteStorage) and store.path == sqlite_path("sqlite:///rel/haven.db")
    await store.close()
    assert (tmp_path / "rel" / "haven.db").is_file()
    store = await open_storage(f"sqlite:///{tmp_path}/abs.db")
    await store.close()
    assert (tmp_path / "abs.db").is_file()
    store = await open_storage(tmp_path / "path.db")
    await store.close()
    assert (tmp_path / "path.db").is_file()
    with pytest.raises(StorageError, match="mysql:// is not supported"):
        await open_storage("mysql://db/haven")


# -- the repositories --------------------------------------------------------------


async def test_conversation_state_survives_a_restart_and_expires(engine_url):
    store = await open_storage(engine_url)
    await store.set_conversation("console", "ana", "choose_faq", {"ids": ["a", "b"]}, NOW + timedelta(minutes=30))
    await store.close()
    store = await open_storage(engine_url)
    conversation = await store.get_conversation("console", "ana", NOW)
    assert conversation.flow == "choose_faq" and conversation.data == {"ids": ["a", "b"]}
    assert conversation.expires_at == NOW + timedelta(minutes=30)
    assert await store.get_conversation("console", "ana", NOW + timedelta(minutes=31)) is None
    await store.clear_conversation("console", "ana")
    assert await store.get_conversation("console", "ana", NOW) is None
    await store.close()


async def test_instants_come_back_as_aware_utc_to_the_second(storage):
    local = datetime(2026, 11, 26, 13, 0, 5, 987654, tzinfo=ZoneInfo("Europe/Berlin"))
    await storage.set_conversation("console", "ana", "f", {}, local)
    expires = (await storage.get_conversation("console", "ana", NOW)).expires_at
    assert expires == datetime(2026, 11, 26, 12, 0, 5, tzinfo=timezone.utc)
    assert expires.tzinfo == timezone.utc and expires.microsecond == 0


async def test_settings_changes_are_recorded_with_who_and_when(storage):
    await storage.set_setting("console", "c1", "cooldown_minutes", "10", "mod-a", NOW)
    await storage.set_setting("console", "c1", "cooldown_minutes", "20", "mod-b", NOW + timedelta(hours=1))
    assert await storage.get_settings("console", "c1") == {"cooldown_minutes": "20"}
    changes = await storage.setting_changes("console", "c1")
    assert [(c.old_value, c.new_value, c.changed_by) for c in changes] == [(None, "10", "mod-a"), ("10", "20", "mod-b")]
    assert changes[1].changed_at == NOW + timedelta(hours=1)
    assert await storage.get_settings("console", "other") == {}


async def test_audit_entries_keep_their_order(storage):
    for n in range(3):
        await storage.record_audit("console", "c1", f"user{n}", f"did {n}", NOW)
    await storage.record_audit("console", "c2", "other", "elsewhere", NOW)
    assert await storage.audit_entries("console", "c1") == [("user0", "did 0"), ("user1", "did 1"), ("user2", "did 2")]


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
    assert escalation.acknowledged_at == NOW + timedelta(minutes=1) and escalation.next_ping_at is None
    assert await storage.resolve_escalation(eid, "mod", NOW + timedelta(minutes=3), keep_excerpt=False)
    assert not await storage.resolve_escalation(eid, "mod", NOW + timedelta(minutes=4), keep_excerpt=False)
    escalation = await storage.get_escalation(eid)
    assert escalation.state == "resolved" and escalation.excerpt is None
    assert escalation.resolved_at == NOW + timedelta(minutes=3)
    assert await storage.open_escalations("console", "c1") == []
    await storage.add_escalation_event(eid, "note", "called back", NOW + timedelta(minutes=5))
    history = await storage.escalation_history(eid)
    assert [e.what for e in history] == ["detected", "acknowledged", "resolved", "note"]
    assert history[0].detail == "tier=imminent signal=plan" and history[3].at == NOW + timedelta(minutes=5)
    assert await storage.get_escalation(eid + 1000) is None


async def test_resolving_can_keep_the_excerpt(storage):
    eid = await _escalation(storage)
    assert await storage.resolve_escalation(eid, "mod", NOW, keep_excerpt=True)
    assert (await storage.get_escalation(eid)).excerpt == "words"


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
    escalation = await storage.get_escalation(eid)
    assert escalation.ping_count == 1 and escalation.next_ping_at == later + timedelta(minutes=5)
    assert [e.what for e in await storage.escalation_history(eid)] == ["detected", "re-pinged"]


async def test_cooldown_lookup_finds_the_latest_escalation_in_the_window(storage):
    await _escalation(storage, tier="high", now=NOW - timedelta(hours=2), next_ping_at=None)
    assert await storage.last_escalation_for("console", "ana", "self", NOW - timedelta(minutes=30)) is None
    eid = await _escalation(storage, tier="high", now=NOW - timedelta(minutes=10), next_ping_at=None)
    found = await storage.last_escalation_for("console", "ana", "self", NOW - timedelta(minutes=30))
    assert found.id == eid and found.created_at == NOW - timedelta(minutes=10)
    assert await storage.last_escalation_for("console", "bob", "self", NOW - timedelta(minutes=30)) is None


async def test_forgetting_excerpts_removes_only_that_members_text(storage):
    await _escalation(storage, user_id="ana", excerpt="ana's words")
    bob = await _escalation(storage, user_id="bob", excerpt="bob's words")
    assert await storage.forget_escalation_excerpts("console", "ana") == 1
    assert (await storage.get_escalation(bob)).excerpt == "bob's words"
    rows = await storage.open_escalations("console", "c1")
    assert [r.excerpt for r in rows if r.user_id == "ana"] == [None]


async def test_concurrent_writers_do_not_collide(storage):
    async def writer(n):
        await storage.set_setting("console", "c1", f"k{n % 5}", str(n), f"mod{n}", NOW)
        await storage.set_region("console", f"user{n}", "US", NOW)
        await _escalation(storage, user_id=f"user{n}", next_ping_at=None)

    await asyncio.gather(*(writer(n) for n in range(40)))
    changes = await storage.setting_changes("console", "c1")
    assert len(changes) == 40
    # Each key's history is a chain: every change's old value is the value before it.
    for key in {c.key for c in changes}:
        chain = [c for c in changes if c.key == key]
        assert [c.old_value for c in chain] == [None] + [c.new_value for c in chain[:-1]]
    assert len(await storage.open_escalations("console", "c1")) == 40


async def test_checkin_schedule_claim_lease_and_finish(storage):
    due = NOW - timedelta(minutes=5)
    await storage.set_schedule("console", "ana", "c1", "daily 19:00 UTC", due, NOW)
    await storage.set_schedule("console", "bob", "c1", "daily 19:00 UTC", NOW + timedelta(hours=1), NOW)
    await storage.set_schedule("console", "cy", "c1", "daily 19:00 UTC", due, NOW)
    assert await storage.pause_schedule("console", "cy", NOW + timedelta(days=2), "away", due)
    lease = NOW + timedelta(minutes=10)
    claimed = await storage.claim_due_checkins(NOW, 10, "token-a", lease)
    assert [(c.user_id, c.next_due_at, c.failures) for c in claimed] == [("ana", due, 0)]
    assert await storage.claim_due_checkins(NOW + timedelta(minutes=9), 10, "token-b", lease) == []
    # The lease ran out (the claimer died): another loop takes the row over.
    retaken = await storage.claim_due_checkins(lease, 10, "token-b", lease + timedelta(minutes=10))
    assert [c.user_id for c in retaken] == ["ana"]
    following = NOW + timedelta(days=1)
    assert not await storage.finish_checkin("console", "ana", "token-a", "2026-11-26", "mood", following, NOW)
    assert await storage.sent_slots([("console", "ana", "2026-11-26"), ("console", "ana", "2026-11-27")]) == {
        ("console", "ana", "2026-11-26")}
    assert (await storage.get_schedule("console", "ana")).next_due_at == due  # still token-b's
    assert await storage.finish_checkin("console", "ana", "token-b", "2026-11-26", "mood", following, NOW)
    assert (await storage.get_schedule("console", "ana")).next_due_at == following
    assert await storage.claim_due_checkins(lease + timedelta(minutes=1), 10, "token-c", lease) == []
    assert await storage.sent_slots([]) == set()
    paused = await storage.get_schedule("console", "cy")
    assert paused.paused_until == NOW + timedelta(days=2) and paused.paused_reason == "away"
    assert await storage.get_schedule("console", "nobody") is None


async def test_finishing_after_a_pause_has_passed_clears_it(storage):
    await storage.set_schedule("console", "ana", "c1", "daily", NOW, NOW)
    await storage.pause_schedule("console", "ana", NOW - timedelta(hours=1), "away", NOW - timedelta(minutes=1))
    [row] = await storage.claim_due_checkins(NOW, 10, "t", NOW + timedelta(minutes=10))
    assert row.paused_until == NOW - timedelta(hours=1)
    assert await storage.finish_checkin("console", "ana", "t", None, "", NOW + timedelta(days=1), NOW)
    schedule = await storage.get_schedule("console", "ana")
    assert schedule.paused_until is None and schedule.paused_reason is None
    assert await storage.sent_slots([("console", "ana", "2026-11-26")]) == set()


async def test_repeated_delivery_failures_pause_the_schedule(storage):
    await storage.set_schedule("console", "ana", "c1", "daily", NOW, NOW)
    results = []
    for attempt in range(3):
        moment = NOW + timedelta(hours=attempt)
        [row] = await storage.claim_due_checkins(moment, 10, f"t{attempt}", moment + timedelta(minutes=10))
        assert row.failures == attempt
        results.append(await storage.fail_checkin("console", "ana", f"t{attempt}", moment + timedelta(minutes=30),
                                                  3, "direct messages failed"))
    assert results == [False, False, True]
    schedule = await storage.get_schedule("console", "ana")
    assert schedule.paused_until == FOREVER and schedule.paused_reason == "direct messages failed"
    assert await storage.claim_due_checkins(NOW + timedelta(days=30), 10, "t", NOW + timedelta(days=31)) == []
    assert not await storage.fail_checkin("console", "ana", "stale", NOW, 3, "x")
    # Starting afresh unpauses and clears the failures.
    await storage.set_schedule("console", "ana", "c1", "daily", NOW, NOW)
    schedule = await storage.get_schedule("console", "ana")
    assert schedule.paused_until is None and schedule.failures == 0
    assert await storage.delete_schedule("console", "ana")
    assert not await storage.delete_schedule("console", "ana")


async def test_pausing_until_restarted_and_unknown_members(storage):
    await storage.set_schedule("console", "ana", "c1", "daily", NOW, NOW)
    assert await storage.pause_schedule("console", "ana", None, "stopped", NOW + timedelta(days=1))
    assert (await storage.get_schedule("console", "ana")).paused_until == FOREVER
    assert not await storage.pause_schedule("console", "nobody", None, "x", NOW)


async def test_answers_are_kept_per_day_and_kind_with_their_notes(storage):
    await storage.save_answer("console", "ana", "2026-11-25", "mood", 2, None, NOW - timedelta(days=1))
    await storage.save_answer("console", "ana", "2026-11-26", "who5", 64, '{"1": 3}', NOW)
    await storage.save_answer("console", "ana", "2026-11-26", "mood", 3, None, NOW)
    assert await storage.set_answer_note("console", "ana", "2026-11-26", "mood", "tired")
    assert not await storage.set_answer_note("console", "ana", "2026-11-20", "mood", "no answer that day")
    await storage.save_answer("console", "ana", "2026-11-26", "mood", 4, None, NOW + timedelta(hours=1))
    answers = await storage.answers("console", "ana")
    assert [(a.day, a.kind, a.value, a.detail, a.note) for a in answers] == [
        ("2026-11-25", "mood", 2, None, None),
        ("2026-11-26", "mood", 4, None, "tired"),
        ("2026-11-26", "who5", 64, '{"1": 3}', None),
    ]
    assert answers[1].answered_at == NOW + timedelta(hours=1)
    assert [a.day for a in await storage.answers("console", "ana", since_day="2026-11-26")] == ["2026-11-26"] * 2
    await storage.save_answer("console", "ana", "2026-11-27", "mood", None, None, NOW)
    assert (await storage.answers("console", "ana", "2026-11-27"))[0].value is None


async def test_resource_repeats_are_claimed_once_and_move_on_by_their_interval(storage):
    # Across Europe's daylight-saving change on 29 March: intervals are whole UTC days.
    moment = datetime(2026, 3, 28, 23, 30, 15, 500, tzinfo=timezone.utc)
    first = moment - timedelta(hours=1)
    rid = await storage.schedule_resource("console", "c1", "general", "sleep", 7, first, "mod", moment)
    assert await storage.schedule_resource("console", "c1", "general", "sleep", 3, first, "mod2", moment) == rid
    other = await storage.schedule_resource("console", "c1", "general", "grounding", 1,
                                            moment + timedelta(days=1), "mod", moment)
    assert [(r.id, r.every_days, r.created_by) for r in await storage.resource_schedules("console", "c1")] == [
        (rid, 3, "mod2"), (other, 1, "mod")]
    due = await storage.claim_due_resources(moment)
    assert [(r.id, r.next_post_at) for r in due] == [(rid, datetime(2026, 3, 31, 23, 30, 15, tzinfo=timezone.utc))]
    assert await storage.claim_due_resources(moment) == []
    assert await storage.delete_resource_schedule("console", "c1", rid)
    assert not await storage.delete_resource_schedule("console", "c2", other)
    assert [r.id for r in await storage.resource_schedules("console", "c1")] == [other]


async def test_community_stats_are_counts_only(storage):
    await storage.set_schedule("console", "ana", "c1", "daily", NOW, NOW)
    await storage.set_schedule("console", "bob", "c1", "daily", NOW, NOW)
    await storage.set_schedule("console", "cy", "c2", "daily", NOW, NOW)
    await storage.save_answer("console", "ana", "2026-11-26", "mood", 3, None, NOW)
    await storage.save_answer("console", "bob", "2026-11-26", "mood", None, None, NOW)
    await storage.save_answer("console", "ana", "2026-11-10", "mood", 3, None, NOW - timedelta(days=16))
    await _escalation(storage, tier="high")
    await _escalation(storage, tier="high")
    await _escalation(storage, tier="concern", now=NOW - timedelta(days=40))
    stats = await storage.community_stats("console", "c1", NOW - timedelta(days=7), NOW - timedelta(days=30))
    assert (stats.checkin_members, stats.checkins_answered_week, stats.escalations_by_tier) == (2, 1, {"high": 2})


async def _member_story(store) -> int:
    """The same member history, written through the public methods."""
    await store.set_schedule("console", "ana", "c1", "daily 19:00 UTC", NOW, NOW - timedelta(days=3))
    await store.pause_schedule("console", "ana", NOW + timedelta(days=1), "holiday", NOW + timedelta(days=1))
    await store.save_answer("console", "ana", "2026-11-26", "mood", 3, None, NOW)
    await store.save_answer("console", "ana", "2026-11-26", "who5", 48, '{"1": 2}', NOW)
    await store.set_answer_note("console", "ana", "2026-11-26", "mood", "long day")
    await store.set_region("console", "ana", "GB", NOW)
    await store.set_conversation("console", "ana", "note", {"day": "2026-11-26"}, NOW + timedelta(minutes=30))
    await store.set_schedule("console", "bob", "c1", "daily", NOW, NOW)
    await store.claim_due_checkins(NOW, 10, "t", NOW + timedelta(minutes=10))
    await store.finish_checkin("console", "bob", "t", "2026-11-26", "mood", NOW + timedelta(days=1), NOW)
    eid = await _escalation(store)
    await store.resolve_escalation(eid, "mod", NOW + timedelta(minutes=3), keep_excerpt=True)
    await _escalation(store, user_id="bob")
    return eid


async def test_member_data_is_the_same_plain_json_on_both_engines(tmp_path, pg_url):
    exports = []
    for url in (str(tmp_path / "haven.db"), pg_url):
        store = await open_storage(url)
        await _member_story(store)
        exports.append((await store.member_data("console", "ana"), await store.member_data("console", "bob")))
        await store.close()
    assert exports[0] == exports[1]
    ana, bob = exports[1]
    assert json.loads(json.dumps(ana)) == ana
    assert ana["checkin_schedule"][0]["paused_until"] == "2026-11-27T12:00:00+00:00"
    assert ana["escalations"][0]["resolved_at"] == "2026-11-26T12:03:00+00:00"
    assert [row["slot"] for row in bob["checkins_sent"]] == ["2026-11-26"]


async def test_forgetting_a_member_deletes_their_own_data_and_counts_it(storage):
    eid = await _member_story(storage)
    counts = await storage.forget_member("console", "ana")
    assert counts == {"check-in answers and notes": 2, "check-in schedule": 1, "check-ins sent": 0,
                      "region": 1, "pending conversation": 1, "crisis alert excerpts": 1}
    data = await storage.member_data("console", "ana")
    assert {name: len(rows) for name, rows in data.items()} == {
        "checkin_schedule": 0, "checkin_answers": 0, "checkins_sent": 0, "region": 0,
        "pending_conversation": 0, "escalations": 1}
    assert (await storage.get_escalation(eid)).excerpt is None
    assert len((await storage.member_data("console", "bob"))["checkins_sent"]) == 1


# -- claims raced by separate connections (as separate processes would) --------------


async def test_two_connections_claiming_together_never_share_a_checkin(engine_url):
    first, second = await open_storage(engine_url), await open_storage(engine_url)
    for n in range(300):
        await first.set_schedule("console", f"user{n}", "c1", "daily", NOW - timedelta(seconds=n), NOW)
    lease = NOW + timedelta(minutes=10)

    async def drain(store, name):
        got = []
        while batch := await store.claim_due_checkins(NOW, 20, name, lease):
            got.extend(row.user_id for row in batch)
        return got

    results = await asyncio.gather(drain(first, "a"), drain(second, "b"), drain(first, "c"), drain(second, "d"))
    everything = [user for claimed in results for user in claimed]
    assert len(everything) == 300 and len(set(everything)) == 300
    await first.close()
    await second.close()


async def test_two_connections_racing_for_a_reping_record_it_once(engine_url):
    first, second = await open_storage(engine_url), await open_storage(engine_url)
    ids = [await _escalation(first, user_id=f"user{n}") for n in range(20)]
    later = NOW + timedelta(minutes=5)
    wins = await asyncio.gather(*(store.claim_reping(eid, later + timedelta(minutes=2), later)
                                  for eid in ids for store in (first, second)))
    assert sum(wins) == 20
    assert all(wins[2 * i] != wins[2 * i + 1] for i in range(20))
    assert {(await first.get_escalation(eid)).next_ping_at for eid in ids} == {later + timedelta(minutes=2)}
    await first.close()
    await second.close()


async def test_two_connections_racing_for_resource_posts_get_each_once(engine_url):
    first, second = await open_storage(engine_url), await open_storage(engine_url)
    for n in range(30):
        await first.schedule_resource("console", "c1", f"ch{n}", "sleep", 1, NOW, "mod", NOW)
    claims = await asyncio.gather(*(store.claim_due_resources(NOW) for store in (first, second) * 3))
    ids = [r.id for claim in claims for r in claim]
    assert len(ids) == 30 and len(set(ids)) == 30
    await first.close()
    await second.close()


async def test_a_claim_skips_rows_another_transaction_holds_instead_of_waiting(pg_url):
    store = await PostgresStorage.open(pg_url)
    for n in range(10):
        await store.set_schedule("console", f"user{n}", "c1", "daily", NOW, NOW)
    holder = await asyncpg.connect(pg_url)
    try:
        async with holder.transaction():
            held = {r["user_id"] for r in await holder.fetch(
                "SELECT user_id FROM checkin_schedule WHERE user_id IN ('user0', 'user1', 'user2') FOR UPDATE")}
            # Without SKIP LOCKED this claim would wait for the holder's commit, which never
            # comes while it waits: the guard turns that hang into a failure.
            claimed = await asyncio.wait_for(
                store.claim_due_checkins(NOW, 100, "t", NOW + timedelta(minutes=10)), timeout=60)
        assert {r.user_id for r in claimed} == {f"user{n}" for n in range(10)} - held
        again = await store.claim_due_checkins(NOW, 100, "u", NOW + timedelta(minutes=10))
        assert {r.user_id for r in again} == held
    finally:
        await holder.close()
        await store.close()


# -- backup ------------------------------------------------------------------------


async def test_a_backup_is_a_sqlite_file_with_the_same_data(storage, tmp_path):
    await _member_story(storage)
    target = tmp_path / "backups" / "copy.db"
    target.parent.mkdir()
    await storage.backup(target)
    copy = await open_storage(target)
    try:
        for member in ("ana", "bob"):
            assert await copy.member_data("console", member) == await storage.member_data("console", member)
        assert await copy.open_escalations("console", "c1") == await storage.open_escalations("console", "c1")
        assert await copy.escalation_history(1) == await storage.escalation_history(1)
    finally:
        await copy.close()


async def test_a_postgres_backup_never_overwrites_and_leaves_nothing_when_it_fails(pg_url, tmp_path):
    store = await PostgresStorage.open(pg_url)
    try:
        existing = tmp_path / "taken.db"
        existing.write_bytes(b"keep me")
        with pytest.raises(StorageError, match="already exists"):
            await store.backup(existing)
        assert existing.read_bytes() == b"keep me"
        await raw_execute(pg_url, "CREATE TABLE added_later (x integer)")
        with pytest.raises(StorageError, match="unknown: added_later"):
            await store.backup(tmp_path / "new.db")
        assert list(tmp_path.iterdir()) == [existing]
    finally:
        await store.close()
