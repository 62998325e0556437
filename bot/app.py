"""The composition root: content, storage, clock and settings wired into one Haven."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.checkins.who5 import Who5, load_who5
from bot.clock import Clock, SystemClock
from bot.crisis.detector import CrisisDetector
from bot.crisis.lexicon import load_patterns
from bot.crisis.resources import CrisisResources, load_resources
from bot.faq.catalog import load_faq
from bot.faq.embedder import Embedder
from bot.faq.matcher import FaqMatcher
from bot.faq.medical import load_medical_questions
from bot.faq.smalltalk import load_smalltalk
from bot.haven import Haven
from bot.member_files import MemberFiles
from bot.messages import Messages, load_messages
from bot.metrics import Metrics
from bot.moderation.cards import Card, load_cards
from bot.questions import Questions
from bot.storage.engine import Storage, is_postgres, open_storage, sqlite_path


@dataclass(frozen=True)
class Content:
    messages: Messages
    resources: CrisisResources
    detector: CrisisDetector
    questions: Questions
    who5: Who5
    cards: dict[str, Card]


def load_content(content_dir: Path, embedder: Embedder | None = None) -> Content:
    """Load and validate every content file; raises ContentError on the first problem."""
    messages = load_messages(content_dir / "messages.yaml")
    catalog = load_faq(content_dir / "faq.yaml", content_dir / "source" / "yale-ketamine-depression.md")
    questions = Questions(
        catalog=catalog,
        matcher=FaqMatcher(catalog, embedder or Embedder.load()),
        medical=load_medical_questions(content_dir / "medical_questions.yaml", catalog),
        smalltalk=load_smalltalk(content_dir / "smalltalk.yaml"),
        messages=messages,
    )
    return Content(
        messages=messages,
        resources=load_resources(content_dir / "crisis_resources.yaml"),
        detector=CrisisDetector(load_patterns(content_dir / "crisis_patterns.yaml")),
        questions=questions,
        who5=load_who5(content_dir / "who5.yaml"),
        cards=load_cards(content_dir / "resources.yaml"),
    )


async def open_haven(
    content: Content, database: str | Path, clock: Clock | None = None, files_dir: Path | None = None,
    limit_flooding: bool = True,
) -> tuple[Haven, Storage]:
    """A ready Haven over `database` (a SQLite path, or a postgresql:// URL); the caller
    closes the storage.

    Files made for members (charts, exports) go to files_dir, by default a folder beside
    a SQLite database, or the temporary folder for PostgreSQL.
    """
    storage = await open_storage(database)
    if files_dir is None:
        files_dir = (Path(tempfile.gettempdir()) / "haven-files" if is_postgres(database)
                     else sqlite_path(database).parent / "files")
    haven = Haven(
        storage=storage,
        clock=clock or SystemClock(),
        messages=content.messages,
        resources=content.resources,
        detector=content.detector,
        questions=content.questions,
        who5=content.who5,
        cards=content.cards,
        files=MemberFiles(files_dir),
        metrics=Metrics(),
        limit_flooding=limit_flooding,
    )
    return haven, storage
