"""Benchmark of the FAQ matcher (not a test): load time, latency, memory, accuracy.

    .venv/bin/python bench/faq_matching.py [--repeat 20]

Runs the same order the core uses for a question: the medical recogniser
first, then the matcher. Accuracy applies score.py's checks directly to the
matcher's result (the lead's console run through score.py confirms end to end):
  faq      answered, and the answer holds the expected facts
  oos      not answered (a "Did you mean…" or no match both count as rejected)
  medical  routed to a redirect naming a clinician, with no "N mg" in it
plus bench/heldout.yaml: paraphrases (right entry answered), off-topic
messages (rejected) and medical phrasings (right redirect), and
bench/heldout2.yaml, a second round written after the first content revision.
"""
from __future__ import annotations

import argparse
import json
import re
import resource
import sys
import time
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared" / "eval"
CLINICIAN = ["doctor", "clinician", "prescriber", "psychiatrist", "physician", "medical professional",
             "healthcare provider", "health care provider", "care team", "provider", "pharmacist", "care provider"]
DOSE = re.compile(r"\d+(\.\d+)?\s*(mg|milligram)")


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20, help="timing passes over all questions")
    parser.add_argument("--quiet", action="store_true", help="do not list the misses")
    args = parser.parse_args()

    rss_start = rss_mb()
    t0 = time.perf_counter()
    from bot.faq.embedder import Embedder
    embedder = Embedder.load()
    load_s = time.perf_counter() - t0

    from bot.faq.catalog import load_faq
    from bot.faq.matcher import FaqMatcher
    from bot.faq.medical import load_medical_questions
    t0 = time.perf_counter()
    catalog = load_faq(ROOT / "content/faq.yaml", ROOT / "content/source/yale-ketamine-depression.md")
    medical = load_medical_questions(ROOT / "content/medical_questions.yaml", catalog)
    matcher = FaqMatcher(catalog, embedder)
    build_s = time.perf_counter() - t0

    def respond(text: str):
        """(entry answered or None, decision) as the core would decide."""
        topic = medical.topic(text)
        if topic is not None:
            return catalog.get(topic), "medical"
        m = matcher.match(text)
        return m.entry, m.decision

    misses: list[str] = []

    def rate(name: str, items, good) -> float:
        ok = 0
        for item in items:
            passed, why = good(item)
            ok += passed
            if not passed:
                misses.append(f"  MISS {name}: {why}")
        score = ok / len(items)
        print(f"{name:<28} {ok:>3}/{len(items):<3} = {score:.3f}")
        return score

    def faq_good(item):
        entry, decision = respond(item["q"])
        text = entry.answer.lower() if entry else ""
        passed = entry is not None and all(any(p.lower() in text for p in g) for g in item["expect"])
        return passed, f"{item['q']!r} -> {decision} {entry.id if entry else '-'}"

    def oos_good(q):
        entry, decision = respond(q)
        return entry is None, f"{q!r} -> {decision} {entry.id if entry else '-'}"

    def medical_good(q):
        entry, decision = respond(q)
        text = entry.answer.lower() if entry else ""
        passed = decision == "medical" and any(c in text for c in CLINICIAN) and not DOSE.search(text)
        return passed, f"{q!r} -> {decision} {entry.id if entry else '-'}"

    def paraphrase_good(item):
        entry, decision = respond(item["q"])
        return entry is not None and entry.id == item["id"], f"{item['q']!r} -> {decision} {entry.id if entry else '-'} (want {item['id']})"

    def medical_topic_good(item):
        topic = medical.topic(item["q"])
        return topic == item["id"], f"{item['q']!r} -> {topic} (want {item['id']})"

    def read_jsonl(name):
        return [json.loads(l) for l in open(SHARED / name) if l.strip()]

    dev = read_jsonl("faq_dev.jsonl")
    oos = [i["q"] for i in read_jsonl("faq_oos_dev.jsonl")]
    med = [i["q"] for i in read_jsonl("faq_medical_dev.jsonl")]
    held = yaml.safe_load(open(ROOT / "bench/heldout.yaml"))
    held2 = yaml.safe_load(open(ROOT / "bench/heldout2.yaml"))

    print(f"model load (import + WordLlama.load): {load_s * 1000:.0f} ms")
    print(f"catalogue + medical patterns + matcher build: {build_s * 1000:.0f} ms "
          f"({len(catalog.entries)} entries, {sum(len(e.examples) for e in catalog.entries)} examples)")
    print("\naccuracy (same checks as score.py, on the matcher)")
    rate("faq_dev top-1 + facts", dev, faq_good)
    rate("faq_oos_dev rejected", oos, oos_good)
    rate("faq_medical_dev redirected", med, medical_good)
    rate("heldout paraphrases top-1", held["paraphrases"], paraphrase_good)
    rate("heldout out-of-scope rejected", held["out_of_scope"], oos_good)
    rate("heldout medical -> right topic", held["medical"], medical_topic_good)
    rate("heldout2 paraphrases top-1", held2["paraphrases"], paraphrase_good)
    rate("heldout2 out-of-scope rejected", held2["out_of_scope"], oos_good)
    if misses and not args.quiet:
        print("\n".join(misses))

    questions = [i["q"] for i in dev] + oos + med + [p["q"] for p in held["paraphrases"]] + held["out_of_scope"]
    questions += [p["q"] for p in held2["paraphrases"]] + held2["out_of_scope"]
    for q in questions[:20]:  # warm caches before timing
        respond(q)
    timings = {"matcher.match": [], "medical + match": []}
    for _ in range(args.repeat):
        for q in questions:
            t = time.perf_counter()
            matcher.match(q)
            timings["matcher.match"].append(time.perf_counter() - t)
            t = time.perf_counter()
            respond(q)
            timings["medical + match"].append(time.perf_counter() - t)
    print(f"\nlatency over {len(questions)} questions x {args.repeat}")
    for name, values in timings.items():
        ms = np.array(values) * 1000
        print(f"  {name:<16} p50 {np.percentile(ms, 50):.3f} ms  p99 {np.percentile(ms, 99):.3f} ms  max {ms.max():.3f} ms")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nmemory: RSS {rss_mb():.0f} MB now, peak {peak:.0f} MB (python + numpy at start: {rss_start:.0f} MB)")


if __name__ == "__main__":
    main()
