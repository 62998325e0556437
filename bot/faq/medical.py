"""Recognises medical-advice questions (doses, mixing, stopping, pregnancy,
buying, side effects) so the bot redirects them to a clinician instead of
answering from the FAQ.

The patterns are data in content/medical_questions.yaml; `load_medical_questions`
checks them against the FAQ catalogue so every topic points at a redirect entry.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


from bot.content_file import read_yaml
from bot.errors import ContentError
from bot.faq.catalog import FaqCatalog

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_STRAIGHTEN = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def normalise_message(text: str) -> str:
    """The message lower-cased, with curly quotes straightened and runs of
    whitespace collapsed: the form the patterns are written against."""
    return " ".join(text.translate(_STRAIGHTEN).lower().split())


@dataclass(frozen=True)
class MedicalTopic:
    id: str
    patterns: tuple[re.Pattern[str], ...]


class MedicalQuestions:
    """Topics checked in order; the first with a matching pattern wins."""

    def __init__(self, topics: tuple[MedicalTopic, ...]) -> None:
        self._topics = topics

    @property
    def topic_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self._topics)

    def topic(self, text: str) -> str | None:
        """The id of the FAQ redirect entry for a medical-advice question, or
        None when the text is not one."""
        message = normalise_message(text)
        for topic in self._topics:
            if any(p.search(message) for p in topic.patterns):
                return topic.id
        return None


def load_medical_questions(path: Path, catalog: FaqCatalog) -> MedicalQuestions:
    """The recogniser built from `path`. Raises ContentError when a topic id is
    not a `medical` entry of `catalog`, a pattern has no `why`, uses an unknown
    {vocab} name, or is not a valid regular expression."""
    name = str(path)
    data = read_yaml(path, dict)
    if not isinstance(data, dict) or not isinstance(data.get("topics"), list) or not data["topics"]:
        raise ContentError(name, "(file)", "needs a non-empty 'topics' list")

    vocab = _vocab(data.get("vocab") or {}, name)
    topics: list[MedicalTopic] = []
    for position, raw in enumerate(data["topics"], start=1):
        label = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else f"topic #{position}"
        if not isinstance(raw, dict) or not raw.get("id"):
            raise ContentError(name, label, "missing field 'id'")
        entry = catalog.get(raw["id"])
        if entry is None:
            raise ContentError(name, label, "no FAQ entry with this id")
        if entry.kind != "medical":
            raise ContentError(name, label, f"FAQ entry is kind '{entry.kind}', a redirect needs kind 'medical'")
        if any(t.id == raw["id"] for t in topics):
            raise ContentError(name, label, "duplicate id")
        patterns = raw.get("patterns")
        if not isinstance(patterns, list) or not patterns:
            raise ContentError(name, label, "missing field 'patterns'")
        compiled = []
        for number, pattern in enumerate(patterns, start=1):
            compiled.append(_pattern(pattern, vocab, name, f"{label} pattern #{number}"))
        topics.append(MedicalTopic(id=raw["id"], patterns=tuple(compiled)))
    return MedicalQuestions(tuple(topics))


def _vocab(raw: object, file: str) -> dict[str, str]:
    """Each vocab name mapped to a regex alternation of its words."""
    if not isinstance(raw, dict):
        raise ContentError(file, "vocab", "must map names to lists of words")
    vocab = {}
    for key, words in raw.items():
        if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
            raise ContentError(file, f"vocab {key}", "must be a non-empty list of words")
        # Longest first so "blood pressure meds" wins over "meds"; spaces match any whitespace.
        alternatives = sorted({normalise_message(w) for w in words}, key=len, reverse=True)
        vocab[key] = "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in alternatives) + ")"
    return vocab


def _pattern(raw: object, vocab: dict[str, str], file: str, label: str) -> re.Pattern[str]:
    if not isinstance(raw, dict) or not isinstance(raw.get("regex"), str) or not raw["regex"].strip():
        raise ContentError(file, label, "missing field 'regex'")
    if not isinstance(raw.get("why"), str) or not raw["why"].strip():
        raise ContentError(file, label, "missing field 'why' (say what it catches and why it is safe)")

    def expand(match: re.Match[str]) -> str:
        if match.group(1) not in vocab:
            raise ContentError(file, label, f"unknown vocab name {{{match.group(1)}}}")
        return vocab[match.group(1)]

    source = _PLACEHOLDER.sub(expand, raw["regex"])
    try:
        return re.compile(source)
    except re.error as exc:
        raise ContentError(file, label, f"invalid regular expression: {exc}") from exc
