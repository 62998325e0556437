"""50 concurrent writers on one SQLite file through five connections (as five processes
would): check-in answers, crisis escalations and settings. No member ever sees an error,
and nothing written is lost."""
import asyncio
import sqlite3

from bot.actions import Kind
from bot.app import open_haven
from tests.conftest import dm, press, said

WRITERS = 50
ROUNDS = 12


async def test_fifty_writers_lose_nothing_and_show_no_errors(content, clock, db_path):
    opened = [await open_haven(content, db_path, clock, limit_flooding=False) for _ in range(5)]
    havens = [haven for haven, _ in opened]

    async def writer(n: int) -> list[Kind]:
        haven = havens[n % len(havens)]
        kinds = []
        for r in range(ROUNDS):
            if n % 3 == 0:
                reply = await haven.handle(press(f"ci:mood:2026-11-{r + 1:02d}:{1 + r % 5}", user=f"w{n}",
                                                 moderator=False))
            elif n % 3 == 1:
                reply = await haven.handle(said("i want to end my life", user=f"w{n}-{r}"))
            else:
                reply = await haven.handle(said(f"/settings cooldown_minutes {r + 1}", user=f"mod{n}",
                                                is_platform_moderator=True))
            kinds.append(reply.kind)
        return kinds

    results = await asyncio.gather(*(writer(n) for n in range(WRITERS)))
    for _, storage in opened:
        await storage.close()

    assert all(kind is not Kind.ERROR for kinds in results for kind in kinds)
    answer_writers = len([n for n in range(WRITERS) if n % 3 == 0])
    crisis_writers = len([n for n in range(WRITERS) if n % 3 == 1])
    settings_writers = len([n for n in range(WRITERS) if n % 3 == 2])
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT count(*) FROM checkin_answer").fetchone() == (answer_writers * ROUNDS,)
        assert db.execute("SELECT count(*) FROM escalation").fetchone() == (crisis_writers * ROUNDS,)
        assert db.execute("SELECT count(*) FROM setting_change").fetchone() == (settings_writers * ROUNDS,)
        assert db.execute("SELECT count(*) FROM escalation_event WHERE what = 'moderators alerted'"
                          ).fetchone() == (crisis_writers * ROUNDS,)
