"""Moderator commands through the core, with refusals for members and bad values for every setting."""
import pytest

from bot.actions import Audience, Kind
from bot.app import open_haven
from bot.community import PARSERS
from tests.conftest import dm, said


def mod(text, channel="general"):
    return said(text, channel=channel, user="mo", is_platform_moderator=True)


def texts(reply):
    return "\n".join(a.text for a in reply.actions)


@pytest.mark.parametrize("command", ["/resources post crisis", "/settings", "/settings cooldown_minutes 5",
                                     "/escalations", "/stats", "/resources list"])
async def test_members_are_refused_privately_and_the_attempt_recorded(haven, command):
    reply = await haven.handle(said(command, user="eve"))
    assert [a.to for a in reply.actions] == [Audience.MEMBER]
    assert "Only this community's moderators" in texts(reply)
    name = command.split()[0]
    assert ("eve", f"refused {name}") in await haven._storage.audit_entries("console", "c1")


async def test_a_configured_moderator_role_or_user_counts(haven):
    await haven.handle(mod("/settings moderator_roles <@&42>"))
    await haven.handle(mod("/settings moderator_users u7"))
    by_role = await haven.handle(said("/stats", user="rae", role_ids=("42",)))
    by_list = await haven.handle(said("/stats", user="u7"))
    assert "anonymous totals" in texts(by_role) and "anonymous totals" in texts(by_list)


async def test_posting_a_card_goes_to_the_channel(haven):
    reply = await haven.handle(mod("/resources post crisis"))
    assert [a.to for a in reply.actions] == [Audience.CHANNEL]
    assert "988" in texts(reply) and "findahelpline.com" in texts(reply)
    await haven.handle(mod("/settings default_country GB"))
    assert "116 123" in texts(await haven.handle(mod("/resources post crisis")))
    faq = texts(await haven.handle(mod("/resources post faq")))
    assert faq.count("•") >= 10
    assert "There is no card called weather" in texts(await haven.handle(mod("/resources post weather")))


async def test_a_scheduled_card_survives_a_restart_and_repeats(content, clock, db_path):
    haven, storage = await open_haven(content, db_path, clock)
    reply = await haven.handle(mod("/resources schedule checkins 7"))
    assert "every 7 days" in texts(reply)
    assert "#1 checkins every 7 days in general" in texts(await haven.handle(mod("/resources list")))
    await storage.close()
    clock.advance(days=7)
    haven, storage = await open_haven(content, db_path, clock)
    posts = await haven.tick()
    assert [(p.to, p.channel_id, p.community_id) for p in posts] == [(Audience.CHANNEL, "general", "c1")]
    assert "Mood check-ins" in posts[0].text
    assert await haven.tick() == []
    clock.advance(days=7)
    assert len(await haven.tick()) == 1
    assert "Stopped repeat #1" in texts(await haven.handle(mod("/resources unschedule 1")))
    clock.advance(days=7)
    assert await haven.tick() == []
    await storage.close()


async def test_schedule_needs_a_sensible_interval(haven):
    for bad in ("/resources schedule crisis", "/resources schedule crisis 0", "/resources schedule crisis 365"):
        assert "days from 1 to 90" in texts(await haven.handle(mod(bad)))


async def test_settings_show_set_and_record_who_and_when(haven, clock):
    shown = texts(await haven.handle(mod("/settings")))
    assert "cooldown_minutes = 30" in shown and "public_notice = off" in shown
    changed = texts(await haven.handle(mod("/settings cooldown_minutes 10")))
    assert "cooldown_minutes is now 10 (was 30)" in changed
    assert (await haven.settings("console", "c1")).cooldown_minutes == 10
    [change] = await haven._storage.setting_changes("console", "c1")
    assert (change.key, change.new_value, change.changed_by, change.changed_at) == (
        "cooldown_minutes", "10", "mo", clock.now())


BAD_VALUES = {
    "moderator_channel": "two channels",
    "moderator_roles": "role;drop table",
    "moderator_users": "@@@ !!!",
    "monitored_channels": "a;b",
    "default_country": "Narnia",
    "default_timezone": "Moon/Base",
    "public_notice": "sometimes",
    "excerpt_length": "lots",
    "keep_excerpt": "perhaps",
    "reping_minutes": "0",
    "cooldown_minutes": "a while",
    "concern_pages": "2",
    "flood_per_minute": "0",
}


def test_every_setting_has_a_bad_value_case():
    assert set(BAD_VALUES) == set(PARSERS)


@pytest.mark.parametrize("key, value", sorted(BAD_VALUES.items()))
async def test_bad_values_are_refused_with_a_reason_and_change_nothing(haven, key, value):
    reply = await haven.handle(mod(f"/settings {key} {value}"))
    assert f"Can't set {key}: expected" in texts(reply)
    assert await haven._storage.setting_changes("console", "c1") == []


async def test_unknown_setting(haven):
    assert "unknown setting" in texts(await haven.handle(mod("/settings colour blue")))


async def test_the_escalation_queue_shows_no_text_until_opened(haven, clock):
    await haven.handle(said("i want to end my life", user="ana"))
    clock.advance(minutes=12)
    queue = texts(await haven.handle(mod("/escalations", channel="mods")))
    assert "#1 high, 12 min ago, open" in queue and "end my life" not in queue
    opened = texts(await haven.handle(mod("/escalations open 1", channel="mods")))
    assert "end my life" in opened and "detected" in opened
    acked = texts(await haven.handle(mod("/escalations ack 1", channel="mods")))
    assert "is reaching out" in acked
    assert "acknowledged by mo (mo)" in texts(await haven.handle(mod("/escalations", channel="mods")))
    await haven.handle(mod("/escalations resolve 1", channel="mods"))
    assert "No open crisis alerts" in texts(await haven.handle(mod("/escalations", channel="mods")))
    assert "There is no alert #9" in texts(await haven.handle(mod("/escalations open 9")))
    assert "Use /escalations" in texts(await haven.handle(mod("/escalations close 1")))


async def test_stats_are_anonymous_totals(haven, clock):
    await haven.handle(dm("/checkin start daily 18:30 UTC", user="ana"))
    clock.advance(minutes=31)
    for action in await haven.tick():
        await haven.delivered(action, ok=True)
    await haven.handle(dm("2", user="ana"))
    await haven.handle(said("i want to kill myself", user="bo"))
    stats = texts(await haven.handle(mod("/stats")))
    assert "check-ins on: 1" in stats and "last 7 days: 1" in stats and "high 1" in stats
    assert "ana" not in stats and "bo" not in stats and "2" not in stats.split("last 7 days:")[1].split("\n")[0]
