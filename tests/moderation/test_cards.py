import pytest
import yaml

from bot.config import CONTENT_DIR
from bot.errors import ContentError
from bot.moderation.cards import load_cards


def test_the_shipped_cards_cover_the_required_topics():
    cards = load_cards(CONTENT_DIR / "resources.yaml")
    assert {"crisis", "ketamine", "faq", "checkins", "about"} <= set(cards)
    assert cards["crisis"].include == "crisis_lines"


@pytest.mark.parametrize(
    "cards, entry, problem",
    [
        ({"crisis": {"title": "x"}}, "cards.crisis", "missing 'body'"),
        ({"Bad Topic": {"title": "x", "body": "y"}}, "cards.Bad Topic", "lower-case"),
        ({"x": {"title": "x", "body": "y", "include": "weather"}}, "cards.x", "'include' must be"),
        ({"x": {"title": "x", "body": "y" * 2000}}, "cards.x", "over 1500"),
        ({}, "cards", "must map"),
    ],
)
def test_bad_cards_are_named(tmp_path, cards, entry, problem):
    path = tmp_path / "resources.yaml"
    path.write_text(yaml.safe_dump({"cards": cards}))
    with pytest.raises(ContentError) as caught:
        load_cards(path)
    assert caught.value.entry == entry and problem in caught.value.problem
