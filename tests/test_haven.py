"""The core end to end through its one entry point, over a real SQLite file."""
import re

from bot.actions import Audience, Kind, Urgency
from bot.app import open_haven
from tests.conftest import dm, press, said


def to(reply, audience):
    return [a for a in reply.actions if a.to is audience]


async def test_help_and_about_say_it_is_a_bot_and_not_a_clinician(haven):
    for command in ("/help", "/about", "/HELP"):
        reply = await haven.handle(dm(command))
        assert reply.kind is Kind.COMMAND
        text = to(reply, Audience.MEMBER)[0].text.lower()
        assert "bot" in text and "not a clinician" in text


async def test_about_says_what_is_stored_and_where_answers_come_from(haven):
    text = to(await haven.handle(dm("/about")), Audience.MEMBER)[0].text
    assert "yalemedicine.org" in text and "store" in text


async def test_unknown_command_points_to_help(haven):
    reply = await haven.handle(dm("/frobnicate now"))
    assert reply.kind is Kind.COMMAND and "/help" in reply.actions[0].text


async def test_a_question_in_a_dm_gets_a_sourced_answer(haven):
    reply = await haven.handle(dm("what exactly is ketamine?"))
    assert reply.kind is Kind.FAQ and reply.topic
    text = to(reply, Audience.MEMBER)[0].text
    assert "Source: " in text and "yalemedicine.org" in text
    assert "not medical advice" in text


async def test_channel_chatter_is_left_alone_but_a_mention_or_ask_is_answered(haven):
    assert (await haven.handle(said("what exactly is ketamine?"))).kind is Kind.NONE
    mentioned = await haven.handle(said("what exactly is ketamine?", mention=True))
    assert mentioned.kind is Kind.FAQ and to(mentioned, Audience.CHANNEL)
    asked = await haven.handle(said("/ask what exactly is ketamine?"))
    assert asked.kind is Kind.FAQ and asked.topic == mentioned.topic


async def test_a_dose_question_is_redirected_without_a_dose(haven):
    reply = await haven.handle(dm("how many mg of ketamine should I take"))
    assert reply.kind is Kind.MEDICAL
    text = reply.actions[0].text.lower()
    assert re.search(r"prescriber|clinician|doctor", text)
    assert not re.search(r"\d+\s*(mg|milligram)", text)


async def test_faq_list(haven):
    reply = await haven.handle(dm("/faq"))
    assert reply.kind is Kind.COMMAND and reply.actions[0].text.count("•") >= 10


async def test_crisis_in_a_channel_goes_private_and_pages_moderators(haven):
    reply = await haven.handle(said("i don't see any reason to keep living anymore"))
    assert reply.kind is Kind.CRISIS
    assert to(reply, Audience.CHANNEL) == []
    member = to(reply, Audience.MEMBER)[0].text
    assert "988" in member and "bot" in member and "moderators" in member
    assert "findahelpline.com" in member
    alert = to(reply, Audience.MODERATORS)[0]
    assert "Crisis alert #1" in alert.text and "HIGH" in alert.text
    assert "Signal:" in alert.text and "https://chat.example/c1/general/m1" in alert.text
    assert "dis.gd" in alert.text
    assert [b.value for b in alert.buttons] == ["esc:ack:1", "esc:resolve:1"]


async def test_the_public_notice_is_a_setting(haven, clock):
    await haven._storage.set_setting("console", "c1", "public_notice", "on", "mod", clock.now())
    reply = await haven.handle(said("i want to kill myself"))
    assert [a.text for a in to(reply, Audience.CHANNEL)] == ["I've sent you a private message."]


async def test_imminent_puts_the_emergency_number_first_and_pages_loudly(haven):
    reply = await haven.handle(dm("i have the pills in my hand and i'm taking them tonight"))
    assert reply.kind is Kind.CRISIS
    member = to(reply, Audience.MEMBER)[0].text
    assert member.index("911") < member.index("988")
    assert to(reply, Audience.MODERATORS)[0].urgency is Urgency.LOUD


async def test_a_member_region_changes_the_lines(haven):
    await haven.handle(dm("/region uk"))
    reply = await haven.handle(dm("i want to die"))
    member = to(reply, Audience.MEMBER)[0].text
    assert "116 123" in member and "988" not in member
    assert "Samaritans" in to(await haven.handle(dm("/crisis")), Audience.MEMBER)[0].text


async def test_unknown_region_gets_the_directory_and_the_default(haven):
    text = to(await haven.handle(dm("/region ZZ")), Audience.MEMBER)[0].text
    assert "findahelpline.com" in text and "United States" in text
    assert "two-letter" in to(await haven.handle(dm("/region 12")), Audience.MEMBER)[0].text


