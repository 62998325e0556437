import pytest
import yaml

from bot.config import CONTENT_DIR
from bot.errors import ContentError
from bot.messages import TEMPLATES, load_messages


def test_the_shipped_templates_load_and_fill_in():
    messages = load_messages(CONTENT_DIR / "messages.yaml")
    assert "bot" in messages("help").lower()
    assert "not a clinician" in messages("about", source_url="https://example.org")
    assert messages("unknown_command", command="/xyz").count("/xyz") == 1


def _write(tmp_path, data):
    path = tmp_path / "messages.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _shipped():
    return yaml.safe_load((CONTENT_DIR / "messages.yaml").read_text())


def test_a_missing_template_is_named(tmp_path):
    data = _shipped()
    del data["crisis"]["intro"]
    with pytest.raises(ContentError) as caught:
        load_messages(_write(tmp_path, data))
    assert caught.value.entry == "crisis.intro" and "missing" in caught.value.problem
    assert "messages.yaml" in str(caught.value)


def test_an_unknown_placeholder_is_named(tmp_path):
    data = _shipped()
    data["region_set"] = "Set to {contry}."
    with pytest.raises(ContentError, match=r"region_set: unknown placeholder \{contry\}"):
        load_messages(_write(tmp_path, data))


def test_broken_yaml_gives_the_line(tmp_path):
    path = tmp_path / "messages.yaml"
    path.write_text("help: [unclosed\n")
    with pytest.raises(ContentError, match="not valid YAML"):
        load_messages(path)


def test_every_template_key_the_code_names_is_checked_on_load():
    import re
    from pathlib import Path

    source = "\n".join(p.read_text() for p in Path(CONTENT_DIR.parent, "bot").rglob("*.py"))
    used = set(re.findall(r"""(?:messages|\bm)\(\s*["']([a-z_.]+)["']""", source))
    assert used, "the scan found no template uses"
    assert used <= set(TEMPLATES), used - set(TEMPLATES)
