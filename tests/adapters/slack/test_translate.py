"""Pure translation: Slack payloads (shaped like the documented examples) to neutral events,
and actions to Block Kit within Slack's limits, with nothing able to ping by accident."""
import json

from adapters.slack.settings import SlackSettings, parse_slack_settings
from adapters.slack.translate import (
    BLOCK_LIMIT, BUTTON_LABEL_LIMIT, NOTIFICATION_LIMIT, SECTION_LIMIT, command_text, escape,
    is_member_message, member_from_user, message_from_command, message_from_event, moderator_ping, mrkdwn,
    permalink, plain_text, press_from_action, render, split_text,
)
from bot.actions import Action, Audience, Button
from bot.errors import ConfigError

import pytest

ANA = member_from_user("U0ANA", {"id": "U0ANA", "name": "ana", "profile": {"display_name": "Ana", "real_name": "A"}})


# -- incoming --------------------------------------------------------------------------------

def test_a_channel_message_with_our_mention_becomes_an_addressed_message():
    event = {"type": "message", "channel": "C0GEN", "channel_type": "channel", "user": "U0ANA",
             "ts": "1764200000.000100", "text": "<@UBOT>, how fast does it work &amp; is it safe?"}
    message = message_from_event(event, team_id="T1", member=ANA, bot_user_id="UBOT", link="L")
    assert message.text == "how fast does it work & is it safe?"
    assert message.mentions_bot and not message.place.is_dm and message.via_command is False
    assert (message.place.community_id, message.place.channel_id, message.message_id, message.link) == \
        ("T1", "C0GEN", "1764200000.000100", "L")


def test_an_app_mention_and_a_dm():
    mention = {"type": "app_mention", "channel": "C0GEN", "user": "U0ANA", "ts": "1.2", "text": "<@UBOT> hi"}
    assert message_from_event(mention, team_id="T1", member=ANA, bot_user_id="UBOT").mentions_bot
    dm = {"type": "message", "channel": "D0ANA", "channel_type": "im", "user": "U0ANA", "ts": "1.3", "text": "hi"}
    message = message_from_event(dm, team_id="T1", member=ANA, bot_user_id="UBOT")
    assert message.place.is_dm and not message.mentions_bot


def test_slack_markup_is_read_as_the_member_meant_it():
    text = "<!here> <@U0EVE|eve> in <#C0GEN|general> see <https://example.org/a?b=1&amp;c=2|this> &lt;3"
    assert plain_text(text, "UBOT") == "@here @eve in #general see this <3"
    assert plain_text("<!subteam^S0MODS|@mods> help", "UBOT") == "@mods help"
    assert plain_text("<@UBOT>   what is ketamine", "UBOT") == "what is ketamine"


@pytest.mark.parametrize("event, expected", [
    ({"type": "message", "user": "U1", "channel": "C1", "ts": "1.1", "text": "x"}, True),
    ({"type": "message", "subtype": "file_share", "user": "U1", "channel": "C1", "ts": "1.1"}, True),
    ({"type": "message", "subtype": "thread_broadcast", "user": "U1", "channel": "C1", "ts": "1.1"}, True),
    ({"type": "message", "subtype": "message_changed", "channel": "C1", "ts": "1.1"}, False),
    ({"type": "message", "subtype": "channel_join", "user": "U1", "channel": "C1", "ts": "1.1"}, False),
    ({"type": "message", "subtype": "bot_message", "bot_id": "B1", "channel": "C1", "ts": "1.1"}, False),
    ({"type": "message", "user": "U1", "bot_id": "B1", "channel": "C1", "ts": "1.1"}, False),
])
def test_which_events_are_member_messages(event, expected):
    assert is_member_message(event) is expected


def test_workspace_admins_and_owners_are_platform_moderators():
    assert member_from_user("U1", {"is_admin": True}).is_platform_moderator
    assert member_from_user("U1", {"is_owner": True}).is_platform_moderator
    assert not ANA.is_platform_moderator and ANA.display_name == "Ana" and ANA.platform == "slack"
    assert member_from_user("U1", None).user_id == "U1"


