"""Running the console: the JSONL loop and the interactive chat."""
from __future__ import annotations

import asyncio
import sys
from typing import BinaryIO, TextIO

from adapters.console.translate import BadLine, decode, event_input, parse_line, render_error, render_reply
from bot.actions import Action, Audience
from bot.haven import Haven


async def run_jsonl(haven: Haven, source: BinaryIO, sink: TextIO) -> int:
    """One JSON line out for every line in, in order; returns how many lines were read."""
    number = 0
    for raw in source:
        number += 1
        line = decode(raw)
        event = line if isinstance(line, BadLine) else parse_line(line, number)
        if isinstance(event, BadLine):
            sink.write(render_error(event) + "\n")
        else:
            reply = await haven.handle(event)
            sink.write(render_reply(event_input(event), reply) + "\n")
        sink.flush()
    return number


def _show(action: Action, sink: TextIO) -> None:
    label = {Audience.MEMBER: "Haven (private)", Audience.CHANNEL: "Haven (channel)",
             Audience.MODERATORS: "→ moderators"}[action.to]
    sink.write(f"\n{label}:\n{action.text}\n")
    for n, button in enumerate(action.buttons, start=1):
        sink.write(f"  [{n}] {button.label}\n")
    for path in action.attachments:
        sink.write(f"  (file: {path})\n")


async def run_interactive(haven: Haven, source: TextIO = sys.stdin, sink: TextIO = sys.stdout) -> None:
    """A chat as the test member in a DM. /quit or end of input stops it."""
    sink.write("Haven console. You are a test member in a direct message with the bot.\n"
               "Try /help, ask a question about ketamine and depression, or /quit to leave.\n")
    number = 0
    loop = asyncio.get_running_loop()
    while True:
        sink.write("\nyou> ")
        sink.flush()
        raw = await loop.run_in_executor(None, source.readline)
        if not raw or raw.strip() in ("/quit", "/exit"):
            sink.write("\n")
            return
        number += 1
        event = parse_line(raw.rstrip("\n"), number)
        if isinstance(event, BadLine):
            sink.write(f"(could not read that: {event.reason})\n")
            continue
        reply = await haven.handle(event)
        for action in [*reply.actions, *await haven.tick()]:
            _show(action, sink)
