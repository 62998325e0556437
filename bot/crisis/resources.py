"""Crisis lines by country, from content/crisis_resources.yaml, validated on load."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from bot.content_file import read_yaml
from bot.errors import ContentError

# Common names members type that are not ISO 3166 codes.
ALIASES = {"UK": "GB", "EN": "GB", "USA": "US"}


@dataclass(frozen=True)
class Line:
    name: str
    call: str
    text: str
    chat: str
    hours: str
    source: str
    last_checked: dt.date

    def describe(self) -> str:
        """One line for a member: the service and how to reach it."""
        ways = []
        if self.call:
            ways.append(f"call {self.call}")
        if self.text:
            ways.append(f"text {self.text}")
        if self.chat:
            ways.append(f"chat {self.chat}")
        return f"{self.name}: {', '.join(ways)} ({self.hours})"


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    emergency: str
    lines: tuple[Line, ...]
    what_to_expect: str


@dataclass(frozen=True)
class Directory:
    name: str
    url: str
    description: str


@dataclass(frozen=True)
class CrisisResources:
    countries: dict[str, Country]
    directory: Directory

    def lookup(self, code: str | None) -> Country | None:
        if not code:
            return None
        code = code.strip().upper()
        return self.countries.get(ALIASES.get(code, code))

    def for_member(self, member_code: str | None, default_code: str) -> Country:
        """The member's country if known, else the community default, else the US."""
        return self.lookup(member_code) or self.lookup(default_code) or self.countries["US"]


def _text(path: Path, entry: str, data: dict, key: str, required: bool = True) -> str:
    value = data.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, (str, int)) or (required and not str(value).strip()):
        raise ContentError(str(path), entry, f"'{key}' must be non-empty text")
    return str(value).strip()


def _url(path: Path, entry: str, data: dict, key: str, required: bool = True) -> str:
    value = _text(path, entry, data, key, required)
    if value and not re.match(r"https://\S+$", value):
        raise ContentError(str(path), entry, f"'{key}' must be an https:// link")
    return value


def load_resources(path: Path) -> CrisisResources:
    """Load and validate; raises ContentError naming the file, the entry and the problem."""
    data = read_yaml(path, dict)
    directory = data.get("directory")
    if not isinstance(directory, dict):
        raise ContentError(str(path), "directory", "missing the fallback directory")
    countries_data = data.get("countries")
    if not isinstance(countries_data, dict) or not countries_data:
        raise ContentError(str(path), "countries", "must map country codes to their lines")
    countries: dict[str, Country] = {}
    for code, entry in countries_data.items():
        where = f"countries.{code}"
        if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{2}", code):
            raise ContentError(str(path), where, "country code must be two capital letters (ISO 3166)")
        if not isinstance(entry, dict):
            raise ContentError(str(path), where, "must be a mapping")
        raw_lines = entry.get("lines")
        if not isinstance(raw_lines, list) or not raw_lines:
            raise ContentError(str(path), where, "needs at least one line")
        lines = []
        for index, raw in enumerate(raw_lines):
            line_where = f"{where}.lines[{index}]"
            if not isinstance(raw, dict):
                raise ContentError(str(path), line_where, "must be a mapping")
            checked = raw.get("last_checked")
            if not isinstance(checked, dt.date):
                raise ContentError(str(path), line_where, "'last_checked' must be a date (YYYY-MM-DD)")
            line = Line(
                name=_text(path, line_where, raw, "name"),
                call=_text(path, line_where, raw, "call", required=False),
                text=_text(path, line_where, raw, "text", required=False),
                chat=_url(path, line_where, raw, "chat", required=False),
                hours=_text(path, line_where, raw, "hours"),
                source=_url(path, line_where, raw, "source"),
                last_checked=checked,
            )
            if not (line.call or line.text or line.chat):
                raise ContentError(str(path), line_where, "needs a way to reach it: call, text or chat")
            lines.append(line)
        countries[code] = Country(
            code=code,
            name=_text(path, where, entry, "name"),
            emergency=_text(path, where, entry, "emergency"),
            lines=tuple(lines),
            what_to_expect=_text(path, where, entry, "what_to_expect", required=False),
        )
    if "US" not in countries:
        raise ContentError(str(path), "countries.US", "the US entry is required: it is the last fallback")
    return CrisisResources(
        countries=countries,
        directory=Directory(
            name=_text(path, "directory", directory, "name"),
            url=_url(path, "directory", directory, "url"),
            description=_text(path, "directory", directory, "description"),
        ),
    )
