"""Check-ins through the core: commands, the scheduler with a moved clock, answers, export, erase."""
import asyncio
import csv
import json
import sqlite3
from datetime import datetime, timezone

from bot.actions import Audience, Kind
from bot.app import open_haven
from tests.conftest import dm, said


def texts(reply):
    return "\n".join(a.text for a in reply.actions)


async def deliver_all(haven):
    """Play the adapter: send everything due and report each send."""
    sent = await haven.tick()
    for action in sent:
        if action.receipt:
            await haven.delivered(action, ok=True)
    return [a for a in sent if a.receipt]


async def test_nothing_is_sent_to_anyone_who_did_not_opt_in(haven, clock):
    await haven.handle(dm("hello"))
    clock.advance(days=3)
    assert await deliver_all(haven) == []


async def test_start_status_and_the_first_check_in_in_the_members_zone(haven, clock):
    # 2026-11-26 18:00 UTC is 13:00 in New York: the first 19:00 check-in is 00:00 UTC on the 27th.
    reply = await haven.handle(dm("/checkin start daily 19:00 America/New_York"))
    assert "daily at 19:00 (America/New_York)" in texts(reply)
    assert "Thursday 26 November at 19:00" in texts(reply)
    status = texts(await haven.handle(dm("/checkin status")))
    assert "19:00 (America/New_York)" in status
    clock.advance(hours=5, minutes=59)
    assert await deliver_all(haven) == []
    clock.advance(minutes=1)
    sent = await deliver_all(haven)
    assert len(sent) == 1 and sent[0].user_id == "ana" and sent[0].to is Audience.MEMBER
    assert [b.value for b in sent[0].buttons][:5] == [f"ci:mood:2026-11-26:{n}" for n in range(1, 6)]
    assert await deliver_all(haven) == []  # the same slot never twice


async def test_a_bad_time_zone_gets_a_clear_message_with_an_example(haven):
    text = texts(await haven.handle(dm("/checkin start daily 19:00 Mars/Olympus")))
    assert "Mars/Olympus" in text and "Europe/London" in text
    assert "not signed up" in texts(await haven.handle(dm("/checkin status")))


async def test_typed_answer_note_and_a_change_within_the_day(haven, clock, db_path):
    await haven.handle(dm("/checkin start daily 18:30 UTC"))
    clock.advance(minutes=31)
    await deliver_all(haven)
    saved = await haven.handle(dm("2"))
    assert "2 out of 5" in texts(saved)
    await haven.handle(dm("slept badly, long day"))
    changed = await haven.handle(dm('{"ignored": true}'))  # a free-text line after the note is normal text
    assert changed.kind is not Kind.ERROR
    from tests.conftest import press
    await haven.handle(press("ci:mood:2026-11-26:4", user="ana", moderator=False))
    answers = await haven._storage.answers("console", "ana")
    assert [(a.day, a.value, a.note) for a in answers] == [("2026-11-26", 4, "slept badly, long day")]


async def test_three_low_answers_in_a_row_bring_a_kind_word_once(haven, clock):
    await haven.handle(dm("/checkin start daily 18:30 UTC"))
    words = []
    for day in range(4):
        clock.advance(days=1) if day else clock.advance(minutes=31)
        await deliver_all(haven)
        reply = await haven.handle(dm("1"))
        words.append("/crisis" in texts(reply))
        await haven.handle(dm("skip"))
    assert words == [False, False, True, False]


async def test_a_note_with_crisis_language_goes_to_the_crisis_flow(haven, clock):
    await haven.handle(dm("/checkin start daily 18:30 UTC"))
    clock.advance(minutes=31)
    await deliver_all(haven)
    await haven.handle(dm("1"))
    reply = await haven.handle(dm("i want to kill myself"))
    assert reply.kind is Kind.CRISIS
    assert [a.to for a in reply.actions] == [Audience.MEMBER, Audience.MODERATORS]


async def test_a_slot_missed_beyond_the_grace_window_is_skipped_not_sent_late(content, clock, db_path):
    haven, storage = await open_haven(content, db_path, clock)
    await haven.handle(dm("/checkin start daily 19:00 UTC"))
    await storage.close()
    clock.advance(hours=4)  # down from 18:00 to 22:00: the 19:00 slot is 3 hours late
    haven, storage = await open_haven(content, db_path, clock)
    assert await deliver_all(haven) == []
    assert "Friday 27 November at 19:00" in texts(await haven.handle(dm("/checkin status")))
    await storage.close()


async def test_a_slot_missed_within_the_grace_window_is_sent_once(content, clock, db_path):
    haven, storage = await open_haven(content, db_path, clock)
    await haven.handle(dm("/checkin start daily 19:00 UTC"))
    await storage.close()
    clock.advance(hours=2, minutes=30)  # 20:30: 90 minutes late
    haven, storage = await open_haven(content, db_path, clock)
    assert len(await deliver_all(haven)) == 1
    assert await deliver_all(haven) == []
    await storage.close()


async def test_a_crash_between_claim_and_send_neither_loses_nor_repeats_the_slot(content, clock, db_path):
    haven, storage = await open_haven(content, db_path, clock)
    await haven.handle(dm("/checkin start daily 19:00 UTC"))
    clock.advance(hours=1)
    claimed = await haven.tick()  # claimed, then the process "dies" before sending
    assert len(claimed) == 1
    await storage.close()
    haven, storage = await open_haven(content, db_path, clock)
    assert await haven.tick() == []  # the claim's lease still holds
    clock.advance(minutes=11)
    resent = await deliver_all(haven)  # the lease ran out: sent once now
    assert len(resent) == 1
    assert await haven.delivered(claimed[0], ok=True) == []  # the old claim reporting late changes nothing
    clock.advance(minutes=1)
    assert await deliver_all(haven) == []
    await storage.close()


