"""The pure translation, fed with gateway payloads parsed by discord.py itself."""
from __future__ import annotations

import discord
import pytest

from adapters.discord.client import haven_intents
from adapters.discord.settings import parse_discord_settings
from adapters.discord.slash import country_matches, zone_matches
from adapters.discord.translate import (
    MESSAGE_LIMIT,
    button_value,
    command_event,
    command_text,
    custom_id,
    home_guild,
    message_event,
    outgoing,
    split_text,
    strip_bot_mention,
)
from bot.actions import Action, Audience, Button, Urgency
from bot.errors import ConfigError


@pytest.fixture
def state(gw):
    """discord.py's ConnectionState after the bot user is known and GUILD_CREATE was parsed."""
    client = discord.Client(intents=haven_intents())
    state = client._connection
    state.user = discord.ClientUser(state=state, data=gw.BOT_USER)
    state.parse_guild_create(gw.guild_create())
    return state


def parsed(state, payload) -> discord.Message:
    channel, _ = state._get_guild_channel(payload)       # what parse_message_create does
    return discord.Message(state=state, channel=channel, data=payload)


def test_a_channel_message_becomes_a_neutral_message(state, gw):
    payload = gw.message_create(f"<@{gw.APP_ID}> how fast does it work?", mentions=[gw.BOT_USER])
    event = message_event(parsed(state, payload), int(gw.APP_ID), None)
    assert event.text == "how fast does it work?" and event.mentions_bot
    assert event.member.platform == "discord" and event.member.user_id == gw.ANA
    assert not event.member.is_platform_moderator and event.member.role_ids == ()
    assert event.place.community_id == gw.GUILD_ID and event.place.channel_id == gw.GENERAL
    assert not event.place.is_dm and event.place.parent_channel_id is None
    assert event.link == f"https://discord.com/channels/{gw.GUILD_ID}/{gw.GENERAL}/{payload['id']}"
    assert event.message_id == payload["id"] and not event.via_command


def test_a_moderator_role_with_manage_messages_makes_a_platform_moderator(state, gw):
    event = message_event(parsed(state, gw.message_create("hi", author=gw.MO, roles=[gw.MOD_ROLE])),
                          int(gw.APP_ID), None)
    assert event.member.is_platform_moderator and event.member.role_ids == (gw.MOD_ROLE,)


def test_a_thread_message_carries_its_parent_channel(state, gw):
    event = message_event(parsed(state, gw.message_create("hi", channel=gw.THREAD)), int(gw.APP_ID), None)
    assert event.place.channel_id == gw.THREAD and event.place.parent_channel_id == gw.GENERAL
    assert event.place.settings_channel == gw.GENERAL


def test_a_dm_belongs_to_the_home_server(state, gw):
    event = message_event(parsed(state, gw.message_create("hello", guild=False, channel="1900000000000000001")),
                          int(gw.APP_ID), int(gw.GUILD_ID))
    assert event.place.is_dm and event.place.community_id == gw.GUILD_ID and not event.mentions_bot
    assert not event.member.is_platform_moderator


def test_the_bots_own_and_other_bots_messages_are_ignored(state, gw):
    own = gw.message_create("hello", author=gw.APP_ID, name="haven")
    own["author"]["bot"] = True
    assert message_event(parsed(state, own), int(gw.APP_ID), None) is None
    joined = gw.message_create("")
    joined["type"] = 7   # GUILD_MEMBER_JOIN
    assert message_event(parsed(state, joined), int(gw.APP_ID), None) is None


def test_a_slash_command_uses_the_permissions_discord_resolved(state, gw):
    payload = gw.slash_command("stats", author=gw.MO, name_="mo", permissions=gw.MODERATOR_PERMISSIONS)
    event = command_event(discord.Interaction(data=payload, state=state), "/stats", None)
    assert event.via_command and event.text == "/stats" and event.member.is_platform_moderator
    member = command_event(discord.Interaction(data=gw.slash_command("stats"), state=state), "/stats", None)
    assert not member.member.is_platform_moderator


def test_command_text_is_the_form_the_core_parses():
    assert command_text("checkin start", "weekly", "wednesday", "19:30", "Europe/London") == \
        "/checkin start weekly wednesday 19:30 Europe/London"
    assert command_text("region", None) == "/region"
    assert command_text("settings", "public_notice", " on ") == "/settings public_notice on"


def test_mentions_are_stripped_in_both_forms():
    assert strip_bot_mention("<@!42>, hi <@42>", 42) == ("hi", True)
    assert strip_bot_mention("hi <@43>", 42) == ("hi <@43>", False)


def test_home_server_precedence():
    assert home_guild(7, [1, 2], [2]) == 7
    assert home_guild(None, [1]) == 1
    assert home_guild(None, [1, 2], [2]) == 2
    assert home_guild(None, [1, 2], []) is None


