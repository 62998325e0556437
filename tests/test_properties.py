"""Property-based tests: whatever members type, nothing escapes, nothing pings everyone,
and everything sent fits the platform's limits."""
import io
import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.console.runner import run_jsonl
from adapters.discord.translate import MESSAGE_LIMIT, outgoing as discord_outgoing
from adapters.slack.translate import BLOCK_LIMIT, SECTION_LIMIT, render as slack_render
from bot.actions import Action, Audience, Button, Kind, Urgency
from tests.conftest import dm, said

PINGS = ["@everyone", "@here", "<!channel>", "<!here>", "<!everyone>", "<!subteam^S123>", "<@U123>",
         "<@&123>", "<@!42>"]
ZALGO = "".join(chr(c) for c in range(0x300, 0x36F))

member_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.lists(st.sampled_from(PINGS + ["**bold**", "||spoiler||", "```code```", "> quote", "\n", "\x00",
                                      "\x1b[31m", ZALGO, "kill", "die", "ketamine", " "]), max_size=40).map("".join),
    st.text(min_size=5000, max_size=12000),
)

SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                      HealthCheck.too_slow])


@SLOW
@given(text=member_text)
async def test_the_core_never_fails_on_what_a_member_types(haven, text):
    for event in (dm(text), said(text, mention=True), said(text)):
        reply = await haven.handle(event)
        assert reply.kind is not Kind.ERROR
        for action in reply.actions:
            assert isinstance(action.text, str)
        if reply.kind is Kind.CRISIS:
            # Never a public reply to a crisis (the public notice is off by default).
            assert all(action.to is not Audience.CHANNEL for action in reply.actions)


@SLOW
@given(lines=st.lists(st.binary(max_size=300).map(lambda b: b.replace(b"\n", b" ")), min_size=1, max_size=6))
async def test_any_bytes_give_exactly_one_json_line_per_line_in_order(haven, lines):
    source = io.BytesIO(b"".join(line + b"\n" for line in lines))
    sink = io.StringIO()
    await run_jsonl(haven, source, sink)
    out = [json.loads(line) for line in sink.getvalue().splitlines()]
    assert len(out) == len(lines)
    assert all(o["kind"] in {k.value for k in Kind} for o in out)


actions = st.builds(
    Action,
    to=st.sampled_from(list(Audience)),
    text=member_text,
    buttons=st.lists(st.builds(Button, label=st.text(min_size=1, max_size=120), value=st.text(min_size=1, max_size=80)),
                     max_size=8).map(tuple),
    urgency=st.sampled_from(list(Urgency)),
)


@settings(max_examples=150, deadline=None)
@given(action=actions, roles=st.lists(st.from_regex(r"[1-9][0-9]{16,18}", fullmatch=True), max_size=3))
def test_discord_output_never_pings_beyond_the_moderator_role_and_fits(action, roles):
    for part in discord_outgoing(action, roles):
        mentions = part.allowed_mentions
        assert mentions.everyone is False
        assert mentions.users is False
        if action.to is Audience.MODERATORS and action.urgency is Urgency.LOUD:
            assert {str(r.id) for r in mentions.roles} <= set(roles)
        else:
            assert mentions.roles is False
        assert part.content is None or len(part.content) <= MESSAGE_LIMIT
        for embed in part.embeds:
            assert len(embed.description or "") <= 4096 and len(embed.title or "") <= 256


@settings(max_examples=150, deadline=None)
@given(action=actions)
def test_slack_output_never_carries_a_broadcast_and_fits(action):
    for message in slack_render(action, source_footer=action.to is not Audience.MODERATORS):
        assert len(message.blocks) <= BLOCK_LIMIT
        texts = [message.text]
        for block in message.blocks:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= SECTION_LIMIT
                texts.append(block["text"]["text"])
            elif block["type"] == "context":
                texts += [e["text"] for e in block["elements"]]
            elif block["type"] == "actions":
                texts += [e["text"]["text"] for e in block["elements"]]
        for text in texts:
            assert not re.search(r"<!(channel|here|everyone|subteam)", text), text
            assert not re.search(r"<@[UW]", text), text
