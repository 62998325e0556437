"""The check-in conversation: the prompt, the member's answer and note, WHO-5, the low-run word."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.actions import Action, Audience, Button
from bot.checkins.who5 import Who5, meaningful_change, score_who5
from bot.clock import Clock
from bot.messages import Messages
from bot.storage.engine import Storage

LOW_MOODS = (1, 2)
LOW_RUN = 3           # this many low answers in a row bring the kind message
NOTE_MAX = 500        # characters of a note kept
ANSWER_HOURS = 20     # how long a check-in waits for its answer
NOTE_MINUTES = 30     # how long the note question waits


def local_day(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).date().isoformat()


class CheckinFlow:
    """Turns check-in replies (buttons or typed) into stored answers and kind words back."""

    def __init__(self, storage: Storage, clock: Clock, messages: Messages, who5: Who5) -> None:
        self._storage = storage
        self._clock = clock
        self._messages = messages
        self._who5 = who5

    # -- what the member is sent ----------------------------------------------------

    def mood_prompt(self, day: str) -> tuple[str, tuple[Button, ...]]:
        buttons = tuple(Button(str(n), f"ci:mood:{day}:{n}") for n in range(1, 6))
        return self._messages("checkin.prompt"), buttons + (
            Button(self._messages("checkin.skip_button"), f"ci:skip:{day}"),
        )

    def who5_prompt(self, day: str, item: int) -> tuple[str, tuple[Button, ...]]:
        lines = []
        if item == 0:
            lines.append(self._messages("checkin.who5_intro", stem=self._who5.stem))
        lines.append(self._messages("checkin.who5_item", number=item + 1, item=self._who5.items[item]))
        lines += [f"{n}. {label}" for n, label in enumerate(self._who5.answers, start=1)]
        buttons = tuple(Button(label, f"ci:who5:{day}:{item}:{n}") for n, label in enumerate(self._who5.answers))
        return "\n".join(lines), buttons

    async def await_answer(self, platform: str, user_id: str, kind: str, day: str) -> None:
        """Remember that the member was just asked, so a typed number is read as the answer."""
        flow = "who5" if kind == "who5" else "checkin_mood"
        data = {"day": day, "answers": []} if kind == "who5" else {"day": day}
        await self._storage.set_conversation(
            platform, user_id, flow, data, self._clock.now() + timedelta(hours=ANSWER_HOURS)
        )

    # -- replies --------------------------------------------------------------------

    async def mood(self, platform: str, user_id: str, day: str, value: int | None) -> list[Action]:
        """Store (or change) the day's mood; None is a skip."""
        now = self._clock.now()
        await self._storage.save_answer(platform, user_id, day, "mood", value, None, now)
        if value is None:
            await self._storage.clear_conversation(platform, user_id)
            return [Action(Audience.MEMBER, self._messages("checkin.skipped"))]
        await self._storage.set_conversation(
            platform, user_id, "checkin_note", {"day": day}, now + timedelta(minutes=NOTE_MINUTES)
        )
        actions = [Action(Audience.MEMBER, self._messages("checkin.saved", value=value))]
        if await self._low_run(platform, user_id):
            actions.append(Action(Audience.MEMBER, self._messages("checkin.low_run")))
        return actions

    async def note(self, platform: str, user_id: str, day: str, text: str) -> list[Action]:
        await self._storage.clear_conversation(platform, user_id)
        if text.strip().lower() in ("skip", "no", "none", "no thanks", "nope"):
            return [Action(Audience.MEMBER, self._messages("checkin.no_note"))]
        await self._storage.set_answer_note(platform, user_id, day, "mood", text.strip()[:NOTE_MAX])
        return [Action(Audience.MEMBER, self._messages("checkin.note_saved"))]

    async def who5_answer(self, platform: str, user_id: str, day: str, item: int, label_index: int,
                          answers: list[int]) -> list[Action]:
        """Record one WHO-5 item; ask the next, or score and store the whole questionnaire."""
        if item != len(answers) or not 0 <= label_index < len(self._who5.answers):
            text, buttons = self.who5_prompt(day, len(answers))
            return [Action(Audience.MEMBER, text, buttons=buttons)]
        answers = [*answers, self._who5.score_of(label_index)]
        now = self._clock.now()
        if len(answers) < len(self._who5.items):
            await self._storage.set_conversation(
                platform, user_id, "who5", {"day": day, "answers": answers}, now + timedelta(hours=ANSWER_HOURS)
            )
            text, buttons = self.who5_prompt(day, len(answers))
            return [Action(Audience.MEMBER, text, buttons=buttons)]
        await self._storage.clear_conversation(platform, user_id)
        score = score_who5(answers)
        previous = [a for a in await self._storage.answers(platform, user_id) if a.kind == "who5" and a.day != day]
        await self._storage.save_answer(platform, user_id, day, "who5", score.percent, json.dumps(answers), now)
        lines = [self._messages("checkin.who5_done", percent=score.percent)]
        if previous and previous[-1].value is not None and previous[-1].detail:
            before = score_who5(json.loads(previous[-1].detail))
            if meaningful_change(before, score):
                delta = score.percent - before.percent
                lines.append(self._messages("checkin.who5_change", direction="up" if delta > 0 else "down",
                                            delta=abs(delta)))
        if score.poor_wellbeing:
            lines.append(self._messages("checkin.who5_low"))
        return [Action(Audience.MEMBER, "\n".join(lines))]

    async def typed(self, platform: str, user_id: str, flow: str, data: dict, text: str) -> list[Action] | None:
        """A typed reply while a check-in waits; None when the text is not an answer to it."""
        word = text.strip().lower()
        day = data.get("day", "")
        if flow == "checkin_mood":
            if word in ("1", "2", "3", "4", "5"):
                return await self.mood(platform, user_id, day, int(word))
            if word == "skip":
                return await self.mood(platform, user_id, day, None)
            return None
        if flow == "checkin_note":
            return await self.note(platform, user_id, day, text)
        if flow == "who5":
            answers = list(data.get("answers", []))
            if word == "skip":
                await self._storage.clear_conversation(platform, user_id)
                return [Action(Audience.MEMBER, self._messages("checkin.skipped"))]
            if word.isdigit() and 1 <= int(word) <= len(self._who5.answers):
                return await self.who5_answer(platform, user_id, day, len(answers), int(word) - 1, answers)
            return [Action(Audience.MEMBER, self._messages("checkin.who5_invalid"))]
        return None

    async def pressed(self, platform: str, user_id: str, value: str, waiting: dict | None) -> list[Action]:
        """A check-in button: ci:mood:<day>:<n>, ci:skip:<day>, ci:who5:<day>:<item>:<label>."""
        parts = value.split(":")
        if len(parts) < 3 or not _is_day(parts[2]):
            raise ValueError(f"unknown check-in button {value[:40]!r}")
        if len(parts) == 4 and parts[1] == "mood" and parts[3] in ("1", "2", "3", "4", "5"):
            return await self.mood(platform, user_id, parts[2], int(parts[3]))
        if len(parts) == 3 and parts[1] == "skip":
            return await self.mood(platform, user_id, parts[2], None)
        if len(parts) == 5 and parts[1] == "who5" and parts[3].isdigit() and parts[4].isdigit():
            answers = list((waiting or {}).get("answers", [])) if (waiting or {}).get("day") == parts[2] else []
            return await self.who5_answer(platform, user_id, parts[2], int(parts[3]), int(parts[4]), answers)
        raise ValueError(f"unknown check-in button {value!r}")

    async def _low_run(self, platform: str, user_id: str) -> bool:
        moods = [a.value for a in await self._storage.answers(platform, user_id) if a.kind == "mood" and a.value]
        recent = moods[-LOW_RUN:]
        # Only when this answer completes the run, so the word comes once, not every low day after.
        return len(recent) == LOW_RUN and all(v in LOW_MOODS for v in recent) and (
            len(moods) == LOW_RUN or moods[-LOW_RUN - 1] not in LOW_MOODS
        )


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def mood_points(answers) -> list[tuple[date, int]]:
    """(day, mood) pairs for the summary and the chart, skips left out."""
    return [(date.fromisoformat(a.day), a.value) for a in answers if a.kind == "mood" and a.value is not None]
