"""The crisis lexicon: content/crisis_patterns.yaml validated and compiled once, at load."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bot.content_file import read_yaml
from bot.crisis.signals import KINDS, Signal, Tier
from bot.errors import ContentError

SUPPRESSOR_CATEGORIES = ("figure_of_speech", "technical", "fiction", "everyday", "grief", "informational")


@dataclass(frozen=True)
class Pattern:
    signal: Signal
    regex: re.Pattern[str]
    negatable: bool


@dataclass(frozen=True)
class Lexicon:
    """The validated, compiled content of crisis_patterns.yaml."""

    source: str
    patterns: tuple[Pattern, ...]
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
        patterns.append(Pattern(signal, compile_entry(entry, item["pattern"]), negatable))

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
