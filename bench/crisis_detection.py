"""Crisis detector quality and latency (a benchmark, not a test).

Usage: .venv/bin/python bench/crisis_detection.py [--repeat 20] [--show-misses]

Loads content/crisis_patterns.yaml, runs CrisisDetector over
  - the shared dev set (../shared/eval/crisis_dev.jsonl beside the repository), and
  - Haven's own labelled set (tests/crisis/cases.yaml),
treating tier high or imminent as "crisis", and prints per set: recall, false-alarm
rate, and per-message detection latency p50/p99 in milliseconds (target p99 <= 2 ms).
Finally times a 100 KB message, which must not take seconds (no runaway backtracking).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.crisis.detector import CrisisDetector  # noqa: E402
from bot.crisis.lexicon import load_patterns  # noqa: E402
from bot.crisis.signals import Tier  # noqa: E402

PATTERNS = ROOT / "content" / "crisis_patterns.yaml"
DEV_SET = ROOT.parent / "shared" / "eval" / "crisis_dev.jsonl"
OWN_SET = ROOT / "tests" / "crisis" / "cases.yaml"


def dev_set() -> list[tuple[str, bool]]:
    lines = DEV_SET.read_text(encoding="utf-8").splitlines()
    return [(item["text"], bool(item["crisis"])) for item in map(json.loads, filter(str.strip, lines))]


def own_set() -> list[tuple[str, bool]]:
    data = yaml.safe_load(OWN_SET.read_text(encoding="utf-8"))
    return [(c["text"], True) for c in data["crisis"]] + [(c["text"], False) for c in data["benign"]]


def measure(detector: CrisisDetector, cases: list[tuple[str, bool]], repeat: int, show: bool) -> str:
    tp = fn = fp = tn = 0
    for text, crisis in cases:
        detection = detector.detect(text)
        flagged = detection.tier >= Tier.HIGH
        tp += crisis and flagged
        fn += crisis and not flagged
        fp += flagged and not crisis
        tn += not flagged and not crisis
        if show and flagged != crisis:
            label = "MISS" if crisis else "FALSE ALARM"
            print(f"  {label}: {text!r} -> {detection.tier.value} {[s.id for s in detection.signals]}")
    timings = []
    for _ in range(repeat):
        for text, _crisis in cases:
            start = time.perf_counter()
            detector.detect(text)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p50 = statistics.median(timings)
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
    recall = tp / (tp + fn) if tp + fn else 1.0
    fpr = fp / (fp + tn) if fp + tn else 0.0
    return (f"recall {tp}/{tp + fn} = {recall:.3f}; false alarms {fp}/{fp + tn} = {fpr:.3f}; "
            f"latency p50 {p50:.3f} ms, p99 {p99:.3f} ms over {len(timings)} runs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="timing passes over each set")
    parser.add_argument("--show-misses", action="store_true", help="print every miss and false alarm")
    args = parser.parse_args()

    start = time.perf_counter()
    detector = CrisisDetector(load_patterns(PATTERNS))
    print(f"lexicon loaded in {(time.perf_counter() - start) * 1000:.1f} ms")
    sets = [("dev set", dev_set()), ("own set", own_set())]
    for name, cases in sets:
        print(f"{name} ({len(cases)} messages): {measure(detector, cases, args.repeat, args.show_misses)}")

    # A very long message: the time must grow linearly, not explode.
    filler = "the weather was grey and I walked to the shop, nothing much happened. " * 1500
    long_text = filler[: 100_000 - 14] + " i want to die"
    start = time.perf_counter()
    detection = detector.detect(long_text)
    print(f"100 KB message: {(time.perf_counter() - start) * 1000:.1f} ms, tier {detection.tier.value}")


if __name__ == "__main__":
    main()
