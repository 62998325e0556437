from pathlib import Path

import pytest

from bot.config import CONTENT_DIR, load_config, parse_config
from bot.errors import ConfigError


def test_defaults_need_no_tokens():
    config = parse_config({})
    assert config.db_path == Path("data/haven.db")
    assert config.content_dir == CONTENT_DIR
    assert not config.has_platform


@pytest.mark.parametrize(
    "env, variable",
    [
        ({"HAVEN_LOG_LEVEL": "LOUD"}, "HAVEN_LOG_LEVEL"),
        ({"HAVEN_LOG_FORMAT": "xml"}, "HAVEN_LOG_FORMAT"),
        ({"HAVEN_HEALTH_PORT": "99999"}, "HAVEN_HEALTH_PORT"),
        ({"HAVEN_METRICS": "maybe"}, "HAVEN_METRICS"),
        ({"HAVEN_SLACK_SEND_RATE": "fast"}, "HAVEN_SLACK_SEND_RATE"),
        ({"HAVEN_DISCORD_SEND_RATE": "0"}, "HAVEN_DISCORD_SEND_RATE"),
        ({"HAVEN_CONTENT_DIR": "/nonexistent/haven"}, "HAVEN_CONTENT_DIR"),
    ],
)
def test_bad_values_name_the_variable(env, variable):
    with pytest.raises(ConfigError) as caught:
        parse_config(env)
    assert caught.value.variable == variable
    assert str(caught.value).startswith(variable)


def test_a_token_is_never_in_repr_and_marks_a_platform():
    config = parse_config({"DISCORD_TOKEN": "tok.en.value"})
    assert "tok.en.value" not in repr(config)
    assert config.has_platform
    assert parse_config({"SLACK_APP_TOKEN": "xapp-1"}).has_platform  # the Slack settings then say what is missing


def test_env_file_is_read_and_the_environment_wins(tmp_path, monkeypatch):
    env_file = tmp_path / ".env"
    env_file.write_text("HAVEN_DB_PATH=/from/dotenv.db\nHAVEN_LOG_LEVEL=debug\n")
    monkeypatch.setenv("HAVEN_LOG_LEVEL", "warning")
    monkeypatch.delenv("HAVEN_DB_PATH", raising=False)
    config = load_config(env_file)
    assert config.db_path == Path("/from/dotenv.db")
    assert config.log_level == "WARNING"
