"""Console JSONL throughput and per-message latency on a mixed stream.

Usage: .venv/bin/python bench/console_throughput.py [--messages 10000]

1. Throughput: pipes N lines through `python -m bot console --jsonl` in a subprocess
   and reports messages per second (start-up excluded by timing an empty run).
2. Latency: drives the same core in-process over a real SQLite file and reports
   p50/p99 per message and peak RSS.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# A mix like a busy support channel: mostly chatter, some questions, a few commands and
# crisis lines spread over several members (so cooldowns do not hide the escalation cost).
CHATTER = ["good morning all", "anyone else having a rough week?", "thanks for sharing that",
           "the weather here is awful", "just got back from a walk", "this homework is killing me",
           "lol same", "my therapist said something similar", "sending hugs", "ok cool"]
QUESTIONS = ["how fast does ketamine work", "is spravato approved", "what does ketamine do in the brain",
             "will insurance pay for it", "can i drink on ketamine", "who is it for",
             "why would it help if ssris did not", "what is neuroplasticity"]
COMMANDS = ["/help", "/faq", "/crisis", "/about"]
CRISIS = ["i want to kill myself", "i have the pills ready tonight", "i don't want to be alive anymore"]


def stream(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    lines = []
    for i in range(n):
        roll = rng.random()
        user = f"member{rng.randrange(500)}"
        if roll < 0.55:
            obj = {"text": rng.choice(CHATTER), "channel": "general", "user": user}
        elif roll < 0.85:
            obj = {"text": "@haven " + rng.choice(QUESTIONS), "channel": "general", "user": user}
        elif roll < 0.95:
            obj = {"text": rng.choice(COMMANDS), "user": user}
        else:
            obj = {"text": rng.choice(CRISIS), "channel": "general", "user": user}
        lines.append(json.dumps(obj))
    return lines


def run_console(lines: list[str]) -> float:
    data = "".join(line + "\n" for line in lines).encode()
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "bot", "console", "--jsonl"], input=data,
                            capture_output=True, cwd=ROOT, check=True)
    elapsed = time.perf_counter() - start
    assert len(result.stdout.splitlines()) == len(lines), "protocol broke: line counts differ"
    return elapsed


async def latencies(lines: list[str]) -> list[float]:
    from adapters.console.translate import parse_line
    from bot.app import load_content, open_haven

    content = load_content(ROOT / "content")
    with tempfile.TemporaryDirectory() as scratch:
        haven, storage = await open_haven(content, Path(scratch) / "bench.db")
        times = []
        for number, line in enumerate(lines, start=1):
            event = parse_line(line, number)
            start = time.perf_counter()
            await haven.handle(event)
            times.append(time.perf_counter() - start)
        await storage.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    lines = stream(args.messages)
    startup = min(run_console(["/help"]) for _ in range(3))
    total = run_console(lines)
    print(f"console start-up (one message): {startup:.2f} s")
    print(f"{args.messages} messages through the console: {total:.2f} s wall, "
          f"{args.messages / total:.0f} msg/s including start-up, "
          f"{args.messages / max(total - startup, 1e-9):.0f} msg/s excluding it")
    times = sorted(asyncio.run(latencies(lines)))
    p50 = statistics.median(times) * 1000
    p99 = times[int(len(times) * 0.99) - 1] * 1000
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"in-process latency per message: p50 {p50:.2f} ms, p99 {p99:.2f} ms, max {times[-1]*1000:.1f} ms; "
          f"peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
