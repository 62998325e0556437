"""Reading a YAML content file with one clear error for every way it can be wrong."""
from __future__ import annotations

from pathlib import Path

import yaml

from bot.errors import ContentError


def read_yaml(path: Path, expected: type) -> object:
    """The parsed document, which must be of type `expected` (dict or list)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ContentError(str(path), "file", "not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(str(path), "file", f"cannot be read: {exc}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f"line {where.line + 1}" if where else "file"
        raise ContentError(str(path), line, f"is not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(data, expected):
        raise ContentError(str(path), "file", f"must be a YAML {expected.__name__}")
    return data