async def test_crisis_command_needs_no_detection(haven):
    reply = await haven.handle(said("/help-now"))
    assert reply.kind is Kind.COMMAND
    assert "988" in to(reply, Audience.MEMBER)[0].text and to(reply, Audience.MODERATORS) == []


async def test_cooldown_holds_back_a_second_page_but_never_a_higher_tier(haven, clock):
    first = await haven.handle(said("i want to die"))
    clock.advance(minutes=5)
    second = await haven.handle(said("honestly i wish i was dead"))
    assert second.kind is Kind.CRISIS and to(second, Audience.MEMBER)
    update = to(second, Audience.MODERATORS)[0]
    assert "Update on alert #1" in update.text and not update.buttons
    clock.advance(minutes=1)
    third = await haven.handle(said("i'm going to take all my pills tonight"))
    assert "Crisis alert #2" in to(third, Audience.MODERATORS)[0].text
    clock.advance(minutes=40)
    fourth = await haven.handle(said("i want to die"))
    assert "Crisis alert #3" in to(fourth, Audience.MODERATORS)[0].text
    assert first.kind is Kind.CRISIS


async def test_concern_gets_a_gentle_private_word_and_no_page(haven):
    reply = await haven.handle(said("everything feels pointless and hopeless lately"))
    assert reply.kind is not Kind.CRISIS
    assert to(reply, Audience.MODERATORS) == [] and to(reply, Audience.CHANNEL) == []
    assert "/crisis" in to(reply, Audience.MEMBER)[0].text


async def test_kys_at_someone_else_is_a_moderation_matter(haven):
    reply = await haven.handle(said("@bob just kys already"))
    assert reply.kind is not Kind.CRISIS
    assert to(reply, Audience.MEMBER) == [] and to(reply, Audience.CHANNEL) == []
    assert "harassment" in to(reply, Audience.MODERATORS)[0].text


async def test_acknowledge_and_resolve_buttons_are_for_moderators(haven, db_path):
    await haven.handle(said("i want to end my life"))
    refused = await haven.handle(press("esc:ack:1", user="eve", moderator=False))
    assert "Only this community's moderators" in refused.actions[0].text
    assert ("eve", "refused escalation ack") in await haven._storage.audit_entries("console", "c1")
    acked = await haven.handle(press("esc:ack:1"))
    assert "mod (mod) is reaching out" in acked.actions[0].text
    again = await haven.handle(press("esc:ack:1"))
    assert "already acknowledged" in again.actions[0].text
    await haven.handle(press("esc:resolve:1"))
    escalation = await haven._storage.get_escalation(1)
    assert escalation.state == "resolved" and escalation.excerpt is None
    history = [e.what for e in await haven._storage.escalation_history(1)]
    assert history == ["detected", "member messaged", "moderators alerted", "acknowledged", "resolved"]


async def test_an_unacknowledged_imminent_alert_is_repinged_after_a_restart(content, clock, db_path):
    haven, storage = await open_haven(content, db_path, clock)
    await haven.handle(said("goodbye everyone, tonight i'm going to end it"))
    assert await haven.tick() == []
    await storage.close()

    clock.advance(minutes=6)
    haven, storage = await open_haven(content, db_path, clock)
    repings = await haven.tick()
    assert len(repings) == 1 and repings[0].urgency is Urgency.LOUD
    assert "#1" in repings[0].text and repings[0].buttons and repings[0].receipt
    assert await haven.tick() == []  # claimed
    await haven.delivered(repings[0], ok=True)
    clock.advance(minutes=4)
    assert await haven.tick() == []
    clock.advance(minutes=1)
    second = await haven.tick()  # every reping_minutes until someone acknowledges
    assert len(second) == 1
    await haven.delivered(second[0], ok=True)
    await haven.handle(press("esc:ack:1"))
    clock.advance(minutes=30)
    assert await haven.tick() == []
    assert (await storage.get_escalation(1)).ping_count == 2
    await storage.close()


async def test_a_re_ping_lost_to_a_crash_or_a_refusal_comes_again(content, clock, db_path):
    haven, storage = await open_haven(content, db_path, clock)
    await haven.handle(said("i have the rope ready and i'm doing it tonight"))
    clock.advance(minutes=6)
    claimed = await haven.tick()
    assert len(claimed) == 1
    await storage.close()  # the process dies before the platform took it

    haven, storage = await open_haven(content, db_path, clock)
    assert await haven.tick() == []
    clock.advance(minutes=2)  # the claim's lease runs out
    again = await haven.tick()
    assert [a.text for a in again] == [claimed[0].text.replace("6 min", "8 min")]
    await haven.delivered(again[0], ok=False)  # refused by the platform
    clock.advance(minutes=2)
    third = await haven.tick()
    assert len(third) == 1
    await haven.delivered(third[0], ok=True)
    assert (await storage.get_escalation(1)).ping_count == 1
    await storage.close()


