import datetime as dt

import pytest
import yaml

from bot.config import CONTENT_DIR
from bot.crisis.resources import load_resources
from bot.errors import ContentError

PATH = CONTENT_DIR / "crisis_resources.yaml"
SAFETY_NOTES_COUNTRIES = {"US", "CA", "GB", "IE", "AU", "NZ", "IN", "FR", "DE", "NL", "ES", "BR", "ZA", "KR"}


def test_every_country_from_the_safety_notes_has_sourced_dated_lines():
    resources = load_resources(PATH)
    assert SAFETY_NOTES_COUNTRIES <= set(resources.countries)
    for country in resources.countries.values():
        assert country.emergency
        for line in country.lines:
            assert line.source.startswith("https://")
            assert isinstance(line.last_checked, dt.date)
    assert resources.directory.url == "https://findahelpline.com"


def test_current_numbers_not_retired_ones():
    resources = load_resources(PATH)
    us = resources.countries["US"].lines[0].describe()
    assert "988" in us and "273-8255" not in us
    assert "109" in resources.countries["KR"].lines[0].describe()
    samaritans = resources.countries["GB"].lines[0]
    assert samaritans.call == "116 123" and not samaritans.text


def test_lookup_accepts_aliases_and_falls_back():
    resources = load_resources(PATH)
    assert resources.lookup("uk").code == "GB"
    assert resources.lookup("ZZ") is None
    assert resources.for_member("ZZ", "DE").code == "DE"
    assert resources.for_member(None, "ZZ").code == "US"
    assert resources.for_member("au", "US").code == "AU"


def _broken(tmp_path, mutate):
    data = yaml.safe_load(PATH.read_text())
    mutate(data)
    path = tmp_path / "crisis_resources.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


@pytest.mark.parametrize(
    "mutate, entry, problem",
    [
        (lambda d: d["countries"]["GB"]["lines"][0].pop("last_checked"), "countries.GB.lines[0]", "last_checked"),
        (lambda d: d["countries"]["FR"]["lines"][0].update(source="3114.fr"), "countries.FR.lines[0]", "https"),
        (lambda d: d["countries"]["ES"]["lines"][0].pop("call"), "countries.ES.lines[0]", "a way to reach it"),
        (lambda d: d["countries"].update(usa=d["countries"]["US"]), "countries.usa", "two capital letters"),
        (lambda d: d["countries"]["DE"].pop("emergency"), "countries.DE", "emergency"),
        (lambda d: d.pop("directory"), "directory", "fallback directory"),
    ],
)
def test_validation_names_the_entry_and_the_problem(tmp_path, mutate, entry, problem):
    with pytest.raises(ContentError) as caught:
        load_resources(_broken(tmp_path, mutate))
    assert caught.value.entry == entry
    assert problem in caught.value.problem
    assert caught.value.file.endswith("crisis_resources.yaml")
