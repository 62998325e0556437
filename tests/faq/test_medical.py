"""The medical-question recogniser: catches advice questions, leaves FAQ ones."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.errors import ContentError
from bot.faq.catalog import load_faq
from bot.faq.medical import load_medical_questions
from bot.faq.smalltalk import load_smalltalk

ROOT = Path(__file__).resolve().parents[2]
MEDICAL = ROOT / "content" / "medical_questions.yaml"
DOSE = re.compile(r"\d+\s*(mg|milligram)", re.I)

CAUGHT = {
    # dose / how much
    "How many mg of ketamine is a normal dose?": "dosing",
    "how much spravato should i take": "dosing",
    "what dosage did your doctor start you on": "dosing",
    "how often should i get infusions": "dosing",
    # interactions / alcohol / other drugs
    "is it safe to take esketamine with my xanax": "mixing-medicines",
    "can I have a glass of wine after a ketamine session": "mixing-medicines",
    "does spravato interact with anything": "mixing-medicines",
    "can i mix weed and ketamine": "mixing-medicines",
    # stopping / switching / tapering
    "should i come off sertraline before starting ketamine": "stopping-medicines",
    "can i stop my antidepressants now that ketamine works": "stopping-medicines",
    "how do i taper off effexor": "stopping-medicines",
    # pregnancy / breastfeeding
    "I'm pregnant, is ketamine ok?": "pregnancy",
    "can I breastfeed after an infusion": "pregnancy",
    # buying / getting it online or without prescription
    "where can i buy ketamine": "getting-ketamine",
    "can i order spravato online": "getting-ketamine",
    "any way to get ketamine without a prescription?": "getting-ketamine",
    "where could i get spravato": "getting-ketamine",
    # side effects
    "what side effects does esketamine have": "side-effects",
    "can ketamine wreck your bladder": "side-effects",
    "is ketamine dangerous": "side-effects",
    "is it safe to drive home after spravato": "side-effects",
    "can i take prozac with ketamine": "mixing-medicines",
}

NOT_MEDICAL = [
    "how much does ketamine cost",
    "how many people have depression",
    "should i combine ketamine with therapy",
    "how do i stop my depression coming back",
    "how is ketamine different from antidepressants",
    "prozac and zoloft didn't work for me, could ketamine?",
    "how many antidepressants do i have to try before ketamine",
    "ketamine is changing how depression is understood",
    "how fast does ketamine work",
    "what is spravato",
    "who are the experts",
    "who can get esketamine",
    "where does ketamine come from",
    "hello",
    "ok cool",
    "why might ketamine work when prozac didn't",
    "prozac never helped me, would ketamine?",
    "how fast does it work after treatment",
]


@pytest.fixture(scope="module")
def catalog():
    return load_faq(ROOT / "content/faq.yaml", ROOT / "content/source/yale-ketamine-depression.md")


@pytest.fixture(scope="module")
def medical(catalog):
    return load_medical_questions(MEDICAL, catalog)


@pytest.mark.parametrize("question, topic", CAUGHT.items())
def test_catches_medical_advice_questions(medical, question, topic):
    assert medical.topic(question) == topic


@pytest.mark.parametrize("question", NOT_MEDICAL)
def test_leaves_faq_and_other_questions_alone(medical, question):
    assert medical.topic(question) is None


def test_every_topic_leads_to_a_dose_free_clinician_redirect(medical, catalog):
    required = {"dosing", "mixing-medicines", "stopping-medicines", "pregnancy", "getting-ketamine", "side-effects"}
    assert required <= set(medical.topic_ids)
    for topic in medical.topic_ids:
        entry = catalog.get(topic)
        assert entry.kind == "medical"
        assert re.search(r"prescriber|doctor|clinician|pharmacist|psychiatrist", entry.answer)
        assert not DOSE.search(entry.answer)


def test_no_faq_answer_contains_a_dose(catalog):
    for entry in catalog.entries:
        assert not DOSE.search(entry.answer), entry.id


def test_curly_quotes_and_case_do_not_hide_a_question(medical):
    assert medical.topic("I’M PREGNANT — can I keep doing Spravato?") == "pregnancy"


# ------------------------------------------------------------------ validation

def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "medical.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_topic_must_be_a_medical_faq_entry(tmp_path, catalog):
    unknown = write(tmp_path, "topics:\n  - id: nope\n    patterns:\n      - {regex: 'dose', why: amounts}\n")
    with pytest.raises(ContentError, match="no FAQ entry"):
        load_medical_questions(unknown, catalog)
    answer_kind = write(tmp_path, "topics:\n  - id: how-fast-it-works\n    patterns:\n      - {regex: 'dose', why: amounts}\n")
    with pytest.raises(ContentError, match="kind 'medical'"):
        load_medical_questions(answer_kind, catalog)


def test_pattern_needs_a_why(tmp_path, catalog):
    path = write(tmp_path, "topics:\n  - id: dosing\n    patterns:\n      - {regex: 'dose'}\n")
    with pytest.raises(ContentError) as error:
        load_medical_questions(path, catalog)
    assert error.value.entry == "dosing pattern #1" and "why" in error.value.problem


def test_bad_regex_and_unknown_vocab(tmp_path, catalog):
    bad = write(tmp_path, "topics:\n  - id: dosing\n    patterns:\n      - {regex: '(dose', why: amounts}\n")
    with pytest.raises(ContentError, match="invalid regular expression"):
        load_medical_questions(bad, catalog)
    vocab = write(tmp_path, "topics:\n  - id: dosing\n    patterns:\n      - {regex: '{drugs} dose', why: amounts}\n")
    with pytest.raises(ContentError, match="unknown vocab"):
        load_medical_questions(vocab, catalog)


# ------------------------------------------------------------------ small talk

@pytest.fixture(scope="module")
def smalltalk():
    return load_smalltalk(ROOT / "content" / "smalltalk.yaml")


@pytest.mark.parametrize("text, kind", [
    ("hello", "greeting"), ("Hey there!", "greeting"), ("thanks!!", "thanks"), ("cool, thank you", "thanks"),
    ("ok cool", "ack"), ("got it", "ack"), ("bye for now", None), ("see you later", "bye"),
    ("are you a bot?", "identity"), ("what's your name", "identity"),
    ("hi, how fast does ketamine work?", None), ("ok so what is spravato", None), ("", None),
])
def test_small_talk_kinds(smalltalk, text, kind):
    assert smalltalk.kind(text) == kind


def test_small_talk_bad_regex(tmp_path):
    path = write(tmp_path, "groups:\n  - id: greeting\n    patterns: ['(hi']\n")
    with pytest.raises(ContentError, match="invalid regular expression"):
        load_smalltalk(path)
