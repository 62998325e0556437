"""Matches a member's question to an FAQ entry, or says it does not know.

Each entry gets one score in [0, 1] that mixes
  - meaning: cosine similarity between the question and the entry's examples
    (WordLlama embeddings; mean of the two closest examples, so one lucky
    example does not carry an entry), and
  - keywords: the IDF-weighted share of the question's content words that the
    entry's examples use (bot/faq/lexical.py), which rewards the rare, decisive
    words static embeddings blur and keeps off-topic questions low.
The best score then decides between answering, offering the nearest topics,
and no match. The weights and thresholds come from bench/faq_tuning.py.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.faq.catalog import FaqCatalog, FaqEntry
from bot.faq.embedder import Embedder
from bot.faq.lexical import KeywordIndex, tokens


@dataclass(frozen=True)
class MatcherSettings:
    """How scores combine and where the decisions fall.

    Chosen by bench/faq_tuning.py on 5-fold cross-validation over the FAQ's own
    examples, ../shared/eval/faq_dev.jsonl, and 48 off-topic messages
    (faq_oos_dev + bench/tuning_oos.yaml). For each weight/prior pair the
    answer threshold is the lowest that answers at most 1 of the 48 off-topic
    messages; weight 0.5 and prior 3 answered the most questions right at that
    level (cv 0.60 answered right, 0.73 top-1; dev 25/25). The suggest
    threshold sits at the knee of the bench's table: lower adds few useful
    suggestions and more off-topic "Did you mean…".
    """

    semantic_weight: float = 0.5   # share of the score from meaning; the rest is keywords
    keyword_prior: float = 3.0     # IDF mass added to every question, so one generic word ("time") cannot make full keyword coverage
    answer_threshold: float = 0.47
    suggest_threshold: float = 0.34
    max_candidates: int = 3


@dataclass(frozen=True)
class Match:
    decision: str                      # "answer" | "suggest" | "none"
    entry: FaqEntry | None             # the answer when decision == "answer"
    candidates: tuple[FaqEntry, ...]   # 2-3 nearest topics when decision == "suggest"
    score: float                       # the best entry's score, 0..1


class FaqMatcher:
    """Scores questions against a catalogue; build once, call `match` per message."""

    def __init__(self, catalog: FaqCatalog, embedder: Embedder, settings: MatcherSettings | None = None) -> None:
        self._entries = catalog.entries
        self._embedder = embedder
        self._settings = settings or MatcherSettings()
        phrasings = [(entry.title,) + entry.examples for entry in self._entries]
        # One padded matrix row per entry lets one matrix product and one
        # partition score every entry; padding rows score -1 and never win.
        width = max(len(p) for p in phrasings)
        vectors = self._embedder.embed([text for p in phrasings for text in p])
        self._examples = np.zeros((len(self._entries), width, vectors.shape[1]), dtype=np.float32)
        self._padding = np.ones((len(self._entries), width), dtype=bool)
        start = 0
        for row, p in enumerate(phrasings):
            self._examples[row, : len(p)] = vectors[start : start + len(p)]
            self._padding[row, : len(p)] = False
            start += len(p)
        self._synonyms = catalog.synonyms
        self._keywords = KeywordIndex([[w for text in p for w in tokens(text, self._synonyms)] for p in phrasings])

    def scores(self, text: str) -> np.ndarray:
        """One combined score per catalogue entry (in catalogue order), 0..1."""
        s = self._settings
        query = self._embedder.embed([text])[0]
        sims = np.where(self._padding, -1.0, self._examples @ query)
        top_two = -np.partition(-sims, 1, axis=1)[:, :2] if sims.shape[1] > 1 else sims
        semantic = np.clip(top_two.mean(axis=1), 0.0, 1.0)
        words = tokens(text, self._synonyms)
        coverage = np.asarray(self._keywords.coverage(words))
        if words:
            mass = self._keywords.mass(words)
            coverage = coverage * mass / (mass + s.keyword_prior)
        return s.semantic_weight * semantic + (1.0 - s.semantic_weight) * coverage

    def match(self, text: str) -> Match:
        """The decision for `text`: "answer" with the entry, "suggest" with the
        2-3 nearest entries, or "none"."""
        if not text.strip():
            return Match("none", None, (), 0.0)
        s = self._settings
        scores = self.scores(text)
        order = np.argsort(-scores)
        best = float(scores[order[0]])
        if best >= s.answer_threshold:
            return Match("answer", self._entries[order[0]], (), best)
        if best >= s.suggest_threshold:
            # Offer the best entry and up to two more, but not ones far below
            # the suggestion level: an unrelated third choice reads as noise.
            near = [self._entries[i] for i in order[: s.max_candidates] if scores[i] >= s.suggest_threshold - 0.1]
            if len(near) < 2:
                near = [self._entries[i] for i in order[:2]]
            return Match("suggest", None, tuple(near), best)
        return Match("none", None, (), best)

