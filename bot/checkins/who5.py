"""The WHO-5 Well-Being Index: its wording from content/who5.yaml, and its scoring as published.

Scoring (WHO Collaborating Centre in Mental Health, 1998 version): five items, 0-5 each;
raw 0-25; percentage = raw x 4. Raw under 13 is poor wellbeing worth a follow-up; 28% or
less suggests depression; a change of 10 points is meaningful. These are prompts for a kind
follow-up and a pointer to help, never a diagnosis shown to the member.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.content_file import read_yaml
from bot.errors import ContentError

ITEM_COUNT = 5
SCORES = (5, 4, 3, 2, 1, 0)       # the answer labels' scores, in the published order
POOR_WELLBEING_BELOW_RAW = 13
DEPRESSION_AT_OR_BELOW_PERCENT = 28
MEANINGFUL_CHANGE_PERCENT = 10


@dataclass(frozen=True)
class Who5:
    items: tuple[str, ...]     # the five statements, in order
    answers: tuple[str, ...]   # six labels; answers[i] scores SCORES[i] (5 down to 0)
    stem: str = ""             # "...over the last two weeks": shown before the items

    def score_of(self, label_index: int) -> int:
        """The score (5..0) of the answer label at `label_index` (0..5)."""
        return SCORES[label_index]


@dataclass(frozen=True)
class Who5Score:
    raw: int                   # 0..25
    percent: int               # 0..100, raw x 4
    poor_wellbeing: bool       # raw < 13
    suggests_depression: bool  # percent <= 28


def _text(path: Path, entry: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ContentError(str(path), entry, "must be non-empty text")
    return value.strip()


def load_who5(path: Path) -> Who5:
    """The WHO-5 wording, validated; raises ContentError naming the file, the entry and the problem."""
    data = read_yaml(Path(path), dict)
    source = data.get("source")
    if not isinstance(source, dict):
        raise ContentError(str(path), "source", "missing: name, publisher, url and last_checked of the WHO-5")
    for key in ("name", "publisher", "url"):
        _text(path, f"source.{key}", source.get(key))
    if not re.match(r"https://\S+$", source["url"].strip()):
        raise ContentError(str(path), "source.url", "must be an https:// link")
    if not isinstance(source.get("last_checked"), dt.date):
        raise ContentError(str(path), "source.last_checked", "must be a date (YYYY-MM-DD)")

    items = data.get("items")
    if not isinstance(items, list) or len(items) != ITEM_COUNT:
        raise ContentError(str(path), "items", f"must list exactly {ITEM_COUNT} statements")
    item_texts = tuple(_text(path, f"items[{i}]", item) for i, item in enumerate(items))
    if len(set(item_texts)) != ITEM_COUNT:
        raise ContentError(str(path), "items", "has the same statement twice")

    answers = data.get("answers")
    if not isinstance(answers, list) or len(answers) != len(SCORES):
        raise ContentError(str(path), "answers", f"must list exactly {len(SCORES)} answers, scored 5 down to 0")
    labels = []
    for i, (answer, expected) in enumerate(zip(answers, SCORES)):
        entry = f"answers[{i}]"
        if not isinstance(answer, dict):
            raise ContentError(str(path), entry, "must be a mapping with score and label")
        # The order carries the scoring, so a reordered or renumbered list is an error.
        if answer.get("score") != expected or isinstance(answer.get("score"), bool):
            raise ContentError(str(path), entry, f"score must be {expected} (answers go from 5 down to 0)")
        labels.append(_text(path, f"{entry}.label", answer.get("label")))

    return Who5(items=item_texts, answers=tuple(labels), stem=_text(path, "stem", data.get("stem")))


def score_who5(answers: Sequence[int]) -> Who5Score:
    """The published scores for five item answers of 0..5 each; ValueError on a wrong count or value."""
    if len(answers) != ITEM_COUNT:
        raise ValueError(f"WHO-5 needs {ITEM_COUNT} answers, got {len(answers)}")
    for answer in answers:
        if isinstance(answer, bool) or not isinstance(answer, int) or not 0 <= answer <= 5:
            raise ValueError(f"each WHO-5 answer is a whole number from 0 to 5, got {answer!r}")
    raw = sum(answers)
    percent = raw * 4
    return Who5Score(
        raw=raw,
        percent=percent,
        poor_wellbeing=raw < POOR_WELLBEING_BELOW_RAW,
        suggests_depression=percent <= DEPRESSION_AT_OR_BELOW_PERCENT,
    )


def meaningful_change(before: Who5Score, after: Who5Score) -> bool:
    """True when the percentage moved by 10 points or more, up or down."""
    return abs(after.percent - before.percent) >= MEANINGFUL_CHANGE_PERCENT
