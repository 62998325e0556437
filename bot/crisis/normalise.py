"""Normalising message text for the crisis lexicon: one pattern then covers many spellings."""
from __future__ import annotations

import html
import re
import unicodedata

from bot.crisis.lexicon import Lexicon


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
