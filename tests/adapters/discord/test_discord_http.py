"""The Discord adapter end to end, without Discord: gateway payloads go through discord.py's
own parsing (ConnectionState parsers, the CommandTree, the view store), the real core
answers over a real SQLite file, and discord.py's REST calls go to a local server that
records them. The assertions are on the routes and JSON bodies the bot sent."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.commands import find_command

NO_PINGS = {"parse": []}
EPHEMERAL = 64


def custom_ids(body: dict) -> list[str]:
    return [c["custom_id"] for row in body.get("components", []) for c in row["components"]]


def only(requests):
    assert len(requests) == 1, requests
    return requests[0]


async def test_login_registers_every_core_command_with_moderator_ones_hidden(core, connect, fake_discord, gw):
    haven, _ = core
    await connect(haven)
    sync = only(fake_discord.sent("PUT", f"/applications/{gw.APP_ID}/commands"))
    commands = {c["name"]: c for c in sync.json}
    assert set(commands) == {"help", "about", "ask", "faq", "crisis", "help-now", "region", "checkin", "mood",
                             "mydata", "forget-me", "resources", "settings", "escalations", "stats"}
    for name in ("resources", "settings", "escalations", "stats"):
        assert commands[name]["default_member_permissions"] == str(1 << 13) or \
            commands[name]["default_member_permissions"] == 1 << 13
        assert commands[name]["dm_permission"] is False
    assert commands["ask"]["default_member_permissions"] is None
    start = next(o for o in commands["checkin"]["options"] if o["name"] == "start")
    options = {o["name"]: o for o in start["options"]}
    assert [c["value"] for c in options["frequency"]["choices"]] == ["daily", "weekdays", "weekly"]
    assert options["timezone"]["autocomplete"] is True
    post = next(o for o in commands["resources"]["options"] if o["name"] == "post")
    assert {c["value"] for c in post["options"][0]["choices"]} >= {"crisis", "faq", "checkins"}


async def test_only_the_process_running_shard_zero_registers_commands(core, connect, fake_discord, gw):
    haven, _ = core
    client = await connect(haven, shard_ids=(2, 3), shard_count=4)
    assert client.shard_ids == [2, 3] and client.shard_count == 4
    assert not fake_discord.sent("PUT", f"/applications/{gw.APP_ID}/commands")
    await connect(haven, shard_ids=(0, 1), shard_count=4)
    assert fake_discord.sent("PUT", f"/applications/{gw.APP_ID}/commands")


async def test_a_development_server_gets_the_commands_instantly_instead(core, connect, fake_discord, gw):
    haven, _ = core
    await connect(haven, dev_guild_id=int(gw.GUILD_ID))
    assert fake_discord.sent("PUT", f"/applications/{gw.APP_ID}/guilds/{gw.GUILD_ID}/commands")
    assert not fake_discord.sent("PUT", f"/applications/{gw.APP_ID}/commands")


async def test_a_crisis_message_in_a_channel_goes_to_a_dm_and_the_moderators_never_in_public(
        core, connect, fake_discord, gw):
    haven, storage = core
    client = await connect(haven)
    fake_discord.requests.clear()
    payload = gw.message_create("I took the whole bottle of pills, this is **goodbye** @everyone")
    client._connection.parse_message_create(payload)
    await gw.settle()

    dm = only(fake_discord.dm_messages(gw.ANA)).json
    assert "I'm Haven, a bot" in dm["content"] and "988" in dm["content"]
    assert dm["allowed_mentions"] == NO_PINGS

    alert = only(fake_discord.channel_messages(gw.MODS)).json
    jump = f"https://discord.com/channels/{gw.GUILD_ID}/{gw.GENERAL}/{payload['id']}"
    embed = alert["embeds"][0]
    assert embed["url"] == jump and "IMMINENT" in embed["title"]
    # The member's markdown is shown as typed; their @everyone pings nobody.
    assert r"\*\*goodbye\*\*" in embed["description"] and "@everyone" in embed["description"]
    # Imminent: the moderator role, and only that role, is pinged.
    assert alert["content"] == f"<@&{gw.MOD_ROLE}>"
    assert alert["allowed_mentions"] == {"parse": [], "roles": [int(gw.MOD_ROLE)]}
    assert custom_ids(alert) == ["haven:esc:ack:1", "haven:esc:resolve:1"]

    assert fake_discord.channel_messages(gw.GENERAL) == []
    assert fake_discord.sent(prefix="/interactions") == [] and fake_discord.sent(prefix="/webhooks") == []
    assert (await storage.get_escalation(1)).link == jump


async def test_a_question_in_a_channel_is_answered_only_when_the_bot_is_mentioned(core, connect, fake_discord, gw):
    haven, _ = core
    client = await connect(haven)
    fake_discord.requests.clear()
    client._connection.parse_message_create(gw.message_create("how fast does ketamine work?"))
    await gw.settle()
    assert fake_discord.requests == []

    mentioned = gw.message_create(f"<@{gw.APP_ID}> how fast does ketamine work?",
                                  mentions=[gw.BOT_USER])
    client._connection.parse_message_create(mentioned)
    await gw.settle()
    answer = only(fake_discord.channel_messages(gw.GENERAL)).json
    assert "24 hours" in answer["content"]
    assert str(answer["message_reference"]["message_id"]) == mentioned["id"]
    assert answer["allowed_mentions"] == NO_PINGS


async def test_a_dm_is_answered_without_a_mention(core, connect, fake_discord, gw):
    haven, _ = core
    client = await connect(haven)
    fake_discord.requests.clear()
    dm_channel = fake_discord.dm_channel(gw.ANA)
    client._connection.parse_message_create(gw.message_create("how fast does ketamine work?", guild=False,
                                                              channel=dm_channel))
    await gw.settle()
    answer = only(fake_discord.channel_messages(dm_channel)).json
    assert "24 hours" in answer["content"]


async def test_ask_answers_in_the_channel_and_clears_the_private_thinking_message(core, connect, fake_discord, gw):
    haven, _ = core
    client = await connect(haven)
    fake_discord.requests.clear()
    payload = gw.slash_command("ask", [{"name": "question", "type": 3, "value": "how fast does ketamine work?"}])
    client._connection.parse_interaction_create(payload)
    await gw.settle()

    defer = only(fake_discord.sent("POST", f"/interactions/{payload['id']}/{payload['token']}/callback"))
    assert defer.json == {"type": 5, "data": {"flags": EPHEMERAL}}
    answer = only(fake_discord.channel_messages(gw.GENERAL)).json
    assert "24 hours" in answer["content"] and answer["allowed_mentions"] == NO_PINGS
    assert only(fake_discord.sent("DELETE", f"/webhooks/{gw.APP_ID}/{payload['token']}/messages/@original"))
    assert fake_discord.dm_messages(gw.ANA) == []


async def test_a_crisis_through_a_slash_command_with_dms_closed_is_answered_ephemerally(
        core, connect, fake_discord, gw):
    haven, _ = core
    client = await connect(haven)
    fake_discord.closed_dms.add(gw.ANA)
    fake_discord.requests.clear()
    payload = gw.slash_command("ask", [{"name": "question", "type": 3, "value": "I'm going to end my life tonight"}])
    client._connection.parse_interaction_create(payload)
    await gw.settle()

    refused = only(fake_discord.dm_messages(gw.ANA))
    assert "988" in refused.json["content"]          # the DM was tried first...
    reply = only(fake_discord.sent("PATCH", f"/webhooks/{gw.APP_ID}/{payload['token']}/messages/@original"))
    assert reply.json["content"] == refused.json["content"]   # ...then the ephemeral deferred reply carries it
    assert only(fake_discord.sent("POST", "/interactions")).json["data"]["flags"] == EPHEMERAL
    assert len(fake_discord.channel_messages(gw.MODS)) == 1
    assert fake_discord.channel_messages(gw.GENERAL) == []
    assert fake_discord.sent("DELETE") == []


async def test_a_checkin_button_press_is_stored(core, connect, fake_discord, clock, gw):
    haven, storage = core
    client = await connect(haven)
    start = gw.slash_command("checkin", [{"name": "start", "type": 1, "options": [
        {"name": "frequency", "type": 3, "value": "daily"},
        {"name": "time", "type": 3, "value": "19:00"},
        {"name": "timezone", "type": 3, "value": "Europe/London"},
    ]}])
    client._connection.parse_interaction_create(start)
    await gw.settle()
    assert "signed up for check-ins daily" in only(fake_discord.dm_messages(gw.ANA)).json["content"]
    schedule = await storage.get_schedule("discord", gw.ANA)
    assert schedule.schedule == "daily:19:00:Europe/London" and schedule.community_id == gw.GUILD_ID

    clock.advance(hours=1, minutes=1)
    fake_discord.requests.clear()
    for action in await haven.tick():
        await haven.delivered(action, await client.send_scheduled(action))
    prompt = only(fake_discord.dm_messages(gw.ANA))
    assert custom_ids(prompt.json)[:5] == [f"haven:ci:mood:2026-11-26:{n}" for n in range(1, 6)]
    # A retried send of the same slot carries the same nonce, which Discord then shows once.
    assert prompt.json["enforce_nonce"] is True and len(prompt.json["nonce"]) == 25

    sent = fake_discord.message(prompt.path.split("/")[2], prompt.json)
    click = gw.button_click("haven:ci:mood:2026-11-26:4", sent, guild=False)
    client._connection.parse_interaction_create(click)
    await gw.settle()

    answers = await storage.answers("discord", gw.ANA)
    assert [(a.day, a.kind, a.value) for a in answers] == [("2026-11-26", "mood", 4)]
    assert only(fake_discord.sent("POST", f"/interactions/{click['id']}")).json == {"type": 6}
    thanks = only(fake_discord.sent("POST", f"/webhooks/{gw.APP_ID}/{click['token']}"))
    assert "4 out of 5" in thanks.json["content"] and not thanks.json.get("flags")


async def test_a_moderator_command_from_a_member_is_refused_by_the_core(core, connect, fake_discord, gw):
    haven, storage = core
    client = await connect(haven)
    fake_discord.requests.clear()
    options = [{"name": "key", "type": 3, "value": "public_notice"}, {"name": "value", "type": 3, "value": "on"}]
    client._connection.parse_interaction_create(gw.slash_command("settings", options))
    await gw.settle()
    refusal = only(fake_discord.dm_messages(gw.ANA)).json
    assert "Only this community's moderators can use /settings" in refusal["content"]
    assert "public_notice" not in await storage.get_settings("discord", gw.GUILD_ID)

    # The same command from someone with Manage Messages goes through.
    client._connection.parse_interaction_create(gw.slash_command(
        "settings", options, author=gw.MO, name_="mo", permissions=gw.MODERATOR_PERMISSIONS))
    await gw.settle()
    assert (await storage.get_settings("discord", gw.GUILD_ID))["public_notice"] == "on"


async def test_an_alert_button_pressed_by_a_member_gets_an_ephemeral_refusal(core, connect, fake_discord, gw):
    haven, storage = core
    client = await connect(haven)
    client._connection.parse_message_create(gw.message_create("I'm going to end my life tonight"))
    await gw.settle()
    alert = only(fake_discord.channel_messages(gw.MODS))
    fake_discord.requests.clear()
    click = gw.button_click("haven:esc:ack:1", fake_discord.message(gw.MODS, alert.json))
    client._connection.parse_interaction_create(click)
    await gw.settle()
    refusal = only(fake_discord.sent("POST", f"/webhooks/{gw.APP_ID}/{click['token']}")).json
    assert refusal["flags"] == EPHEMERAL and "Only this community's moderators" in refusal["content"]
    assert (await storage.get_escalation(1)).state == "open"


async def test_a_button_keeps_working_after_a_restart(core, connect, fake_discord, gw):
    haven, storage = core
    first = await connect(haven)
    first._connection.parse_message_create(gw.message_create("I'm going to end my life tonight"))
    await gw.settle()
    alert = only(fake_discord.channel_messages(gw.MODS))
    await first.close()

    second = await connect(haven)        # a new process: nothing in memory about that message
    fake_discord.requests.clear()
    click = gw.button_click(custom_ids(alert.json)[0], fake_discord.message(gw.MODS, alert.json),
                            author=gw.MO, name_="mo", roles=[gw.MOD_ROLE], permissions=gw.MODERATOR_PERMISSIONS)
    second._connection.parse_interaction_create(click)
    await gw.settle()

    assert (await storage.get_escalation(1)).state == "acknowledged"
    notice = only(fake_discord.channel_messages(gw.MODS)).json
    assert "is reaching out" in notice["embeds"][0]["description"]
    assert notice["allowed_mentions"] == NO_PINGS


async def test_an_unacknowledged_alert_re_pings_the_moderator_role(core, connect, fake_discord, clock, gw):
    haven, _ = core
    client = await connect(haven)
    client._connection.parse_message_create(gw.message_create("I'm going to end my life tonight"))
    await gw.settle()
    fake_discord.requests.clear()
    clock.advance(minutes=6)
    actions = await haven.tick()
    assert [await client.send_scheduled(a) for a in actions] == [True]
    reping = only(fake_discord.channel_messages(gw.MODS)).json
    assert reping["content"] == f"<@&{gw.MOD_ROLE}>"
    assert reping["allowed_mentions"]["roles"] == [int(gw.MOD_ROLE)]
    assert "everyone" not in reping["allowed_mentions"]["parse"]


async def test_a_scheduled_dm_to_a_member_with_closed_dms_reports_failure(core, connect, fake_discord, gw):
    from bot.actions import Action, Audience

    haven, _ = core
    client = await connect(haven)
    fake_discord.closed_dms.add(gw.ANA)
    ok = await client.send_scheduled(Action(Audience.MEMBER, "How are you doing today?", platform="discord",
                                            user_id=gw.ANA, community_id=gw.GUILD_ID))
    assert ok is False
    assert len(fake_discord.dm_messages(gw.ANA)) == 1


async def test_the_mood_chart_is_attached_as_a_file(core, connect, fake_discord, clock, gw):
    haven, storage = core
    client = await connect(haven)
    await storage.save_answer("discord", gw.ANA, "2026-11-25", "mood", 3, None, clock.now() - timedelta(days=1))
    await storage.save_answer("discord", gw.ANA, "2026-11-26", "mood", 4, None, clock.now())
    fake_discord.requests.clear()
    client._connection.parse_interaction_create(gw.slash_command("mood"))
    await gw.settle()
    chart = only(fake_discord.dm_messages(gw.ANA))
    assert chart.files and chart.files[0].endswith(".png")
    assert chart.json["attachments"][0]["filename"] == chart.files[0]


async def test_a_crisis_dm_that_cannot_be_delivered_is_reported_to_the_moderators(core, connect, fake_discord, gw):
    haven, storage = core
    client = await connect(haven)
    fake_discord.closed_dms.add(gw.ANA)
    fake_discord.requests.clear()
    client._connection.parse_message_create(gw.message_create("i want to kill myself"))
    await gw.settle()
    alert, update = fake_discord.channel_messages(gw.MODS)
    assert "Crisis alert #1" in alert.json["embeds"][0]["title"]
    assert "could not be delivered" in update.json["embeds"][0]["description"]
    assert fake_discord.channel_messages(gw.GENERAL) == []
    history = [e.what for e in await storage.escalation_history(1)]
    assert "member message refused" in history and "moderator alert delivered" in history
