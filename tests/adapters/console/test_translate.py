from adapters.console.translate import BadLine, decode, parse_line
from bot.events import ButtonPress, Message


def test_plain_text_is_a_dm_from_the_test_member():
    event = parse_line("how fast does it work", 1)
    assert isinstance(event, Message)
    assert event.place.is_dm and event.member.user_id == "member" and not event.member.is_platform_moderator


def test_an_object_sets_user_channel_and_moderator():
    event = parse_line('{"text": "hi", "user": "bo", "channel": "general", "moderator": true}', 1)
    assert event.member.user_id == "bo" and event.place.channel_id == "general"
    assert not event.place.is_dm and event.member.is_platform_moderator and not event.mentions_bot


def test_a_mention_is_stripped_and_flagged():
    event = parse_line('{"text": "@haven, what is ketamine", "channel": "general"}', 1)
    assert event.mentions_bot and event.text == "what is ketamine"
    assert not parse_line('{"text": "@haven hi", "channel": "dm"}', 1).mentions_bot


def test_a_button_press():
    event = parse_line('{"button": "esc:ack:3", "moderator": true, "channel": "mods"}', 1)
    assert isinstance(event, ButtonPress) and event.value == "esc:ack:3"


def test_bad_lines_say_why():
    assert "not valid JSON" in parse_line('{"text": ', 1).reason
    assert "must be an object" in parse_line("[1, 2]", 1).reason
    assert "must be an object" in parse_line('"just a string"', 1).reason
    assert "'text' string" in parse_line('{"txt": "hi"}', 1).reason
    assert "'moderator' must be" in parse_line('{"text": "hi", "moderator": "yes"}', 1).reason
    assert "'user' must be" in parse_line('{"text": "hi", "user": 7}', 1).reason


def test_text_that_merely_looks_like_json_is_text():
    event = parse_line("[spoiler] my week was rough", 1)
    assert isinstance(event, Message) and event.text == "[spoiler] my week was rough"


def test_invalid_utf8_is_reported():
    bad = decode(b"caf\xe9 latte\n")
    assert isinstance(bad, BadLine) and "UTF-8" in bad.reason
    assert decode("café\n".encode()) == "café"