async def test_two_loops_never_send_the_same_check_in(content, clock, db_path):
    first, store_a = await open_haven(content, db_path, clock)
    second, store_b = await open_haven(content, db_path, clock)
    for n in range(30):
        await first.handle(dm("/checkin start daily 19:00 UTC", user=f"m{n}"))
    clock.advance(hours=1)
    a, b = await asyncio.gather(first.tick(), second.tick())
    users = [x.user_id for x in a + b]
    assert sorted(users) == sorted(f"m{n}" for n in range(30))
    await store_a.close()
    await store_b.close()


async def test_repeated_delivery_failures_pause_the_member(haven, clock):
    await haven.handle(dm("/checkin start daily 19:00 UTC"))
    clock.advance(hours=1)
    for _ in range(3):
        for action in await haven.tick():
            await haven.delivered(action, ok=False)
        clock.advance(minutes=31)
    assert await haven.tick() == []
    assert "paused" in texts(await haven.handle(dm("/checkin status")))


async def test_pause_and_stop(haven, clock):
    await haven.handle(dm("/checkin start weekdays 08:30 Europe/London"))
    assert "Please give a number" in texts(await haven.handle(dm("/checkin pause soon")))
    paused = texts(await haven.handle(dm("/checkin pause 7")))
    assert "Friday 04 December at 08:30" in paused  # paused to Thu 18:00 UTC; next weekday slot
    clock.advance(days=6)
    assert await deliver_all(haven) == []
    assert "stopped" in texts(await haven.handle(dm("/checkin stop")))
    clock.advance(days=30)
    assert await deliver_all(haven) == []


async def test_wellbeing_questionnaire_is_scored_as_published(haven):
    reply = await haven.handle(dm("/checkin wellbeing"))
    assert "1 of 5" in texts(reply) and len(reply.actions[0].buttons) == 6
    for _ in range(4):
        await haven.handle(dm("4"))  # label 4 = "Less than half of the time" = 2 points
    done = texts(await haven.handle(dm("4")))
    assert "40 out of 100" in done  # raw 10 x 4
    assert "not a diagnosis" in done  # raw 10 < 13: a gentle prompt


async def test_mood_summary_and_chart(haven, clock, tmp_path):
    assert "No mood check-ins" in texts(await haven.handle(dm("/mood")))
    await haven.handle(dm("/checkin start daily 18:30 UTC"))
    for day, value in enumerate([2, 3, 4, 5]):
        clock.advance(days=1) if day else clock.advance(minutes=31)
        await deliver_all(haven)
        await haven.handle(dm(str(value)))
        await haven.handle(dm("skip"))
    reply = await haven.handle(dm("/mood"))
    text = texts(reply)
    assert "4 check-ins" in text and "average 3.5" in text and "trend up" in text
    chart = reply.actions[0].attachments[0]
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


async def test_export_holds_everything_and_forget_me_leaves_nothing(haven, clock, db_path):
    await haven.handle(dm("/region GB"))
    await haven.handle(dm("/checkin start daily 18:30 UTC"))
    clock.advance(minutes=31)
    await deliver_all(haven)
    await haven.handle(dm("2"))
    await haven.handle(dm("a private note about my week"))
    await haven.handle(said("i want to end my life"))
    await haven.handle(dm("/checkin start daily 18:30 UTC", user="bob"))

    export = await haven.handle(dm("/mydata"))
    json_path, csv_path = export.actions[0].attachments
    data = json.loads(json_path.read_text())
    assert data["region"][0]["country"] == "GB"
    assert data["checkin_answers"][0]["note"] == "a private note about my week"
    assert data["escalations"][0]["excerpt"]
    assert "a private note about my week" in csv_path.read_text()
    assert {row["table"] for row in csv.DictReader(csv_path.open())} >= {"region", "checkin_answers"}
    chart = (await haven.handle(dm("/mood"))).actions[0].attachments[0]

    ask = await haven.handle(dm("/forget-me"))
    assert "Reply 'yes'" in texts(ask)
    done = texts(await haven.handle(dm("yes")))
    assert "check-in answers and notes (1)" in done and "region (1)" in done
    assert not json_path.exists() and not chart.exists()

    with sqlite3.connect(db_path) as db:
        dump = "\n".join(db.iterdump())
        assert "private note" not in dump and "end my life" not in dump
        assert db.execute("SELECT count(*) FROM checkin_schedule WHERE user_id = 'ana'").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM checkin_schedule WHERE user_id = 'bob'").fetchone() == (1,)
    again = json.loads((await haven.handle(dm("/mydata"))).actions[0].attachments[0].read_text())
    assert again["checkin_answers"] == [] and again["region"] == [] and again["checkin_schedule"] == []
    assert all(e["excerpt"] is None for e in again["escalations"])


async def test_forget_me_needs_a_yes(haven):
    await haven.handle(dm("/region DE"))
    await haven.handle(dm("/forget-me"))
    assert "nothing was deleted" in texts(await haven.handle(dm("no wait")))
    assert "Germany" in texts(await haven.handle(dm("/region")))


async def test_a_forged_or_garbled_check_in_button_changes_nothing(haven):
    from tests.conftest import press
    for value in ("ci:mood::3", "ci:skip:", "ci:mood:yesterday:3", "ci:mood:2026-11-26:9", "ci:who5:x:0:0"):
        reply = await haven.handle(press(value, user="ana", moderator=False))
        assert reply.kind is Kind.ERROR
    assert await haven._storage.answers("console", "ana") == []
    assert "No mood check-ins" in texts(await haven.handle(dm("/mood")))
