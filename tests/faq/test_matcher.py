"""The matcher answers paraphrases with the right topic and declines the rest.

The phrasings here are not in content/faq.yaml (checked below), so these are
unseen questions, like a member's. Figures over larger sets are in bench/.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from bot.faq.catalog import load_faq
from bot.faq.embedder import Embedder
from bot.faq.matcher import FaqMatcher, Match

ROOT = Path(__file__).resolve().parents[2]

PARAPHRASES = {
    "how quickly can ketamine lift my mood": "how-fast-it-works",
    "will insurance pay for my spravato": "insurance-and-cost",
    "isn't ketamine basically a horse sedative?": "what-is-ketamine",
    # Both entries give the "at least two antidepressants" rule; either is right.
    "who is the FDA approved ketamine drug for?": {"who-it-is-for", "spravato-esketamine"},
    "do i still need cbt if i get ketamine": "therapy-alongside-ketamine",
    "does ketamine help regrow connections between brain cells": "how-it-works",
    "what neurotransmitters did people blame for depression before": "serotonin-and-beyond",
    "how many adults in america have depression": "depression-how-common",
    "what is brain plasticity": "neuroplasticity",
    "where does your information come from": "about-the-source",
}

OUT_OF_SCOPE = [
    "which graphics card should i buy",
    "how long do i boil an egg",
    "when is my tax return due",
    "what's your favourite film",
    "how do i turn off notifications for this server",
    "good evening",
    "alright then",
    "",
    "   ",
]


@pytest.fixture(scope="module")
def catalog():
    return load_faq(ROOT / "content/faq.yaml", ROOT / "content/source/yale-ketamine-depression.md")


@pytest.fixture(scope="module")
def embedder():
    return Embedder.load()


@pytest.fixture(scope="module")
def matcher(catalog, embedder):
    return FaqMatcher(catalog, embedder)


def test_paraphrases_are_unseen(catalog):
    examples = {x.lower() for e in catalog.entries for x in e.examples}
    assert not examples & {q.lower() for q in PARAPHRASES}


@pytest.mark.parametrize("question, topic", PARAPHRASES.items())
def test_answers_paraphrases_with_the_right_topic(matcher, question, topic):
    match = matcher.match(question)
    assert match.decision == "answer", (question, match.score)
    assert match.entry is not None
    assert match.entry.id in (topic if isinstance(topic, set) else {topic})
    assert match.candidates == ()


@pytest.mark.parametrize("question", OUT_OF_SCOPE)
def test_does_not_answer_out_of_scope(matcher, question):
    match = matcher.match(question)
    assert match.decision != "answer", (question, match.entry and match.entry.id, match.score)
    assert match.entry is None


def test_suggest_offers_two_or_three_topics(matcher):
    # Between "answer" and "none": a vague question near several topics.
    match = matcher.match("tell me about the brain")
    assert match.decision == "suggest", match
    assert 2 <= len(match.candidates) <= 3
    assert match.entry is None
    assert len({e.id for e in match.candidates}) == len(match.candidates)


def test_scores_are_ordered_with_the_decisions(matcher):
    answered = matcher.match("how fast does esketamine start working")
    declined = matcher.match("what's a good pasta recipe")
    assert answered.decision == "answer" and declined.decision == "none"
    assert 0.0 <= declined.score < answered.score <= 1.0


def test_keywords_matter_not_only_embeddings(catalog, embedder):
    # Removing an entry's examples that carry its rare word makes it lose that question.
    question = "is esketamine approved"
    assert FaqMatcher(catalog, embedder).match(question).entry.id == "spravato-esketamine"
    stripped = tuple(
        dataclasses.replace(e, title="Nasal spray", examples=("what is the nasal spray version",))
        if e.id == "spravato-esketamine" else e
        for e in catalog.entries
    )
    weaker = FaqMatcher(dataclasses.replace(catalog, entries=stripped), embedder).match(question)
    assert weaker.entry is None or weaker.entry.id != "spravato-esketamine"


def test_match_is_immutable(matcher):
    match = matcher.match("what is esketamine")
    assert isinstance(match, Match)
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.decision = "none"  # type: ignore[misc]


def test_embedder_returns_unit_rows(embedder):
    vectors = embedder.embed(["ketamine", "how fast does it work", ""])
    assert vectors.shape == (3, 256)
    norms = np.linalg.norm(vectors, axis=1)
    assert np.allclose(norms[:2], 1.0, atol=1e-5) and norms[2] == 0.0
    assert embedder.embed([]).shape == (0, 256)
