"""The FAQ catalogue: content/faq.yaml and the article copy, loaded and checked.

`load_faq` either returns a complete, consistent `FaqCatalog` or raises
`ContentError` naming the file, the entry and the problem, so a bad edit to the
content stops the bot at start-up instead of producing a wrong answer later.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import yaml

from bot.content_file import read_yaml
from bot.errors import ContentError

KINDS = ("answer", "medical")
MAX_ANSWER_CHARS = 700
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    quotes: tuple[str, ...]


@dataclass(frozen=True)
class FaqEntry:
    id: str
    title: str
    answer: str
    kind: str  # "answer" (article fact) | "medical" (redirect to a clinician)
    source: Source
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    """The article copy: its attribution and its body text (front matter and
    HTML comments removed)."""

    title: str
    publisher: str
    url: str
    retrieved: str
    body: str


@dataclass(frozen=True)
class FaqCatalog:
    entries: tuple[FaqEntry, ...]
    # Word -> canonical word for keyword matching ("quickly" -> "fast"), from
    # the `synonyms` section of faq.yaml. Keys and values are lower-case words.
    synonyms: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def get(self, entry_id: str) -> FaqEntry | None:
        """The entry with this id, or None."""
        for entry in self.entries:
            if entry.id == entry_id:
                return entry
        return None


# Typographic variants people (and editors) swap without meaning to. Mapping
# both sides the same way keeps the quote check exact about the words.
_QUOTE_CHARS = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


def normalise_quote_text(text: str) -> str:
    """Text with curly quotes/dashes made straight and whitespace collapsed,
    for comparing a quote with the article; case and words are untouched."""
    return " ".join(text.translate(_QUOTE_CHARS).split())


def load_article(path: Path) -> Article:
    """The article copy at `path`: YAML front matter (title, publisher, url,
    retrieved) followed by the body. Raises ContentError if it is malformed."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ContentError(name, "(file)", f"cannot read: {exc.strerror}") from exc
    match = re.match(r"^---\n(.*?)\n---\n(.*)$", text, re.S)
    if not match:
        raise ContentError(name, "(front matter)", "must start with a '---' YAML block")
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise ContentError(name, "(front matter)", f"not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise ContentError(name, "(front matter)", "must be a mapping")
    for key in ("title", "publisher", "url", "retrieved"):
        if not str(meta.get(key) or "").strip():
            raise ContentError(name, "(front matter)", f"missing field '{key}'")
    body = re.sub(r"<!--.*?-->", "", match.group(2), flags=re.S).strip()
    if not body:
        raise ContentError(name, "(body)", "the article body is empty")
    return Article(
        title=str(meta["title"]).strip(),
        publisher=str(meta["publisher"]).strip(),
        url=str(meta["url"]).strip(),
        retrieved=str(meta["retrieved"]).strip(),
        body=body,
    )


def load_faq(faq_path: Path, article_path: Path) -> FaqCatalog:
    """The validated catalogue from `faq_path`, with every quote checked
    against the article copy at `article_path`. Raises ContentError on a
    missing field, a duplicate id, an unknown kind, an over-long answer, a
    source that is not the article, or a quote not found in the article."""
    article = load_article(article_path)
    article_text = normalise_quote_text(article.body)
    name = str(faq_path)
    data = read_yaml(faq_path, dict)
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list) or not data["entries"]:
        raise ContentError(name, "(file)", "needs a non-empty 'entries' list")

    entries: list[FaqEntry] = []
    seen: set[str] = set()
    for position, raw in enumerate(data["entries"], start=1):
        label = f"entry #{position}"
        if isinstance(raw, dict) and isinstance(raw.get("id"), str):
            label = raw["id"]
        entry = _entry(raw, name, label, article, article_text)
        if entry.id in seen:
            raise ContentError(name, label, "duplicate id")
        seen.add(entry.id)
        entries.append(entry)
    return FaqCatalog(entries=tuple(entries), synonyms=MappingProxyType(_synonyms(data.get("synonyms"), name)))


def _synonyms(raw: Any, file: str) -> dict[str, str]:
    """Each variant word mapped to its canonical word."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ContentError(file, "synonyms", "must map a canonical word to a list of variants")
    mapping: dict[str, str] = {}
    for canonical, variants in raw.items():
        if not isinstance(canonical, str) or not re.fullmatch(r"[a-z0-9]+", canonical):
            raise ContentError(file, f"synonyms {canonical!r}", "canonical word must be one lower-case word")
        if not isinstance(variants, list) or not all(isinstance(v, str) and re.fullmatch(r"[a-z0-9]+", v) for v in variants):
            raise ContentError(file, f"synonyms {canonical}", "variants must be a list of single lower-case words")
        for variant in [canonical, *variants]:
            if mapping.get(variant, canonical) != canonical:
                raise ContentError(file, f"synonyms {canonical}", f"'{variant}' is already a synonym of '{mapping[variant]}'")
            mapping[variant] = canonical
    return mapping


def _entry(raw: Any, file: str, label: str, article: Article, article_text: str) -> FaqEntry:
    def fail(problem: str) -> ContentError:
        return ContentError(file, label, problem)

    if not isinstance(raw, dict):
        raise fail("must be a mapping")
    for key in ("id", "title", "kind", "answer", "source", "examples"):
        if key not in raw or raw[key] is None or raw[key] == "":
            raise fail(f"missing field '{key}'")
    entry_id, title, kind, answer = (raw[k] for k in ("id", "title", "kind", "answer"))
    if not all(isinstance(v, str) for v in (entry_id, title, kind, answer)):
        raise fail("id, title, kind and answer must be text")
    if not _ID.match(entry_id):
        raise fail(f"id '{entry_id}' must be lower-case words joined by dashes")
    if kind not in KINDS:
        raise fail(f"kind '{kind}' must be one of {', '.join(KINDS)}")
    answer = " ".join(answer.split())
    if len(answer) > MAX_ANSWER_CHARS:
        raise fail(f"answer is {len(answer)} characters, over the {MAX_ANSWER_CHARS} limit")

    source = raw["source"]
    if not isinstance(source, dict):
        raise fail("source must be a mapping with title, url and quotes")
    for key in ("title", "url", "quotes"):
        if key not in source or source[key] is None:
            raise fail(f"missing field 'source.{key}'")
    quotes = source["quotes"]
    if not isinstance(quotes, list) or not all(isinstance(q, str) and q.strip() for q in quotes):
        raise fail("source.quotes must be a list of non-empty strings")
    if kind == "answer" and not quotes:
        raise fail("an 'answer' entry needs at least one quote from the article")
    if quotes and str(source["url"]).strip() != article.url:
        # Quotes are only checked against this one article, so they must cite it.
        raise fail(f"source.url '{source['url']}' is not the article's url {article.url}")
    for quote in quotes:
        if normalise_quote_text(quote) not in article_text:
            raise fail(f"quote not found in the article: {quote[:80]!r}")

    examples = raw["examples"]
    if not isinstance(examples, list) or not examples or not all(isinstance(e, str) and e.strip() for e in examples):
        raise fail("examples must be a non-empty list of phrasings")

    return FaqEntry(
        id=entry_id,
        title=" ".join(title.split()),
        answer=answer,
        kind=kind,
        source=Source(
            title=str(source["title"]).strip(),
            url=str(source["url"]).strip(),
            quotes=tuple(" ".join(q.split()) for q in quotes),
        ),
        examples=tuple(" ".join(e.split()) for e in examples),
    )