def test_a_permalink_is_built_like_slacks():
    assert permalink("https://w.slack.com/", "C1", "1764200000.000100") == \
        "https://w.slack.com/archives/C1/p1764200000000100"
    assert permalink("https://w.slack.com/", "C1", "2.5", thread_ts="1.5") == \
        "https://w.slack.com/archives/C1/p25?thread_ts=1.5&cid=C1"
    assert permalink("", "C1", "1.1") == ""


def test_slash_command_text_becomes_the_core_command():
    assert command_text("checkin start daily 19:00 Europe/London") == "/checkin start daily 19:00 Europe/London"
    assert command_text("") == "/help" and command_text("  /mood ") == "/mood"
    assert command_text("settings moderator_channel <#C0MODS|mods>") == "/settings moderator_channel <#C0MODS>"
    assert command_text("settings moderator_users <@U0MO|mo>, <@U0JO>") == "/settings moderator_users <@U0MO>, <@U0JO>"
    assert command_text("settings moderator_roles <!subteam^S0MODS|@mods>") == "/settings moderator_roles S0MODS"
    payload = {"team_id": "T1", "channel_id": "C0GEN", "user_id": "U0ANA", "command": "/haven", "text": "region GB"}
    message = message_from_command(payload, ANA)
    assert message.text == "/region GB" and message.via_command and message.place.community_id == "T1"


def test_a_button_press_carries_the_value_the_core_sent():
    body = {"type": "block_actions", "user": {"id": "U0ANA", "team_id": "T1"}, "team": {"id": "T1"},
            "channel": {"id": "D0ANA"}, "container": {"channel_id": "D0ANA"},
            "actions": [{"type": "button", "action_id": "ci:mood:2026-11-26:4", "value": "ci:mood:2026-11-26:4"}]}
    press = press_from_action(body, ANA)
    assert press.value == "ci:mood:2026-11-26:4" and press.place.is_dm and press.place.community_id == "T1"
    assert press_from_action({**body, "actions": []}, ANA) is None


# -- outgoing --------------------------------------------------------------------------------

def test_escaping_leaves_nothing_that_can_ping():
    for ping in ("<!channel>", "<!here>", "<!everyone>", "<!subteam^S123|@mods>", "<@U123>"):
        assert "<" not in escape(ping) and ">" not in escape(ping)
    assert escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"
    assert escape("&lt;!here&gt;") == "&amp;lt;!here&amp;gt;"  # an escape cannot be un-escaped into one


def test_urls_become_explicit_links_without_trailing_punctuation():
    assert mrkdwn("Source: Yale (https://yale.org/a?b=1&c=2).") == "Source: Yale (<https://yale.org/a?b=1&amp;c=2>)."
    assert mrkdwn("see https://x.org/<!here>") == "see <https://x.org/>&lt;!here&gt;"


def test_every_section_fits_and_no_text_is_lost():
    text = "\n".join(f"line {n} " + "word & " * 60 for n in range(40)) + "\n" + "x" * 7000
    pieces = split_text(text)
    assert all(len(mrkdwn(p)) <= SECTION_LIMIT for p in pieces)
    assert "".join("".join(p.split()) for p in pieces) == "".join(text.split())


def test_render_a_long_action_stays_within_slacks_limits():
    action = Action(Audience.MEMBER, "\n".join("a paragraph & more " * 100 for _ in range(120)),
                    buttons=tuple(Button(f"Option {n}", f"v:{n}") for n in range(30)))
    messages = render(action)
    assert len(messages) > 1
    blocks = [b for m in messages for b in m.blocks]
    assert all(len(m.blocks) <= BLOCK_LIMIT for m in messages)
    assert all(len(b["text"]["text"]) <= SECTION_LIMIT for b in blocks if b["type"] == "section")
    assert all(len(m.text) <= NOTIFICATION_LIMIT + 1 for m in messages)
    actions = [b for b in blocks if b["type"] == "actions"]
    assert [len(b["elements"]) for b in actions] == [25, 5]
    assert blocks[-1]["type"] == "actions"


