"""content/faq.yaml, the article copy, and the loader's validation."""
from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from bot.errors import ContentError
from bot.faq.catalog import MAX_ANSWER_CHARS, load_article, load_faq, normalise_quote_text

ROOT = Path(__file__).resolve().parents[2]
FAQ = ROOT / "content" / "faq.yaml"
ARTICLE = ROOT / "content" / "source" / "yale-ketamine-depression.md"
SHARED = ROOT.parent / "shared"
DOSE = re.compile(r"\d+\s*(mg|milligram)", re.I)
CLINICIAN = ("doctor", "clinician", "prescriber", "psychiatrist", "pharmacist", "care team", "provider")

QUOTE = "Some experience an improvement in symptoms in 24 hours or less."


@pytest.fixture(scope="module")
def catalog():
    return load_faq(FAQ, ARTICLE)


def write_faq(tmp_path: Path, entries_yaml: str) -> Path:
    path = tmp_path / "faq.yaml"
    path.write_text("entries:\n" + textwrap.indent(textwrap.dedent(entries_yaml), "  "), encoding="utf-8")
    return path


GOOD_ENTRY = f"""\
- id: how-fast
  title: How fast
  kind: answer
  answer: Some people feel better within 24 hours.
  source:
    title: Yale
    url: https://www.yalemedicine.org/news/ketamine-depression
    quotes: ["{QUOTE}"]
  examples: [how quick is it]
"""


# ---------------------------------------------------------------- the real content

def test_real_faq_loads_with_enough_entries(catalog):
    kinds = [e.kind for e in catalog.entries]
    assert kinds.count("answer") >= 15
    assert kinds.count("medical") >= 6
    assert len({e.id for e in catalog.entries}) == len(catalog.entries)
    assert catalog.get("how-fast-it-works").kind == "answer"
    assert catalog.get("no-such-entry") is None


def test_every_quote_appears_in_the_article_copy(catalog):
    body = normalise_quote_text(load_article(ARTICLE).body)
    quotes = [q for e in catalog.entries for q in e.source.quotes]
    assert quotes
    for quote in quotes:
        assert normalise_quote_text(quote) in body, quote


def test_answer_entries_cite_the_article(catalog):
    article = load_article(ARTICLE)
    for entry in catalog.entries:
        assert entry.source.url == article.url == "https://www.yalemedicine.org/news/ketamine-depression"
        if entry.kind == "answer":
            assert entry.source.quotes, entry.id


def test_article_copy_attribution():
    article = load_article(ARTICLE)
    assert article.publisher == "Yale Medicine"
    assert article.retrieved == "2026-11-26"
    assert "Ketamine & Depression" in article.title


def test_article_copy_sentences_are_the_articles_own():
    shared = SHARED / "source" / "yale-ketamine-depression.txt"
    assert shared.exists(), f"{shared} is needed to check the article copy"
    original = " ".join(shared.read_text(encoding="utf-8").split())
    body = load_article(ARTICLE).body
    sentences = re.split(r"(?<=[.”])\s+(?=[A-Z“])", " ".join(body.split()))
    assert len(sentences) >= 15  # the body has 18 sentences; a truncated copy fails here
    for sentence in sentences:
        assert sentence in original, sentence
    # The whole body, in order: everything between the header lines and the comments.
    whole = original.split("visit: https://www.yalemedicine.org/news/ketamine-depression.", 1)[1].split("21 Comments")[0]
    assert " ".join(body.split()) == whole.strip()
    # The copy is the body only: no reader comments.
    assert "Comments" not in body and "Sovereign Health" not in body


def test_answers_hold_the_key_facts(catalog):
    text = " ".join(e.answer for e in catalog.entries)
    for fact in ("17 million", "serotonin and norepinephrine", "glutamate and GABA", "anesthetic", "24 hours",
                 "synapses", "different system", "Spravato (esketamine)", "FDA", "at least two",
                 "cognitive behavioral therapy", "Yale"):
        assert fact in text, fact


def test_answers_are_short_dose_free_and_without_source_line(catalog):
    for entry in catalog.entries:
        assert len(entry.answer) <= MAX_ANSWER_CHARS, entry.id
        assert not DOSE.search(entry.answer), entry.id
        assert "http" not in entry.answer, entry.id  # the core adds the source line


def test_redirects_point_to_a_clinician(catalog):
    for entry in catalog.entries:
        if entry.kind == "medical":
            assert any(word in entry.answer.lower() for word in CLINICIAN), entry.id
            assert "article doesn't" in entry.answer or "article doesn’t" in entry.answer, entry.id


def test_answers_are_not_pasted_from_the_article(catalog):
    # Our own words: no run of 12 words copied from the article into an answer.
    article_words = " ".join(normalise_quote_text(load_article(ARTICLE).body).lower().split())
    for entry in catalog.entries:
        words = normalise_quote_text(entry.answer).lower().split()
        for i in range(len(words) - 11):
            assert " ".join(words[i : i + 12]) not in article_words, (entry.id, words[i : i + 12])


