import pytest

from bot.community import CommunitySettings, parse_setting, settings_from_stored


@pytest.mark.parametrize(
    "key, value, expected",
    [
        ("default_country", "gb", "GB"),
        ("default_timezone", "Europe/London", "Europe/London"),
        ("public_notice", "on", True),
        ("cooldown_minutes", "0", 0),
        ("reping_minutes", "15", 15),
        ("excerpt_length", "0", 0),
        ("monitored_channels", "<#123>, <#456>", ("123", "456")),
        ("monitored_channels", "all", ()),
        ("moderator_channel", "<#789>", "789"),
    ],
)
def test_good_values_parse(key, value, expected):
    assert parse_setting(key, value) == expected


@pytest.mark.parametrize(
    "key, value, reason",
    [
        ("default_country", "Germany", "two-letter"),
        ("default_timezone", "Mars/Olympus", "IANA"),
        ("public_notice", "maybe", "on or off"),
        ("reping_minutes", "0", "from 1"),
        ("cooldown_minutes", "-5", "whole number"),
        ("excerpt_length", "10000", "500"),
        ("moderator_channel", "a b", "one channel"),
        ("colour", "blue", "unknown setting"),
    ],
)
def test_bad_values_say_what_is_expected(key, value, reason):
    with pytest.raises(ValueError, match=reason):
        parse_setting(key, value)


def test_stored_values_override_defaults_and_corrupt_ones_fall_back():
    settings = settings_from_stored({"cooldown_minutes": "45", "reping_minutes": "soon"})
    assert settings.cooldown_minutes == 45
    assert settings.reping_minutes == CommunitySettings().reping_minutes
    assert settings.monitors("anything")
    assert not settings_from_stored({"monitored_channels": "a,b"}).monitors("c")
