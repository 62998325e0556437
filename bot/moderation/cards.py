"""Resource cards from content/resources.yaml: validated on load, rendered at post time."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.content_file import read_yaml
from bot.errors import ContentError

INCLUDES = ("crisis_lines", "faq_topics")


@dataclass(frozen=True)
class Card:
    topic: str
    title: str
    body: str
    include: str | None


def load_cards(path: Path) -> dict[str, Card]:
    """Cards by topic; raises ContentError naming the card and the problem."""
    data = read_yaml(path, dict)
    raw_cards = data.get("cards")
    if not isinstance(raw_cards, dict) or not raw_cards:
        raise ContentError(str(path), "cards", "must map topics to cards")
    cards = {}
    for topic, raw in raw_cards.items():
        where = f"cards.{topic}"
        if not isinstance(topic, str) or not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,31}", topic):
            raise ContentError(str(path), where, "a topic is 1-32 lower-case letters, digits or dashes")
        if not isinstance(raw, dict):
            raise ContentError(str(path), where, "must be a mapping with title and body")
        for field in ("title", "body"):
            if not isinstance(raw.get(field), str) or not raw[field].strip():
                raise ContentError(str(path), where, f"missing '{field}'")
        include = raw.get("include")
        if include is not None and include not in INCLUDES:
            raise ContentError(str(path), where, f"'include' must be one of {', '.join(INCLUDES)}")
        if len(raw["body"]) > 1500:
            raise ContentError(str(path), where, "body is over 1500 characters; keep cards short")
        cards[topic] = Card(topic, raw["title"].strip(), raw["body"].strip(), include)
    return cards
