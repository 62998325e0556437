"""Loading content/crisis_patterns.yaml: every way it can be wrong is named."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.crisis.detector import CrisisDetector
from bot.crisis.lexicon import load_patterns
from bot.crisis.signals import Tier
from bot.errors import ContentError

GOOD_ENTRY = {"id": "x", "tier": "high", "kind": "self", "pattern": r"\bwant to die\b", "comment": "why"}
NEGATION = {"cues": ["not"], "fillers": ["going"], "comment": "why"}


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "crisis_patterns.yaml"
    path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def broken(tmp_path: Path, **changes) -> ContentError:
    entry = {**GOOD_ENTRY, **changes}
    entry = {k: v for k, v in entry.items() if v is not None}
    path = write(tmp_path, {"patterns": [GOOD_ENTRY | {"id": "first"}, entry], "negation": NEGATION})
    with pytest.raises(ContentError) as info:
        load_patterns(path)
    error = info.value
    assert error.file == str(path) and str(path) in str(error)
    return error


def test_a_minimal_valid_file_loads_and_works(tmp_path):
    path = write(tmp_path, {"patterns": [GOOD_ENTRY], "negation": NEGATION})
    detector = CrisisDetector(load_patterns(path))
    assert detector.detect("I WANT TO DIE").signal.id == "x"
    assert detector.detect("i am not going want to die").tier is Tier.NONE


def test_missing_field_is_named(tmp_path):
    error = broken(tmp_path, comment=None)
    assert error.entry == "patterns[1] (id x)" and "comment" in error.problem


def test_bad_tier_is_named(tmp_path):
    error = broken(tmp_path, tier="severe")
    assert "patterns[1]" in error.entry and "tier" in error.problem and "severe" in error.problem


def test_bad_kind_is_named(tmp_path):
    assert "kind" in broken(tmp_path, kind="other").problem


def test_duplicate_id_is_named(tmp_path):
    error = broken(tmp_path, id="first")
    assert "id first" in error.entry and "duplicate id 'first'" in error.problem


def test_regex_that_does_not_compile_is_named(tmp_path):
    error = broken(tmp_path, pattern="(unclosed")
    assert "patterns[1]" in error.entry and "does not compile" in error.problem


def test_pattern_matching_everything_is_refused(tmp_path):
    assert "empty text" in broken(tmp_path, pattern="x*").problem


def test_unknown_macro_is_named(tmp_path):
    assert "<NOPE>" in broken(tmp_path, pattern="<NOPE> die").problem


def test_invalid_yaml_is_named(tmp_path):
    path = write(tmp_path, "patterns: [\n  - id: x\n   bad")
    with pytest.raises(ContentError) as info:
        load_patterns(path)
    assert info.value.file == str(path) and "YAML" in info.value.problem


def test_missing_file_and_missing_section(tmp_path):
    with pytest.raises(ContentError, match="not found"):
        load_patterns(tmp_path / "absent.yaml")
    with pytest.raises(ContentError) as info:
        load_patterns(write(tmp_path, {"negation": NEGATION}))
    assert info.value.entry == "patterns" and "missing" in info.value.problem


def test_bad_suppressor_category_is_named(tmp_path):
    suppressor = {"id": "s", "category": "vibes", "pattern": "x", "comment": "why"}
    path = write(tmp_path, {"patterns": [GOOD_ENTRY], "negation": NEGATION, "suppressors": [suppressor]})
    with pytest.raises(ContentError) as info:
        load_patterns(path)
    assert info.value.entry == "suppressors[0] (id s)" and "category" in info.value.problem