def test_custom_ids_round_trip_and_refuse_what_discord_would():
    assert custom_id("esc:ack:12") == "haven:esc:ack:12"
    assert button_value("haven:ci:mood:2026-11-26:3") == "ci:mood:2026-11-26:3"
    assert button_value("someone-else:1") is None
    with pytest.raises(ValueError):
        custom_id("x" * 95)


def test_long_text_is_split_on_line_boundaries_without_losing_any():
    lines = [f"line {n} " + "word " * 30 for n in range(100)]
    parts = split_text("\n".join(lines))
    assert len(parts) > 1 and all(len(p) <= MESSAGE_LIMIT for p in parts)
    assert "\n".join(parts).split("\n") == [line for line in lines]
    one_long_line = "word " * 1000
    parts = split_text(one_long_line)
    assert all(len(p) <= MESSAGE_LIMIT for p in parts) and " ".join(parts).split() == one_long_line.split()


def test_member_text_is_escaped_and_buttons_ride_on_the_last_part():
    action = Action(Audience.MEMBER, "a **b**\n" + "x " * 1500, buttons=(Button("1", "ci:mood:d:1"),))
    parts = outgoing(action)
    assert parts[0].content.startswith(r"a \*\*b\*\*") and parts[0].buttons == ()
    assert parts[-1].buttons == action.buttons
    assert all(p.allowed_mentions.to_dict() == {"parse": []} for p in parts)


def test_only_a_loud_alert_pings_and_only_the_moderator_roles():
    text = "🚨 Crisis alert #3: IMMINENT\nWhere: https://discord.com/channels/1/2/3\n@everyone <@&99>"
    loud = outgoing(Action(Audience.MODERATORS, text, urgency=Urgency.LOUD), moderator_roles=("55", "junk"))[0]
    assert loud.content == "<@&55>" and loud.allowed_mentions.to_dict() == {"parse": [], "roles": [55]}
    assert loud.embeds[0].url == "https://discord.com/channels/1/2/3"
    quiet = outgoing(Action(Audience.MODERATORS, text), moderator_roles=("55",))[0]
    assert quiet.content is None and quiet.allowed_mentions.to_dict() == {"parse": []}


def test_settings_are_validated_without_echoing_the_token():
    settings = parse_discord_settings({"DISCORD_TOKEN": "abc.def", "HAVEN_DISCORD_DEV_GUILD": "110000000000000001"})
    assert settings.dev_guild_id == 110000000000000001 and settings.home_guild_id is None
    assert "abc.def" not in repr(settings)
    with pytest.raises(ConfigError) as bad:
        parse_discord_settings({"DISCORD_TOKEN": "abc.def", "HAVEN_DISCORD_HOME_GUILD": "my server"})
    assert bad.value.variable == "HAVEN_DISCORD_HOME_GUILD"
    with pytest.raises(ConfigError) as spaced:
        parse_discord_settings({"DISCORD_TOKEN": "Bot secret-value"})
    assert spaced.value.variable == "DISCORD_TOKEN" and "secret-value" not in str(spaced.value)


def test_autocompletion_suggests_zones_and_countries():
    assert zone_matches("london")[0] == "Europe/London"
    assert all("york" in z.lower() for z in zone_matches("york"))
    assert len(zone_matches("a")) == 25
    countries = {"GB": "United Kingdom", "US": "United States", "DE": "Germany"}
    assert country_matches("ger", countries) == [("DE", "Germany")]
    assert country_matches("us", countries)[0] == ("US", "United States")


def test_shard_settings_parse_ranges_and_lists_and_refuse_nonsense():
    import pytest

    from adapters.discord.settings import parse_discord_settings, parse_shards
    from bot.errors import ConfigError

    assert parse_shards("0-3", "8") == ((0, 1, 2, 3), 8)
    assert parse_shards("5, 0,2-3", "6") == ((0, 2, 3, 5), 6)
    assert parse_shards("", "") == (None, None)
    for shards, count, variable in (("0-3", "", "HAVEN_DISCORD_SHARD_COUNT"), ("", "8", "HAVEN_DISCORD_SHARDS"),
                                    ("4-2", "8", "HAVEN_DISCORD_SHARDS"), ("0-8", "8", "HAVEN_DISCORD_SHARDS"),
                                    ("a-b", "8", "HAVEN_DISCORD_SHARDS")):
        with pytest.raises(ConfigError) as caught:
            parse_shards(shards, count)
        assert caught.value.variable == variable
    settings = parse_discord_settings({"DISCORD_TOKEN": "x.y.z", "HAVEN_DISCORD_SHARDS": "1",
                                       "HAVEN_DISCORD_SHARD_COUNT": "2"})
    assert settings.shard_ids == (1,) and not settings.syncs_commands
