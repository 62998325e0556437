"""Recognises greetings, thanks, acknowledgements, goodbyes and questions
about the bot itself, so short social messages get a friendly reply instead
of an FAQ match or a fallback.

Patterns are data in content/smalltalk.yaml; the replies are the core's.
"""
from __future__ import annotations

import re
from pathlib import Path


from bot.content_file import read_yaml
from bot.errors import ContentError

_NOT_WORD = re.compile(r"[^a-z0-9 ]+")


def normalise_small_talk(text: str) -> str:
    """The message lower-cased, apostrophes dropped, other punctuation and
    emoji turned into spaces, and spaces collapsed."""
    text = text.lower().replace("’", "").replace("'", "")
    return " ".join(_NOT_WORD.sub(" ", text).split())


class SmallTalk:
    """Groups checked in file order; a group matches when one of its patterns
    matches the whole normalised message."""

    def __init__(self, groups: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]) -> None:
        self._groups = groups

    def kind(self, text: str) -> str | None:
        """The group id ("greeting", "thanks", "ack", "bye", "identity") or None."""
        message = normalise_small_talk(text)
        if not message:
            return None
        for group_id, patterns in self._groups:
            if any(p.fullmatch(message) for p in patterns):
                return group_id
        return None


def load_smalltalk(path: Path) -> SmallTalk:
    """The recogniser from `path`; raises ContentError on a missing id, an
    empty pattern list, a duplicate id or an invalid regular expression."""
    name = str(path)
    data = read_yaml(path, dict)
    if not isinstance(data, dict) or not isinstance(data.get("groups"), list) or not data["groups"]:
        raise ContentError(name, "(file)", "needs a non-empty 'groups' list")
    groups = []
    for position, raw in enumerate(data["groups"], start=1):
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not raw["id"]:
            raise ContentError(name, f"group #{position}", "missing field 'id'")
        label = raw["id"]
        if any(g[0] == label for g in groups):
            raise ContentError(name, label, "duplicate id")
        patterns = raw.get("patterns")
        if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) and p for p in patterns):
            raise ContentError(name, label, "missing field 'patterns' (a list of regular expressions)")
        compiled = []
        for number, pattern in enumerate(patterns, start=1):
            try:
                compiled.append(re.compile(pattern))
            except re.error as exc:
                raise ContentError(name, f"{label} pattern #{number}", f"invalid regular expression: {exc}") from exc
        groups.append((label, tuple(compiled)))
    return SmallTalk(tuple(groups))