def test_examples_are_not_copied_from_the_eval_sets(catalog):
    def norm(s: str) -> str:
        return " ".join(re.findall(r"[a-z0-9]+", s.lower()))

    eval_dir = SHARED / "eval"
    assert eval_dir.exists()
    held = {norm(json.loads(l).get("q") or json.loads(l).get("text") or "")
            for f in eval_dir.glob("*.jsonl") for l in f.read_text(encoding="utf-8").splitlines() if l.strip()}
    examples = {norm(x) for e in catalog.entries for x in e.examples}
    assert not examples & held


# ------------------------------------------------------------------ validation

def test_valid_minimal_file_loads(tmp_path):
    catalog = load_faq(write_faq(tmp_path, GOOD_ENTRY), ARTICLE)
    assert catalog.entries[0].source.quotes == (QUOTE,)
    assert catalog.entries[0].examples == ("how quick is it",)


def test_missing_field_names_file_entry_and_field(tmp_path):
    path = write_faq(tmp_path, GOOD_ENTRY.replace("  title: How fast\n", ""))
    with pytest.raises(ContentError) as error:
        load_faq(path, ARTICLE)
    assert error.value.file == str(path)
    assert error.value.entry == "how-fast"
    assert "title" in error.value.problem


def test_missing_source_quotes_field(tmp_path):
    path = write_faq(tmp_path, GOOD_ENTRY.replace(f'    quotes: ["{QUOTE}"]\n', ""))
    with pytest.raises(ContentError, match="source.quotes"):
        load_faq(path, ARTICLE)


def test_duplicate_id(tmp_path):
    path = write_faq(tmp_path, GOOD_ENTRY + GOOD_ENTRY)
    with pytest.raises(ContentError) as error:
        load_faq(path, ARTICLE)
    assert error.value.entry == "how-fast" and "duplicate" in error.value.problem


def test_over_long_answer(tmp_path):
    path = write_faq(tmp_path, GOOD_ENTRY.replace("Some people feel better within 24 hours.", "word " * 150))
    with pytest.raises(ContentError, match="over the 700"):
        load_faq(path, ARTICLE)


def test_unknown_kind(tmp_path):
    path = write_faq(tmp_path, GOOD_ENTRY.replace("kind: answer", "kind: advice"))
    with pytest.raises(ContentError, match="kind"):
        load_faq(path, ARTICLE)


def test_answer_entry_needs_a_quote(tmp_path):
    path = write_faq(tmp_path, GOOD_ENTRY.replace(f'["{QUOTE}"]', "[]"))
    with pytest.raises(ContentError, match="at least one quote"):
        load_faq(path, ARTICLE)


def test_broken_quote(tmp_path):
    path = write_faq(tmp_path, GOOD_ENTRY.replace("24 hours or less", "12 hours or less"))
    with pytest.raises(ContentError) as error:
        load_faq(path, ARTICLE)
    assert error.value.entry == "how-fast" and "quote not found" in error.value.problem


def test_quote_check_forgives_typography_but_not_words(tmp_path):
    curly = "Because Ketamine seems to work on a totally different system in the brain than typical antidepressants, “that may be why"
    straight = curly.replace("“", '\\"')
    load_faq(write_faq(tmp_path, GOOD_ENTRY.replace(QUOTE, straight)), ARTICLE)
    with pytest.raises(ContentError, match="quote not found"):
        load_faq(write_faq(tmp_path, GOOD_ENTRY.replace(QUOTE, straight.replace("totally", "entirely"))), ARTICLE)
    with pytest.raises(ContentError, match="quote not found"):  # case matters too
        load_faq(write_faq(tmp_path, GOOD_ENTRY.replace(QUOTE, QUOTE.lower())), ARTICLE)


def test_quote_from_the_reader_comments_is_rejected(tmp_path):
    comment = "Starting treatment July 16, and really looking forward to it."
    with pytest.raises(ContentError, match="quote not found"):
        load_faq(write_faq(tmp_path, GOOD_ENTRY.replace(QUOTE, comment)), ARTICLE)


def test_conflicting_synonyms(tmp_path):
    path = write_faq(tmp_path, GOOD_ENTRY)
    path.write_text("synonyms:\n  fast: [quick]\n  rapid: [quick]\n" + path.read_text(), encoding="utf-8")
    with pytest.raises(ContentError, match="already a synonym"):
        load_faq(path, ARTICLE)


def test_malformed_yaml_and_missing_file(tmp_path):
    path = tmp_path / "faq.yaml"
    path.write_text("entries: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError, match="not valid YAML"):
        load_faq(path, ARTICLE)
    with pytest.raises(ContentError, match="not found"):
        load_faq(tmp_path / "absent.yaml", ARTICLE)


def test_article_without_front_matter(tmp_path):
    article = tmp_path / "article.md"
    article.write_text("Just text.\n", encoding="utf-8")
    with pytest.raises(ContentError, match="front matter"):
        load_faq(FAQ, article)