async def test_a_did_you_mean_choice_survives_a_restart(content, clock, db_path):
    haven, storage = await open_haven(content, db_path, clock)
    ids = [e.id for e in content.questions.catalog.entries if e.kind != "medical"][:3]
    await storage.set_conversation("console", "ana", "choose_faq", {"ids": ids}, clock.now().replace(year=2027))
    await storage.close()
    haven, storage = await open_haven(content, db_path, clock)
    reply = await haven.handle(dm("2"))
    assert reply.kind is Kind.FAQ and reply.topic == ids[1]
    assert await storage.get_conversation("console", "ana", clock.now()) is None
    await storage.close()


async def test_a_broken_detector_does_not_lose_the_message(content, clock, db_path):
    class BrokenDetector:
        def detect(self, text):
            raise RuntimeError("pattern table corrupted")

    haven, storage = await open_haven(content, db_path, clock)
    haven._detector = BrokenDetector()
    reply = await haven.handle(dm("what exactly is ketamine?"))
    assert reply.kind is Kind.FAQ
    assert haven.metrics.counts["errors.detector"] == 1
    await storage.close()


async def test_a_database_failure_never_swallows_a_crisis(content, clock, db_path):
    haven, storage = await open_haven(content, db_path, clock)
    await storage.close()  # every query from here on fails
    reply = await haven.handle(said("i'm going to kill myself tonight"))
    assert reply.kind is Kind.CRISIS
    assert "988" in to(reply, Audience.MEMBER)[0].text
    assert "could not save" in to(reply, Audience.MODERATORS)[0].text
    assert haven.metrics.counts["errors.storage"] >= 1


async def test_a_flooding_member_is_slowed_once_but_crisis_detection_still_reads_everything(haven, clock):
    await haven.handle(said("/settings flood_per_minute 5", user="mo", is_platform_moderator=True))
    replies = [await haven.handle(dm("/faq", user="fl")) for _ in range(8)]
    kinds = [r.kind for r in replies]
    assert kinds[:5] == [Kind.COMMAND] * 5
    assert "pause answering for a minute" in replies[5].actions[0].text
    assert kinds[6:] == [Kind.NONE, Kind.NONE]
    crisis = await haven.handle(dm("i want to end my life", user="fl"))
    assert crisis.kind is Kind.CRISIS and to(crisis, Audience.MODERATORS)
    clock.advance(minutes=1)
    assert (await haven.handle(dm("/faq", user="fl"))).kind is Kind.COMMAND
    assert (await haven.handle(dm("/faq", user="other"))).kind is Kind.COMMAND


async def test_a_crisis_buried_in_a_very_long_message_is_still_found(haven):
    text = "ordinary words about my day. " * 2000 + "honestly i want to kill myself. " + "more words. " * 500
    reply = await haven.handle(said(text))
    assert reply.kind is Kind.CRISIS and to(reply, Audience.MODERATORS)
    assert len(to(reply, Audience.MODERATORS)[0].text) < 2000  # the excerpt is cut to the setting


async def test_a_refused_alert_is_paged_again_and_an_undelivered_dm_is_reported(haven, clock):
    reply = await haven.handle(said("i want to die"))  # high: no periodic re-ping of its own
    member, alert = to(reply, Audience.MEMBER)[0], to(reply, Audience.MODERATORS)[0]
    assert member.receipt and alert.receipt
    follow_ups = await haven.delivered(member, ok=False)
    assert len(follow_ups) == 1 and follow_ups[0].to is Audience.MODERATORS
    assert "could not be delivered" in follow_ups[0].text and follow_ups[0].community_id == "c1"
    assert await haven.delivered(alert, ok=False) == []
    assert await haven.tick() == []
    clock.advance(minutes=1)
    again = await haven.tick()
    assert len(again) == 1 and "#1" in again[0].text
    await haven.delivered(again[0], ok=True)
    clock.advance(minutes=30)
    assert await haven.tick() == []  # a high alert, once delivered, is not paged again
    history = [e.what for e in await haven._storage.escalation_history(1)]
    assert "member message refused" in history and "moderator alert refused" in history and "re-pinged" in history


async def test_a_delivered_alert_changes_nothing_but_the_history(haven, clock):
    reply = await haven.handle(said("i want to die"))
    for action in reply.actions:
        assert await haven.delivered(action, ok=True) == []
    clock.advance(minutes=30)
    assert await haven.tick() == []
    history = [e.what for e in await haven._storage.escalation_history(1)]
    assert history[-2:] == ["member message delivered", "moderator alert delivered"]
