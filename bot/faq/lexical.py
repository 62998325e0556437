"""Keyword overlap between a question and the FAQ examples.

Embeddings from a small static model blur rare, decisive words ("spravato",
"insurance", "synapse"); counting which of the question's content words an
entry's examples also use, weighted by rarity (IDF), restores them. It also
makes off-topic questions easy to spot: their words appear nowhere in the FAQ.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from typing import Iterable, Mapping, Sequence

# Function words carry no topic; "ketamine" etc. are NOT here on purpose.
STOPWORDS = frozenset(
    """a about after again all am an and any are as at be because been before being
    but by can could did do does doing don dont for from get gets getting got had has
    have having he her here hers him his how i id if im in into is isnt it its ive
    just like me might more most much my myself no nor not now of off on once only or
    other our out over own please really s same she should so some such t than that
    thats the their them then there these they this those through to too u under
    until up us very was we were what whats when where which while who whos whom why
    will with would yeah yes you your youre yours ur r tell know anyone someone
    thing things stuff kind sort actually exactly even ever also still one""".split()
)

_TOKEN = re.compile(r"[a-z0-9]+")
_APOSTROPHES = str.maketrans({"’": "", "'": "", "‘": ""})


def stem(word: str) -> str:
    """A crude suffix strip so "synapses"/"synapse" and "working"/"works" meet.
    Deliberately light: a wrong merge costs more than a missed one."""
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + keep
    return word


def tokens(text: str, synonyms: Mapping[str, str] | None = None) -> list[str]:
    """Content-word stems of `text` (lower-cased, apostrophes dropped, stop
    words removed), each replaced by its canonical synonym when one is given."""
    words = _TOKEN.findall(text.lower().translate(_APOSTROPHES))
    out = []
    for word in words:
        if word in STOPWORDS:
            continue
        # Synonyms are listed as people write them, so look up before stemming.
        if synonyms and word in synonyms:
            word = synonyms[word]
        out.append(stem(word))
    return out


class KeywordIndex:
    """Per-entry vocabularies with IDF weights computed over the entries."""

    def __init__(self, documents: Sequence[Iterable[str]]) -> None:
        self._vocab = [set(doc) for doc in documents]
        counts = Counter(word for vocab in self._vocab for word in vocab)
        n = len(self._vocab)
        self._idf = {word: math.log(1 + n / df) for word, df in counts.items()}
        # A word no entry uses is as telling as the rarest word there is.
        self._unknown_idf = math.log(1 + n)

    def known(self, word: str) -> bool:
        return word in self._idf

    def coverage(self, query: Sequence[str]) -> list[float]:
        """For each document, the IDF-weighted share of the query's words it
        contains (0 = none, 1 = all); all zeros for a query with no content words."""
        if not query:
            return [0.0] * len(self._vocab)
        weights = {w: self._idf.get(w, self._unknown_idf) for w in set(query)}
        total = sum(weights.values())
        return [sum(wt for w, wt in weights.items() if w in vocab) / total for vocab in self._vocab]

    def mass(self, query: Sequence[str]) -> float:
        """The total IDF weight of the query's distinct words."""
        return sum(self._idf.get(w, self._unknown_idf) for w in set(query))
