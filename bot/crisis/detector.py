"""Crisis language detection: text in, a tier and the signals that explain it out.

Pure, synchronous and deterministic: all file reading and regex compilation happens
in `load_patterns`; `CrisisDetector.detect` only reads its argument. The words live
in content/crisis_patterns.yaml; this module holds the mechanics:

1. normalise the text (Unicode, case, zero-width characters, markup, leetspeak,
   spaced and stretched letters, contractions, misspellings and slang), so one
   pattern covers many spellings;
2. blank the spans of suppressors (figures of speech, technical, fiction, everyday
   and informational uses), so their words cannot take part in a signal;
3. run every pattern; drop a match negated just before it ("i am not suicidal");
4. lift high self-risk to imminent when an escalator (a time, means, a plan or a
   place) appears in the same message;
5. report harassment ("kys" at someone) separately, unless that span is part of a
   self-directed match ("kys is what i tell myself").
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from bot.content_file import read_yaml
from bot.errors import ContentError


class Tier(str, Enum):
    """Self-risk tier, ordered by `rank` (comparisons use the rank, not the name)."""

    NONE = "none"
    CONCERN = "concern"
    HIGH = "high"
    IMMINENT = "imminent"

    @property
    def rank(self) -> int:
        """0 for NONE up to 3 for IMMINENT."""
        return _RANKS[self.value]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Tier):
            return NotImplemented
        return self.rank >= other.rank


_RANKS = {"none": 0, "concern": 1, "high": 2, "imminent": 3}
KINDS = ("self", "harassment")
SUPPRESSOR_CATEGORIES = ("figure_of_speech", "technical", "fiction", "everyday", "grief", "informational")


@dataclass(frozen=True)
class Signal:
    """One pattern that fired: its id and comment explain the detection to moderators."""

    id: str
    tier: Tier
    kind: str
    comment: str


@dataclass(frozen=True)
class Detection:
    """What `CrisisDetector.detect` found in one message."""

    tier: Tier
    signals: tuple[Signal, ...]
    harassment: tuple[Signal, ...]

    @property
    def signal(self) -> Signal | None:
        """The strongest self-risk signal, or None when nothing fired."""
        return self.signals[0] if self.signals else None


# ---------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class _Pattern:
    signal: Signal
    regex: re.Pattern[str]
    negatable: bool


@dataclass(frozen=True)
class Lexicon:
    """The validated, compiled content of crisis_patterns.yaml."""

    source: str
    patterns: tuple[_Pattern, ...]
    escalators: tuple[tuple[Signal, re.Pattern[str]], ...]
    suppressors: tuple[tuple[str, re.Pattern[str]], ...]
    negation: re.Pattern[str]
    negation_window: int
    replacements: dict[str, str]
    replacement_regex: re.Pattern[str] | None
    leet: dict[str, str]
    leet_exceptions: frozenset[str]
    vocabulary: frozenset[str]


_MACRO = re.compile(r"<([A-Z][A-Z_]*)>")
_FLAGS = re.MULTILINE


def load_patterns(path: Path) -> Lexicon:
    """The lexicon in `path`, compiled; raises ContentError naming file, entry and problem."""
    file = str(path)
    data = read_yaml(Path(path), dict)
    macros = _load_macros(file, data.get("macros", {}))
    seen: set[str] = set()

    def compile_entry(entry: str, raw: object) -> re.Pattern[str]:
        return _compile(file, entry, raw, macros)

    patterns = []
    for index, item in enumerate(_list(file, data, "patterns", required=True)):
        entry = _entry_name("patterns", index, item)
        _require(file, entry, item, ("id", "tier", "kind", "pattern", "comment"))
        _unique(file, entry, item["id"], seen)
        if item["tier"] not in ("concern", "high", "imminent"):
            raise ContentError(file, entry, f"tier must be concern, high or imminent, not {item['tier']!r}")
        if item["kind"] not in KINDS:
            raise ContentError(file, entry, f"kind must be self or harassment, not {item['kind']!r}")
        negatable = item.get("negatable", True)
        if not isinstance(negatable, bool):
            raise ContentError(file, entry, "negatable must be true or false")
        signal = Signal(item["id"], Tier(item["tier"]), item["kind"], item["comment"])
        patterns.append(_Pattern(signal, compile_entry(entry, item["pattern"]), negatable))

    escalators = []
    for index, item in enumerate(_list(file, data, "escalators")):
        entry = _entry_name("escalators", index, item)
        _require(file, entry, item, ("id", "pattern", "comment"))
        _unique(file, entry, item["id"], seen)
        signal = Signal(item["id"], Tier.IMMINENT, "self", item["comment"])
        escalators.append((signal, compile_entry(entry, item["pattern"])))

    suppressors = []
    for index, item in enumerate(_list(file, data, "suppressors")):
        entry = _entry_name("suppressors", index, item)
        _require(file, entry, item, ("id", "category", "pattern", "comment"))
        _unique(file, entry, item["id"], seen)
        if item["category"] not in SUPPRESSOR_CATEGORIES:
            raise ContentError(file, entry, f"category must be one of {', '.join(SUPPRESSOR_CATEGORIES)}")
        suppressors.append((item["id"], compile_entry(entry, item["pattern"])))

    normalise = data.get("normalise", {})
    if not isinstance(normalise, dict):
        raise ContentError(file, "normalise", "must be a mapping")
    replacements = _load_replacements(file, normalise.get("replacements", []))
    leet, leet_exceptions = _load_leet(file, normalise.get("leet", {}))
    negation, window = _load_negation(file, data.get("negation"))

    replacement_regex = None
    if replacements:
        keys = sorted(replacements, key=len, reverse=True)  # longest first: "ur self" before "ur"
        replacement_regex = re.compile(r"(?<![\w'])(?:" + "|".join(map(re.escape, keys)) + r")(?![\w'])")

    # Words the lexicon is written in: stretched words ("killll") are shortened to one of these.
    vocabulary = set(replacements.values())
    for raw in [p.regex.pattern for p in patterns] + list(replacements.values()):
        vocabulary.update(re.findall(r"[a-z]{2,}", re.sub(r"\\[a-zA-Z]", " ", raw)))

    return Lexicon(
        source=file,
        patterns=tuple(patterns),
        escalators=tuple(escalators),
        suppressors=tuple(suppressors),
        negation=negation,
        negation_window=window,
        replacements=replacements,
        replacement_regex=replacement_regex,
        leet=leet,
        leet_exceptions=leet_exceptions,
        vocabulary=frozenset(w for v in vocabulary for w in v.split()),
    )


def _entry_name(section: str, index: int, item: object) -> str:
    if isinstance(item, dict) and isinstance(item.get("id"), str):
        return f"{section}[{index}] (id {item['id']})"
    return f"{section}[{index}]"


def _list(file: str, data: dict, key: str, required: bool = False) -> list:
    if key not in data:
        if required:
            raise ContentError(file, key, "missing section")
        return []
    value = data[key]
    if not isinstance(value, list) or (required and not value):
        raise ContentError(file, key, "must be a non-empty list" if required else "must be a list")
    return value


def _require(file: str, entry: str, item: object, fields: tuple[str, ...]) -> None:
    if not isinstance(item, dict):
        raise ContentError(file, entry, "must be a mapping with " + ", ".join(fields))
    for field in fields:
        if field not in item or item[field] in (None, ""):
            raise ContentError(file, entry, f"missing field {field!r}")
        if field != "pattern" and not isinstance(item[field], str):
            raise ContentError(file, entry, f"field {field!r} must be text")


def _unique(file: str, entry: str, ident: str, seen: set[str]) -> None:
    if ident in seen:
        raise ContentError(file, entry, f"duplicate id {ident!r}")
    seen.add(ident)


def _load_macros(file: str, raw: object) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise ContentError(file, "macros", "must be a mapping of NAME to {pattern, comment}")
    macros: dict[str, str] = {}
    for name, item in raw.items():
        entry = f"macros.{name}"
        if not isinstance(name, str) or not re.fullmatch(r"[A-Z][A-Z_]*", name):
            raise ContentError(file, entry, "macro names are upper case letters and underscores")
        _require(file, entry, item, ("pattern", "comment"))
        if not isinstance(item["pattern"], str):
            raise ContentError(file, entry, "pattern must be text")
        macros[name] = item["pattern"]
    # Expand macros inside macros; a bounded number of rounds catches cycles.
    for name in macros:
        for _ in range(len(macros) + 1):
            expanded = _expand(file, f"macros.{name}", macros[name], macros)
            if expanded == macros[name]:
                break
            macros[name] = expanded
        else:
            raise ContentError(file, f"macros.{name}", "refers to itself through other macros")
    return macros


def _expand(file: str, entry: str, pattern: str, macros: dict[str, str]) -> str:
    def one(match: re.Match[str]) -> str:
        if match.group(1) not in macros:
            raise ContentError(file, entry, f"unknown macro <{match.group(1)}>")
        return macros[match.group(1)]

    return _MACRO.sub(one, pattern)


def _compile(file: str, entry: str, raw: object, macros: dict[str, str]) -> re.Pattern[str]:
    if isinstance(raw, str):
        parts = [raw]
    elif isinstance(raw, list) and raw and all(isinstance(p, str) and p for p in raw):
        parts = raw
    else:
        raise ContentError(file, entry, "pattern must be text or a list of texts")
    source = "|".join(f"(?:{_expand(file, entry, p, macros)})" for p in parts)
    try:
        regex = re.compile(source, _FLAGS)
    except re.error as exc:
        raise ContentError(file, entry, f"pattern does not compile: {exc}") from None
    if regex.search("") or regex.search(" "):
        raise ContentError(file, entry, "pattern matches empty text, so it would fire on every message")
    return regex


def _load_replacements(file: str, raw: object) -> dict[str, str]:
    if not isinstance(raw, list):
        raise ContentError(file, "normalise.replacements", "must be a list")
    table: dict[str, str] = {}
    for index, item in enumerate(raw):
        entry = f"normalise.replacements[{index}]"
        _require(file, entry, item, ("to", "comment"))
        sources = item.get("from")
        if not isinstance(sources, list) or not sources:
            raise ContentError(file, entry, "missing field 'from' (a list of spellings)")
        for source in sources:
            key = str(source).lower()
            if key in table and table[key] != item["to"]:
                raise ContentError(file, entry, f"{key!r} is already replaced by {table[key]!r}")
            table[key] = item["to"]
    return table


def _load_leet(file: str, raw: object) -> tuple[dict[str, str], frozenset[str]]:
    if not isinstance(raw, dict):
        raise ContentError(file, "normalise.leet", "must be a mapping with map and exceptions")
    mapping = raw.get("map", {})
    if not isinstance(mapping, dict) or not all(
        isinstance(k, str) and len(k) == 1 and isinstance(v, str) and len(v) == 1 for k, v in mapping.items()
    ):
        raise ContentError(file, "normalise.leet.map", "must map single characters to single letters")
    exceptions = raw.get("exceptions", [])
    if not isinstance(exceptions, list):
        raise ContentError(file, "normalise.leet.exceptions", "must be a list")
    return dict(mapping), frozenset(str(e).lower() for e in exceptions)


def _load_negation(file: str, raw: object) -> tuple[re.Pattern[str], int]:
    if not isinstance(raw, dict):
        raise ContentError(file, "negation", "missing section (cues, fillers, window, comment)")
    _require(file, "negation", raw, ("comment",))
    cues, fillers, blockers = raw.get("cues"), raw.get("fillers", []), raw.get("cue_blockers", [])
    if not isinstance(cues, list) or not cues:
        raise ContentError(file, "negation", "missing field 'cues' (a list of words)")
    if not isinstance(fillers, list) or not isinstance(blockers, list):
        raise ContentError(file, "negation", "fillers and cue_blockers must be lists")
    window = raw.get("window", 60)
    if not isinstance(window, int) or window <= 0:
        raise ContentError(file, "negation", "window must be a positive number of characters")

    def alternation(words: list) -> str:
        return "|".join(re.escape(str(w)) for w in sorted(words, key=lambda w: -len(str(w))))

    # A cue, then only fillers up to the match; a cue itself negated ("not stopped") does not count.
    blocked = "".join(f"(?<!\\b{re.escape(str(b))} )" for b in blockers)
    source = rf"(?:^|(?<=\s)){blocked}(?:{alternation(cues)})(?:\s+(?:{alternation(fillers)})){{0,5}}\s*\Z"
    return re.compile(source), window


# ---------------------------------------------------------------------------- normalising

# Zero-width and invisible formatting characters used to split words past filters.
_ZERO_WIDTH = re.compile("[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u206a-\u206f\ufeff]")
_APOSTROPHES = re.compile("[\u2018\u2019\u201b\u02bc\u02b9\u0060\u00b4\u2032]")
_QUOTES = re.compile("[\u201c\u201d\u201e\u00ab\u00bb]")
# Slack <url|label>, <@U123>, <#C123|name>; Discord <@123>, <@!123>, <#123>, <:emoji:123>.
_SLACK_LABEL = re.compile(r"<(?:https?://|mailto:|#)[^>|\s]*\|([^>]*)>")
_ANGLE_REF = re.compile(r"<(?:@!?|@&|#|!)?[A-Za-z0-9_:.\-/]+>")
_QUOTE_PREFIX = re.compile(r"^[ \t]*(?:>+|&gt;)+[ \t]?", re.MULTILINE)
_FENCE_LANG = re.compile(r"```[a-z0-9_+\-]*\n")
_MARKUP = re.compile(r"```|\|\||[`*_~|]")
_LEET_TOKEN = re.compile(r"[a-z0-9@$!*]*[a-z][a-z0-9@$!*]*")
_SPACED = re.compile(r"(?<![a-z])[a-z](?:([ .\-])[a-z])(?:\1[a-z]){1,}(?![a-z])")
_HYPHEN = re.compile(r"(?<=[a-z])[-\u2010-\u2015](?=[a-z])")
_STRETCHED = re.compile(r"[a-z]*([a-z])\1\1[a-z]*")
_RUN = re.compile(r"([a-z])\1{2,}")
_SPACES = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r" *\n[ \n]*")


def normalise(text: str, lexicon: Lexicon) -> str:
    """`text` as the patterns expect it: lower case, plain, decoded, single-spaced."""
    text = unicodedata.normalize("NFKC", text)
    text = _ZERO_WIDTH.sub("", text)
    text = text.casefold()
    text = _APOSTROPHES.sub("'", text)
    text = _QUOTES.sub('"', text)
    # Markup is stripped, never skipped: spoilers and code blocks are read like any text.
    text = html.unescape(_SLACK_LABEL.sub(r"\1", text)) if "<" in text or "&" in text else text
    text = _ANGLE_REF.sub(" @someone ", text)
    text = _QUOTE_PREFIX.sub("", text)
    text = _FENCE_LANG.sub("\n", text)
    text = _LEET_TOKEN.sub(lambda m: _decode_leet(m.group(0), lexicon), text)
    text = _MARKUP.sub(" ", text)
    text = _HYPHEN.sub(" ", text)
    text = _SPACED.sub(lambda m: re.sub(r"[ .\-]", "", m.group(0)), text)
    text = _STRETCHED.sub(lambda m: _shorten(m.group(0), lexicon.vocabulary), text)
    if lexicon.replacement_regex is not None:
        text = lexicon.replacement_regex.sub(lambda m: lexicon.replacements[m.group(0)], text)
    text = text.replace("'", "")
    text = _SPACES.sub(" ", text)
    return _BLANK_LINES.sub("\n", text).strip()


def _decode_leet(token: str, lexicon: Lexicon) -> str:
    """k1ll -> kill, mys3lf -> myself; digits only after a letter, symbols only between letters."""
    if token.isalpha() or token in lexicon.leet_exceptions or not any(c in lexicon.leet for c in token):
        return token
    out: list[str] = []
    for i, char in enumerate(token):
        letter = lexicon.leet.get(char)
        if letter is None:
            out.append(char)
            continue
        after_letter = bool(out) and out[-1].isalpha()
        before_letter = i + 1 < len(token) and (token[i + 1].isalpha() or token[i + 1] in lexicon.leet)
        if char.isdigit():
            decode = after_letter
        elif char == "$":
            decode = before_letter  # "$uicide"
        else:
            decode = after_letter and before_letter  # "k!ll", "su*cide", but not "die!"
        out.append(letter if decode else char)
    return "".join(out)


def _shorten(word: str, vocabulary: frozenset[str]) -> str:
    """A stretched word ("diiiie", "killlll") as the lexicon spells it, else each run to one letter."""
    runs = list(_RUN.finditer(word))[:4]
    candidates = [word]
    for run in reversed(runs):  # right to left so earlier spans stay valid
        candidates = [c[: run.start()] + keep + c[run.end():] for c in candidates for keep in (run.group(1), run.group(1) * 2)]
    candidates.sort(key=len)
    for candidate in candidates:
        if candidate in vocabulary:
            return candidate
    for candidate in candidates:
        if any(candidate.startswith(v) for v in vocabulary if len(v) >= 4 and candidate[len(v):] in ("", "s", "ing", "ed", "er")):
            return candidate
    return candidates[0]


# ---------------------------------------------------------------------------- detecting


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

        fired: dict[str, tuple[int, _Pattern]] = {}
        self_spans: list[tuple[int, int]] = []
        harassment_hits: list[tuple[int, int, _Pattern]] = []
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


def _strength(item: tuple[int, _Pattern]) -> tuple[int, int]:
    """Strongest first; among equals, the one that appears first in the message."""
    position, pattern = item
    return (-pattern.signal.tier.rank, position)
