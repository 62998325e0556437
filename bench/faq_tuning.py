"""Chooses the matcher's weights and thresholds from measurements.

    .venv/bin/python bench/faq_tuning.py

Positives: 5-fold cross-validation over the FAQ's own examples (each fold's
examples are matched against a catalogue built from the other four folds,
so they are unseen phrasings) plus ../shared/eval/faq_dev.jsonl.
Negatives: ../shared/eval/faq_oos_dev.jsonl plus bench/tuning_oos.yaml.
bench/heldout.yaml is NOT used here; bench/faq_matching.py measures on it.

For every (semantic_weight, keyword_prior) the answer threshold is set as low
as possible while at most MAX_NEGATIVE_ANSWERS of the negatives would be
answered; the pair with the best cross-validated + dev accuracy wins. The
suggest threshold is printed as a table to choose from.
"""
from __future__ import annotations

import dataclasses
import itertools
import json
import sys
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.faq.catalog import FaqCatalog, load_faq  # noqa: E402
from bot.faq.embedder import Embedder  # noqa: E402
from bot.faq.matcher import FaqMatcher, MatcherSettings  # noqa: E402

SHARED = ROOT.parent / "shared" / "eval"
FOLDS = 5
MAX_NEGATIVE_ANSWERS = 1
WEIGHTS = (0.5, 0.6, 0.7, 0.8)
PRIORS = (2.0, 3.0, 4.0)


def facts_present(answer: str, expect: list[list[str]]) -> bool:
    """score.py's check: every group has at least one phrase in the answer."""
    text = answer.lower()
    return all(any(p.lower() in text for p in group) for group in expect)


def fold_catalogs(catalog: FaqCatalog) -> list[tuple[FaqCatalog, list[tuple[str, str]]]]:
    """(training catalogue, [(held-out example, its entry id)]) per fold."""
    out = []
    for fold in range(FOLDS):
        entries, held = [], []
        for entry in catalog.entries:
            keep = tuple(x for i, x in enumerate(entry.examples) if i % FOLDS != fold)
            held += [(x, entry.id) for i, x in enumerate(entry.examples) if i % FOLDS == fold]
            entries.append(dataclasses.replace(entry, examples=keep or entry.examples[:1]))
        out.append((dataclasses.replace(catalog, entries=tuple(entries)), held))
    return out


def main() -> None:
    catalog = load_faq(ROOT / "content/faq.yaml", ROOT / "content/source/yale-ketamine-depression.md")
    embedder = Embedder.load()
    dev = [json.loads(l) for l in open(SHARED / "faq_dev.jsonl") if l.strip()]
    negatives = [json.loads(l)["q"] for l in open(SHARED / "faq_oos_dev.jsonl") if l.strip()]
    negatives += yaml.safe_load(open(ROOT / "bench/tuning_oos.yaml"))
    folds = fold_catalogs(catalog)

    results = []
    for weight, prior in itertools.product(WEIGHTS, PRIORS):
        settings = MatcherSettings(semantic_weight=weight, keyword_prior=prior)
        positives = []  # (best score, right?, right entry within top 3?)
        for train, held in folds:
            matcher = FaqMatcher(train, embedder, settings)
            for text, entry_id in held:
                s = matcher.scores(text)
                order = np.argsort(-s)
                ids = [train.entries[i].id for i in order[:3]]
                positives.append((float(s[order[0]]), ids[0] == entry_id, entry_id in ids))
        full = FaqMatcher(catalog, embedder, settings)
        dev_rows = []
        for item in dev:
            s = full.scores(item["q"])
            order = np.argsort(-s)
            dev_rows.append((float(s[order[0]]), facts_present(catalog.entries[order[0]].answer, item["expect"])))
        neg = np.sort([float(full.scores(t).max()) for t in negatives])[::-1]
        threshold = round(float(neg[MAX_NEGATIVE_ANSWERS]) + 0.005, 3)
        cv = np.mean([ok and sc >= threshold for sc, ok, _ in positives])
        dv = np.mean([ok and sc >= threshold for sc, ok in dev_rows])
        top1 = np.mean([ok for _, ok, _ in positives])
        results.append((cv + dv, weight, prior, threshold, top1, cv, dv, positives, neg))
        print(f"w={weight:.1f} prior={prior:.0f}  answer>={threshold:.3f}  cv top-1 {top1:.3f}  "
              f"cv answered right {cv:.3f}  dev answered right {dv:.3f}")

    _, weight, prior, threshold, top1, cv, dv, positives, neg = max(results, key=lambda r: r[0])
    print(f"\nBEST semantic_weight={weight} keyword_prior={prior} answer_threshold={threshold}")
    wrong_answers = np.mean([sc >= threshold and not ok for sc, ok, _ in positives])
    print(f"  cv: answered right {cv:.3f}, answered WRONG {wrong_answers:.3f}, top-1 {top1:.3f}")
    print("\nsuggest threshold: share of cv questions below the answer threshold whose entry is in the")
    print("top 3 and above it, versus the share of negatives that would get 'Did you mean…' instead of nothing")
    below = [(sc, in3) for sc, _, in3 in positives if sc < threshold]
    for t in np.arange(threshold - 0.20, threshold, 0.025):
        helped = np.mean([sc >= t and in3 for sc, in3 in below]) if below else 0.0
        bothered = np.mean(neg >= t)
        print(f"  suggest>={t:.3f}: useful suggestions {helped:.3f} of {len(below)} unanswered;"
              f" negatives offered suggestions {bothered:.3f}")


if __name__ == "__main__":
    main()
