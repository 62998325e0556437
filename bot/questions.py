"""Answering a member's question: medical redirect, FAQ answer, "Did you mean…", small talk or fallback."""
from __future__ import annotations

from dataclasses import dataclass

from bot.actions import Button, Kind
from bot.faq.catalog import FaqCatalog, FaqEntry
from bot.faq.matcher import FaqMatcher
from bot.faq.medical import MedicalQuestions
from bot.faq.smalltalk import SmallTalk
from bot.messages import Messages


@dataclass(frozen=True)
class Answer:
    kind: Kind
    text: str
    topic: str | None = None
    buttons: tuple[Button, ...] = ()
    choices: tuple[str, ...] = ()  # FAQ ids offered, for the member's numbered reply


class Questions:
    def __init__(
        self,
        catalog: FaqCatalog,
        matcher: FaqMatcher,
        medical: MedicalQuestions,
        smalltalk: SmallTalk,
        messages: Messages,
    ) -> None:
        self.catalog = catalog
        self._matcher = matcher
        self._medical = medical
        self._smalltalk = smalltalk
        self._messages = messages

    def answer(self, text: str) -> Answer:
        """What to say to a question. Medical questions are recognised before matching."""
        medical_topic = self._medical.topic(text)
        if medical_topic is not None:
            entry = self.catalog.get(medical_topic)
            return Answer(Kind.MEDICAL, self.render(entry), topic=entry.id)
        match = self._matcher.match(text)
        if match.decision == "answer" and match.entry is not None:
            return self.entry_answer(match.entry)
        small = self._smalltalk.kind(text)
        if small is not None:
            return Answer(Kind.SMALLTALK, self._messages(f"smalltalk.{small}"))
        if match.decision == "suggest" and match.candidates:
            return self.suggestion(match.candidates)
        return Answer(Kind.FALLBACK, self._messages("fallback"))

    def entry_answer(self, entry: FaqEntry) -> Answer:
        kind = Kind.MEDICAL if entry.kind == "medical" else Kind.FAQ
        return Answer(kind, self.render(entry), topic=entry.id)

    def suggestion(self, candidates: tuple[FaqEntry, ...]) -> Answer:
        lines = [self._messages("did_you_mean")]
        lines += [f"{n}. {entry.title}" for n, entry in enumerate(candidates, start=1)]
        return Answer(
            Kind.FALLBACK,
            "\n".join(lines),
            buttons=tuple(Button(entry.title, f"faq:{entry.id}") for entry in candidates),
            choices=tuple(entry.id for entry in candidates),
        )

    def render(self, entry: FaqEntry) -> str:
        footer = self._messages("answer_footer", title=entry.source.title, url=entry.source.url)
        return f"{entry.answer.strip()}\n\n{footer}"

    def topic_list(self) -> str:
        lines = [self._messages("faq_list_header")]
        lines += [f"• {e.title}" for e in self.catalog.entries if e.kind != "medical"]
        return "\n".join(lines)