def test_buttons_labels_and_action_ids():
    action = Action(Audience.MEMBER, "Did you mean…", buttons=(
        Button("x" * 100, "faq:a"), Button("1", "ci:mood:2026-11-26:1"), Button("1 again", "ci:mood:2026-11-26:1")))
    [message] = render(action)
    [actions] = [b for b in message.blocks if b["type"] == "actions"]
    labels = [e["text"]["text"] for e in actions["elements"]]
    ids = [e["action_id"] for e in actions["elements"]]
    assert len(labels[0]) == BUTTON_LABEL_LIMIT and labels[0].endswith("…")
    assert [e["value"] for e in actions["elements"]][1:] == ["ci:mood:2026-11-26:1"] * 2
    assert len(set(ids)) == 3


def test_an_faq_answer_has_its_source_in_a_context_block():
    text = "Ketamine can work within hours.\n\nSource: Yale Medicine (https://www.yalemedicine.org/x)\nI'm a bot."
    [message] = render(Action(Audience.CHANNEL, text), source_footer=True)
    assert [b["type"] for b in message.blocks] == ["section", "context"]
    assert message.blocks[1]["elements"][0]["text"].startswith("Source: Yale Medicine (<https://")
    [plain] = render(Action(Audience.CHANNEL, text))
    assert [b["type"] for b in plain.blocks] == ["section"]


def test_member_text_in_an_alert_cannot_ping_but_the_deliberate_ping_does():
    alert = Action(Audience.MODERATORS, "From Ana: <!channel> <!subteam^S1> <@U0EVE> @here help")
    [message] = render(alert, ping=moderator_ping(["U0MOD"], ["S0MODS"]))
    serialized = json.dumps([message.text, message.blocks])
    assert message.blocks[0]["text"]["text"] == "<@U0MOD> <!subteam^S0MODS>"
    assert message.text.startswith("<@U0MOD> <!subteam^S0MODS> ")
    for markup in ("<!channel>", "<!subteam^S1>", "<@U0EVE>"):
        assert markup not in serialized
    assert all(b["text"]["verbatim"] for b in message.blocks if b["type"] == "section")


def test_the_moderator_ping_accepts_only_slack_ids():
    assert moderator_ping(["U0MOD", "<!channel>", "bob"], ["S0MODS", "S1|x"]) == "<@U0MOD> <!subteam^S0MODS>"
    assert moderator_ping([], []) == "<!here>"


# -- settings --------------------------------------------------------------------------------

def test_socket_mode_is_the_default():
    settings = parse_slack_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    assert settings.mode == "socket" and settings.port == 3000
    assert "xoxb" not in repr(settings) and "xapp" not in repr(settings)


def test_http_mode_needs_the_signing_secret_and_a_port():
    env = {"SLACK_BOT_TOKEN": "xoxb-1", "HAVEN_SLACK_MODE": "HTTP", "HAVEN_SLACK_PORT": "8080"}
    with pytest.raises(ConfigError) as missing:
        parse_slack_settings(env)
    assert missing.value.variable == "SLACK_SIGNING_SECRET"
    settings = parse_slack_settings({**env, "SLACK_SIGNING_SECRET": "s3cret"})
    assert isinstance(settings, SlackSettings) and settings.mode == "http" and settings.port == 8080


@pytest.mark.parametrize("env, variable", [
    ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN"),
    ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_APP_TOKEN"),
    ({"SLACK_BOT_TOKEN": "xapp-secret-in-the-wrong-place", "SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "HAVEN_SLACK_MODE": "webhook"}, "HAVEN_SLACK_MODE"),
    ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1", "HAVEN_SLACK_PORT": "99999"}, "HAVEN_SLACK_PORT"),
])
def test_bad_settings_name_the_variable_and_never_echo_a_token(env, variable):
    with pytest.raises(ConfigError) as error:
        parse_slack_settings(env)
    assert error.value.variable == variable
    assert "secret-in-the-wrong-place" not in str(error.value)
