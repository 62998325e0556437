"""The crisis detector against the real lexicon (content/crisis_patterns.yaml)."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.crisis.detector import CrisisDetector
from bot.crisis.lexicon import load_patterns
from bot.crisis.signals import Detection, Tier

ROOT = Path(__file__).resolve().parents[2]
PATTERNS = ROOT / "content" / "crisis_patterns.yaml"
CASES = yaml.safe_load((Path(__file__).parent / "cases.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def detector() -> CrisisDetector:
    return CrisisDetector(load_patterns(PATTERNS))


def tier(detector: CrisisDetector, text: str) -> Tier:
    return detector.detect(text).tier


# ------------------------------------------------------------------ tiers


def test_tier_order_and_rank():
    assert [t.rank for t in Tier] == [0, 1, 2, 3]
    assert Tier.NONE < Tier.CONCERN < Tier.HIGH < Tier.IMMINENT
    assert Tier.IMMINENT >= Tier.HIGH and not Tier.CONCERN >= Tier.HIGH


@pytest.mark.parametrize("text", ["I feel so hopeless lately", "i'm such a burden to everyone", "I hate myself"])
def test_concern_without_death_words(detector, text):
    assert tier(detector, text) is Tier.CONCERN


@pytest.mark.parametrize("text", [
    "I want to kill myself",
    "I wish I wasn't alive",
    "everyone would be better off without me",
    "no one would even notice if I died",
    "I keep thinking about ending it",
    "i don't want to exist anymore",
    "I can't go on",
    "I've started cutting myself again",
    "I burn myself when it gets bad",
])
def test_ideation_and_self_harm_are_high(detector, text):
    assert tier(detector, text) is Tier.HIGH


@pytest.mark.parametrize("text", [
    "I'm going to kill myself tonight",
    "i want to die and i'm doing it this weekend",
    "I've got 40 tablets in front of me",
    "just took the whole bottle",
    "I overdosed an hour ago",
    "the noose is ready",
    "my dad's gun is loaded and I'm holding it",
    "I'm going to jump off the bridge",
    "this is my last message. goodbye everyone, thank you for everything",
    "I'm writing my suicide note now",
])
def test_plans_times_means_attempts_and_goodbyes_are_imminent(detector, text):
    assert tier(detector, text) is Tier.IMMINENT


def test_a_time_word_lifts_ideation_to_imminent(detector):
    assert tier(detector, "i want to die") is Tier.HIGH
    lifted = detector.detect("i want to die tomorrow")
    assert lifted.tier is Tier.IMMINENT
    assert lifted.signal.id == "with_time"
    assert "desire_to_die" in [s.id for s in lifted.signals]


def test_nothing_for_ordinary_chat(detector):
    assert detector.detect("good morning, anyone up for a walk later?") == Detection(Tier.NONE, (), ())
    assert detector.detect("").signal is None


# ------------------------------------------------------------------ explanation


def test_signal_carries_pattern_id_and_comment(detector):
    detection = detector.detect("I've been cutting myself")
    assert detection.signal is not None
    assert detection.signal.id == "self_harm"
    assert detection.signal.kind == "self"
    assert detection.signal.tier is Tier.HIGH
    assert "self-harm" in detection.signal.comment.lower()


def test_signals_are_strongest_first_and_deterministic(detector):
    text = "I hate myself, I want to die, I have pills saved"
    first = detector.detect(text)
    assert [s.tier.rank for s in first.signals] == sorted((s.tier.rank for s in first.signals), reverse=True)
    assert first.signal.tier is Tier.IMMINENT
    assert detector.detect(text) == first


# ------------------------------------------------------------------ normalising


@pytest.mark.parametrize("text", [
    "kms", "i want to unalive myself", "thinking about sewer slide", "commit sudoku tbh",
    "k!ll mys3lf", "i want to k1ll myself", "su1cidal again", "s u i c i d a l", "i want to diiiiiie",
    "I WANT TO DIE", "i want to kill myslef", "thinking of sucide", "i want to\u200b die",
    "ｉ ｗａｎｔ ｔｏ ｄｉｅ", "i wanna die", "kys is the only thing i say to myself",
])
def test_slang_obfuscation_misspelling_and_caps(detector, text):
    assert tier(detector, text) >= Tier.HIGH


@pytest.mark.parametrize("text", [
    "||i want to die||",
    "> i don't want to live anymore",
    ">>> i want to die",
    "`i want to die`",
    "```\ni want to die\n```",
    "```text\ni want to die\n```",
    "*i want to die*",
    "_i want to die_",
    "~i want to die~",
    "<https://example.com|i want to die>",
    "i want to die &amp; nobody cares",
])
def test_markup_is_read_not_skipped(detector, text):
    assert tier(detector, text) is Tier.HIGH


@pytest.mark.parametrize("text", ["improving my skills", "the therapist was kind", "skilled killer whale docs",
                                  "I love the diet plan", "studied the dieback of elms", "overkill"])
def test_no_matches_inside_other_words(detector, text):
    assert tier(detector, text) is Tier.NONE


# ------------------------------------------------------------------ no alarm


@pytest.mark.parametrize("text", [
    # figures of speech
    "this assignment is killing me", "I could die of embarrassment", "dying of laughter rn",
    "that pasta was to die for", "dead tired today", "she killed that performance", "my phone died",
    "I'd rather die than go to that meeting",
    # technical
    "kill the process and restart the server", "kill -9 1234", "the build died again", "remove dead code",
    # fiction, media, games
    "the hero dies at the end", "just finished 13 Reasons Why", "Suicide Squad is on tv",
    "he killed me in the game", "I died in minecraft again",
    # everyday
    "end the call please", "cutting back on caffeine", "finished my pills for the antibiotic course",
    "jumped for joy", "goodbye for today everyone", "took 2 tablets for my headache",
    # grief
    "my grandfather passed away last year", "my cat died last week",
    # negation
    "I'm not suicidal, just tired", "I would never hurt myself", "i am not going to kill myself",
    # questions about the topic
    "can ketamine help suicidal thoughts?", "does esketamine reduce suicidal ideation",
    "what should I do if a friend is suicidal?",
])
def test_no_alarm(detector, text):
    assert tier(detector, text) < Tier.HIGH, detector.detect(text).signals


@pytest.mark.parametrize("text", [
    "I don't want to live anymore", "I can't go on", "i'm not okay, i want to die",
    "i can't stop thinking about killing myself", "I don't know why I want to die",
    "not sure i want to live",
])
def test_negation_never_hides_a_real_statement(detector, text):
    assert tier(detector, text) >= Tier.HIGH


def test_question_with_first_person_risk_still_fires(detector):
    assert tier(detector, "can ketamine help? i want to kill myself") is Tier.HIGH


# ------------------------------------------------------------------ harassment


@pytest.mark.parametrize("text", ["kys loser", "@bob just kys", "you should kill yourself", "go die in a hole",
                                  "<@12345> kys"])
def test_harassment_is_separate_from_self_risk(detector, text):
    detection = detector.detect(text)
    assert detection.tier is Tier.NONE
    assert detection.harassment and detection.harassment[0].kind == "harassment"


@pytest.mark.parametrize("text", ["kys is what i tell myself every day", "i should just kys", "i want to go die"])
def test_self_directed_kys_is_self_risk_not_harassment(detector, text):
    detection = detector.detect(text)
    assert detection.tier >= Tier.HIGH
    assert detection.harassment == ()


def test_harassment_and_self_risk_together(detector):
    detection = detector.detect("kys loser. and honestly i want to die too")
    assert detection.tier is Tier.HIGH and detection.harassment


def test_caring_do_not_is_not_harassment(detector):
    assert detector.detect("please don't kill yourself, we love you").harassment == ()


# ------------------------------------------------------------------ own labelled set


@pytest.mark.parametrize("case", CASES["crisis"], ids=lambda c: c["text"][:40])
def test_own_crisis_cases(detector, case):
    found = detector.detect(case["text"])
    assert found.tier >= Tier.HIGH, found
    if "tier" in case:
        assert found.tier.value == case["tier"], found


@pytest.mark.parametrize("case", CASES["benign"], ids=lambda c: c["text"][:40])
def test_own_benign_cases(detector, case):
    assert detector.detect(case["text"]).tier < Tier.HIGH


def test_long_message_is_still_read(detector):
    text = "nothing much happened today, the weather was grey. " * 400 + "||i want to die||"
    assert tier(detector, text) is Tier.HIGH
