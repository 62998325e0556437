"""Crisis language detection: text in, a tier and the signals that explain it out.

Pure, synchronous and deterministic: all file reading and regex compilation happens
in `bot.crisis.lexicon.load_patterns`; `CrisisDetector.detect` only reads its argument.
The words live in content/crisis_patterns.yaml; this module holds the mechanics:

1. normalise the text (bot/crisis/normalise.py: Unicode, case, zero-width characters,
   markup, leetspeak, spaced and stretched letters, contractions, misspellings and
   slang), so one pattern covers many spellings;
2. blank the spans of suppressors (figures of speech, technical, fiction, everyday
   and informational uses), so their words cannot take part in a signal;
3. run every pattern; drop a match negated just before it ("i am not suicidal");
4. lift high self-risk to imminent when an escalator (a time, means, a plan or a
   place) appears in the same message;
5. report harassment ("kys" at someone) separately, unless that span is part of a
   self-directed match ("kys is what i tell myself").
"""
from __future__ import annotations

from bot.crisis.lexicon import Lexicon, Pattern
from bot.crisis.normalise import normalise
from bot.crisis.signals import Detection, Signal, Tier


class CrisisDetector:
    """Finds self-risk and harassment signals in message text using a loaded Lexicon."""

    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon

    def detect(self, text: str) -> Detection:
        """The highest self-risk tier in `text`, every signal behind it, and any harassment."""
        lexicon = self._lexicon
        plain = normalise(text, lexicon)
        if not plain:
            return Detection(Tier.NONE, (), ())
        # A leading line break gives the first clause the same start as every later one.
        masked = self._suppress("\n" + plain)

        fired: dict[str, tuple[int, Pattern]] = {}
        self_spans: list[tuple[int, int]] = []
        harassment_hits: list[tuple[int, int, Pattern]] = []
        for pattern in lexicon.patterns:
            for match in pattern.regex.finditer(masked):
                if pattern.negatable and self._negated(masked, match.start()):
                    continue
                if pattern.signal.kind == "self":
                    self_spans.append(match.span())
                    fired.setdefault(pattern.signal.id, (match.start(), pattern))
                else:
                    harassment_hits.append((match.start(), match.end(), pattern))

        self_signals = [p.signal for _, p in sorted(fired.values(), key=_strength)]
        if self_signals and self_signals[0].tier >= Tier.HIGH:
            # Ideation plus a time, means, a plan or a place is imminent; the escalators
            # go first when they are what lifts the tier, else right after the top signal.
            lifted = [signal for signal, regex in lexicon.escalators if regex.search(masked)]
            head = 0 if self_signals[0].tier is Tier.HIGH else 1
            self_signals[head:head] = lifted

        harassment: dict[str, Signal] = {}
        for start, end, pattern in sorted(harassment_hits, key=lambda hit: hit[0]):
            if not any(s <= start and end <= e for s, e in self_spans):
                harassment.setdefault(pattern.signal.id, pattern.signal)

        tier = self_signals[0].tier if self_signals else Tier.NONE
        return Detection(tier, tuple(self_signals), tuple(harassment.values()))

    def _suppress(self, text: str) -> str:
        """`text` with every suppressor span replaced by spaces (offsets unchanged)."""
        for _, regex in self._lexicon.suppressors:
            if regex.search(text):
                text = regex.sub(lambda m: " " * len(m.group(0)), text)
        return text

    def _negated(self, text: str, start: int) -> bool:
        """Whether a negation cue sits just before `start` in the same clause."""
        window = text[max(0, start - self._lexicon.negation_window):start]
        for stop in ".!?;,\n":
            window = window.rpartition(stop)[2]
        for joint in (" but ", " and "):
            window = window.rpartition(joint)[2]
        return bool(window.strip()) and self._lexicon.negation.search(" " + window) is not None


def _strength(item: tuple[int, Pattern]) -> tuple[int, int]:
    """Strongest first; among equals, the one that appears first in the message."""
    position, pattern = item
    return (-pattern.signal.tier.rank, position)
