"""The Slack adapter end to end: signed requests through Bolt's own dispatch (and over real
HTTP on loopback), the real core over a real SQLite file, and a local server standing in
for the Slack Web API that records every call and body."""
from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from urllib.parse import urlencode

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.app import SlackAdapter
from adapters.slack.settings import SlackSettings
from adapters.slack.translate import mrkdwn
from bot.actions import Action, Audience, Urgency

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
BOT_TOKEN = "xoxb-test-token"
APP_TOKEN = "xapp-test-token"
TEAM = "T0HAVEN"
WORKSPACE = "https://haven-test.slack.com/"
DAY = "2026-11-26"  # the test clock's day

USERS = {
    "U0ANA": {"id": "U0ANA", "name": "ana", "profile": {"display_name": "Ana"}},
    "U0EVE": {"id": "U0EVE", "name": "eve", "profile": {"display_name": "Eve"}},
    "U0MOD": {"id": "U0MOD", "name": "mo", "is_admin": True, "profile": {"display_name": "Mo"}},
}


class FakeSlack:
    """A local Slack Web API: answers what the adapter calls and records every body."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.uploads: dict[str, bytes] = {}
        self.refuse: dict[tuple[str, str], str] = {}  # (method, channel) -> Slack error
        self.hold_users: asyncio.Event | None = None  # users.info waits for it when set
        self._runner: web.AppRunner | None = None
        self.base = ""
        # Socket Mode: envelopes to push down the WebSocket, and the acks that come back.
        self.envelopes: asyncio.Queue[dict] = asyncio.Queue()
        self.acks: asyncio.Queue[dict] = asyncio.Queue()

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.base = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        await self._runner.cleanup()

    def called(self, method: str) -> list[dict]:
        return [body for name, body in self.calls if name == method]

    def posts_to(self, channel: str) -> list[dict]:
        return [b for b in self.called("chat.postMessage") if b["channel"] == channel]

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        token = APP_TOKEN if method == "apps.connections.open" else BOT_TOKEN
        assert request.headers.get("Authorization") == f"Bearer {token}"
        body: dict = dict(request.query)
        if request.content_type == "application/json":
            body.update(await request.json())
        elif request.can_read_body:
            body.update({k: v for k, v in (await request.post()).items()})
        self.calls.append((method, body))
        channel = body.get("channel") or body.get("channel_id") or ""
        if (method, channel) in self.refuse:
            return web.json_response({"ok": False, "error": self.refuse[(method, channel)]})
        return web.json_response(await self._answer(method, body))

    async def _answer(self, method: str, body: dict) -> dict:
        if method == "auth.test":
            return {"ok": True, "url": WORKSPACE, "team": "Haven Test", "user": "haven",
                    "team_id": TEAM, "user_id": "UBOT", "bot_id": "BBOT"}
        if method == "apps.connections.open":
            return {"ok": True, "url": f"{self.base.replace('http', 'ws')}/socket"}
        if method == "users.info":
            if self.hold_users is not None:
                await self.hold_users.wait()
            return {"ok": True, "user": USERS[body["user"]]}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + body["users"]}}
        if method == "chat.postMessage":
            return {"ok": True, "channel": body["channel"], "ts": f"1764200000.{len(self.calls):06d}"}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1764200000.{len(self.calls):06d}"}
        if method == "chat.getPermalink":
            return {"ok": True, "permalink": f"{WORKSPACE}archives/{body['channel']}/p1"}
        if method == "files.getUploadURLExternal":
            file_id = f"F{len(self.calls)}"
            return {"ok": True, "file_id": file_id, "upload_url": f"{self.base}/upload/{file_id}"}
        if method == "files.completeUploadExternal":
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in json.loads(body["files"])]}
        return {"ok": False, "error": "unknown_method"}

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1, "debug_info": {"host": "local"}})
        pushing = asyncio.ensure_future(self._push(ws))
        try:
            async for frame in ws:
                if frame.type == aiohttp.WSMsgType.TEXT:
                    await self.acks.put(json.loads(frame.data))
        finally:
            pushing.cancel()
        return ws

    async def _push(self, ws: web.WebSocketResponse) -> None:
        while True:
            await ws.send_json(await self.envelopes.get())

    async def _upload(self, request: web.Request) -> web.Response:
        self.uploads[request.match_info["file_id"]] = await request.read()
        return web.Response(text="OK")


@pytest.fixture
async def slack():
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def adapter(haven, slack):
    settings = SlackSettings(bot_token=BOT_TOKEN, signing_secret=SECRET, mode="http", host="127.0.0.1", port=0)
    client = AsyncWebClient(token=BOT_TOKEN, base_url=f"{slack.base}/api/")
    bot = SlackAdapter(haven, settings, client=client)
    yield bot
    await bot.close()


@pytest.fixture
async def moderated(haven, clock):
    """The workspace has a moderator channel and a listed moderator."""
    await haven._storage.set_setting("slack", TEAM, "moderator_channel", "C0MODS", "test", clock.now())
    await haven._storage.set_setting("slack", TEAM, "moderator_users", "U0MOD", "test", clock.now())


# -- requests as Slack sends them -----------------------------------------------------------

def headers(body: str, content_type: str, *, timestamp: int | None = None, secret: str = SECRET) -> dict:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "content-type": content_type,
        "x-slack-request-timestamp": ts,
        "x-slack-signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body),
    }


def event_body(event: dict, event_id: str = "Ev01") -> str:
    return json.dumps({
        "token": "legacy", "team_id": TEAM, "api_app_id": "A0HAVEN", "type": "event_callback",
        "event_id": event_id, "event_time": 1764200000, "event": event,
        "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}],
    })


def channel_message(text: str, user: str = "U0ANA", ts: str = "1764200000.000100", kind: str = "message",
                    channel: str = "C0GENERAL", channel_type: str = "channel", **extra) -> dict:
    event = {"type": kind, "user": user, "text": text, "ts": ts, "channel": channel,
             "event_ts": ts, "team": TEAM, **extra}
    if kind == "message":
        event["channel_type"] = channel_type
    return event


def command_body(text: str, user: str = "U0ANA", channel: str = "C0GENERAL") -> str:
    return urlencode({
        "token": "legacy", "team_id": TEAM, "team_domain": "haven-test", "channel_id": channel,
        "channel_name": "general", "user_id": user, "user_name": user.lower(), "command": "/haven",
        "text": text, "api_app_id": "A0HAVEN", "response_url": "https://hooks.slack.com/commands/T/1/x",
        "trigger_id": "1.2.3",
    })


def button_body(value: str, user: str = "U0ANA", channel: str = "DU0ANA") -> str:
    payload = {
        "type": "block_actions", "api_app_id": "A0HAVEN", "token": "legacy", "trigger_id": "1.2.3",
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "team": {"id": TEAM, "domain": "haven-test"},
        "container": {"type": "message", "message_ts": "1764199000.000100", "channel_id": channel,
                      "is_ephemeral": False},
        "channel": {"id": channel, "name": "directmessage" if channel.startswith("D") else "mods"},
        "response_url": "https://hooks.slack.com/actions/T/1/x",
        "actions": [{"type": "button", "action_id": value, "block_id": "b1", "value": value,
                     "text": {"type": "plain_text", "text": "4"}, "action_ts": "1764200001.000"}],
    }
    return urlencode({"payload": json.dumps(payload)})


JSON = "application/json"
FORM = "application/x-www-form-urlencoded"


async def dispatch(adapter: SlackAdapter, body: str, content_type: str, **signing):
    """One signed request through Bolt, then the work it queued, to the end."""
    response = await adapter.app.async_dispatch(AsyncBoltRequest(body=body, headers=headers(body, content_type,
                                                                                            **signing)))
    await adapter.drain()
    return response


def blocks_text(post: dict) -> str:
    return json.dumps(post["blocks"])


# -- the cases ----------------------------------------------------------------------

async def test_a_crisis_message_in_a_channel_gets_a_dm_and_an_alert_and_nothing_public(adapter, slack, moderated,
                                                                                        content):
    text = "<!here> i just took the whole bottle and <@U0EVE> should know"
    response = await dispatch(adapter, event_body(channel_message(text)), JSON)
    assert response.status == 200

    assert slack.called("conversations.open") == [{"users": "U0ANA"}]
    [dm] = slack.posts_to("DU0ANA")
    assert "bot" in blocks_text(dm).lower() and "911" in blocks_text(dm)  # US default: emergency first

    [alert] = slack.posts_to("C0MODS")
    alert_json = blocks_text(alert)
    # Imminent: the configured moderator is pinged on purpose, first, and in the notification.
    assert alert["blocks"][0]["text"]["text"] == "<@U0MOD>" and alert["text"].startswith("<@U0MOD> ")
    # The member's own markup is shown, never performed.
    assert "<!here>" not in json.dumps(slack.calls) and "<@U0EVE>" not in json.dumps(slack.calls)
    assert "@here i just took the whole bottle" in alert_json
    assert f"<{WORKSPACE}archives/C0GENERAL/p1764200000000100>" in alert_json
    buttons = [e for b in alert["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [b["value"] for b in buttons] == ["esc:ack:1", "esc:resolve:1"]
    assert [b["text"]["text"] for b in buttons] == [content.messages("alert.reach_out_button"),
                                                    content.messages("alert.resolve_button")]

    # Nothing in the channel: no reply, no ephemeral, no reaction.
    assert slack.posts_to("C0GENERAL") == [] and slack.called("chat.postEphemeral") == []
    assert {name for name, _ in slack.calls} <= {"auth.test", "users.info", "conversations.open", "chat.postMessage"}


async def test_an_faq_via_mention_is_answered_once_with_its_source_as_context(adapter, slack):
    ts = "1764200000.000200"
    mention = channel_message("<@UBOT> what exactly is ketamine?", ts=ts, kind="app_mention")
    twin = channel_message("<@UBOT> what exactly is ketamine?", ts=ts)
    await dispatch(adapter, event_body(mention, "Ev02"), JSON)
    await dispatch(adapter, event_body(twin, "Ev03"), JSON)

    [answer] = slack.posts_to("C0GENERAL")
    kinds = [b["type"] for b in answer["blocks"]]
    assert kinds[0] == "section" and kinds[-1] == "context"
    [context] = [b for b in answer["blocks"] if b["type"] == "context"]
    source = context["elements"][0]
    assert source["text"].startswith("Source: ") and "<https://www.yalemedicine.org/" in source["text"]
    assert source["verbatim"] is True
    assert all("Source:" not in b["text"]["text"] for b in answer["blocks"] if b["type"] == "section")
    assert answer["unfurl_links"] is False


async def test_a_mood_button_press_is_stored_in_sqlite(adapter, slack, db_path, content):
    response = await dispatch(adapter, button_body(f"ci:mood:{DAY}:4"), FORM)
    assert response.status == 200

    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT platform, user_id, day, kind, value FROM checkin_answer").fetchall()
    assert rows == [("slack", "U0ANA", DAY, "mood", 4)]
    [thanks] = slack.posts_to("DU0ANA")
    assert content.messages("checkin.saved", value=4) in blocks_text(thanks)
    assert slack.called("conversations.open") == []  # the press came from the DM itself


async def test_an_escalation_button_is_refused_for_a_non_moderator(adapter, slack, moderated, haven, content):
    await dispatch(adapter, event_body(channel_message("i just took the whole bottle")), JSON)
    slack.calls.clear()

    await dispatch(adapter, button_body("esc:resolve:1", user="U0EVE", channel="C0MODS"), FORM)

    [refusal] = slack.called("chat.postEphemeral")
    assert refusal["channel"] == "C0MODS" and refusal["user"] == "U0EVE"
    assert content.messages("moderator_only", command="this button") in blocks_text(refusal)
    assert slack.posts_to("C0MODS") == []
    assert (await haven._storage.get_escalation(1)).state == "open"
    assert ("U0EVE", "refused escalation resolve") in await haven._storage.audit_entries("slack", TEAM)

    # A workspace admin (users.info is_admin) may press it.
    await dispatch(adapter, button_body("esc:ack:1", user="U0MOD", channel="C0MODS"), FORM)
    [update] = slack.posts_to("C0MODS")
    assert "Mo (U0MOD)" in blocks_text(update)
    assert (await haven._storage.get_escalation(1)).state != "open"


async def test_a_moderator_command_is_refused_for_a_non_moderator(adapter, slack, haven, content):
    await dispatch(adapter, command_body("settings moderator_channel <#C0EVIL|evil>", user="U0EVE"), FORM)
    [refusal] = slack.called("chat.postEphemeral")
    assert content.messages("moderator_only", command="/settings") in blocks_text(refusal)
    assert "moderator_channel" not in await haven._storage.get_settings("slack", TEAM)


async def test_a_workspace_admin_sets_the_moderator_channel_by_mentioning_it(adapter, slack, haven):
    # The manifest asks Slack to escape mentions in commands, so "#mods" arrives as <#C…|mods>.
    await dispatch(adapter, command_body("settings moderator_channel <#C0MODS|mods>", user="U0MOD"), FORM)
    assert (await haven.settings("slack", TEAM)).moderator_channel == "C0MODS"
    [answer] = slack.called("chat.postEphemeral")
    assert answer["user"] == "U0MOD"


async def test_a_bad_signature_and_an_old_timestamp_are_rejected_with_401(adapter, slack, haven):
    body = event_body(channel_message("i just took the whole bottle"))
    forged = await dispatch(adapter, body, JSON, secret="not-the-secret")
    replayed = await dispatch(adapter, body, JSON, timestamp=int(time.time()) - 6 * 60)
    assert forged.status == 401 and replayed.status == 401
    assert slack.calls == []
    assert await haven._storage.open_escalations("slack", TEAM) == []


# -- acknowledging at once, over real HTTP ----------------------------------------------------

async def test_http_mode_acknowledges_before_the_work_and_rejects_bad_requests(adapter, slack, db_path):
    await adapter.start()
    url = f"http://127.0.0.1:{adapter.http_port}/slack/events"
    slack.hold_users = asyncio.Event()  # the work stalls on users.info until released
    body = command_body("region GB")
    # A bound, not a measurement: if the work ran before the ack, the request would wait on it.
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as http:
        async with http.post(url, data=body, headers=headers(body, FORM)) as response:
            assert response.status == 200 and await response.text() == ""
        # Acknowledged while the work is still waiting: nothing has been sent yet.
        assert slack.called("chat.postEphemeral") == []
        slack.hold_users.set()
        await adapter.drain()
        [answer] = slack.called("chat.postEphemeral")
        assert answer["channel"] == "C0GENERAL" and answer["user"] == "U0ANA"

        old = int(time.time()) - 6 * 60
        for bad in (headers(body, FORM, secret="wrong"), headers(body, FORM, timestamp=old)):
            async with http.post(url, data=body, headers=bad) as response:
                assert response.status == 401

        challenge = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
        async with http.post(url, data=challenge, headers=headers(challenge, JSON)) as response:
            assert response.status == 200 and (await response.json())["challenge"] == "c-123"
    await adapter.drain()
    assert len(slack.called("chat.postEphemeral")) == 1
    with sqlite3.connect(db_path) as db:
        assert db.execute("SELECT country FROM member_region WHERE user_id = 'U0ANA'").fetchall() == [("GB",)]


async def test_socket_mode_takes_events_over_the_websocket_and_acknowledges_them(haven, slack, moderated):
    settings = SlackSettings(bot_token=BOT_TOKEN, app_token=APP_TOKEN, mode="socket")
    bot = SlackAdapter(haven, settings, client=AsyncWebClient(token=BOT_TOKEN, base_url=f"{slack.base}/api/"))
    await bot.start()
    try:
        await slack.envelopes.put({
            "envelope_id": "env-1", "type": "events_api", "accepts_response_payload": False,
            "payload": json.loads(event_body(channel_message("i just took the whole bottle"))),
        })
        ack = await asyncio.wait_for(slack.acks.get(), 10)  # a bound, not a measurement
        assert ack["envelope_id"] == "env-1"
        await bot.drain()
    finally:
        await bot.close()
    assert slack.called("apps.connections.open") and slack.posts_to("DU0ANA") and slack.posts_to("C0MODS")
    assert slack.posts_to("C0GENERAL") == []


# -- more of Slack's conventions ----------------------------------------------------------------

async def test_a_slash_command_becomes_the_core_text_command(adapter, slack, content):
    await dispatch(adapter, command_body(""), FORM)
    [help_] = slack.called("chat.postEphemeral")
    sections = [b["text"]["text"] for b in help_["blocks"] if b["type"] == "section"]
    assert "\n".join(sections) == mrkdwn(content.messages("help"))


async def test_an_ephemeral_refused_outside_haven_s_channels_falls_back_to_a_dm(adapter, slack, content):
    slack.refuse[("chat.postEphemeral", "C0ELSEWHERE")] = "channel_not_found"
    await dispatch(adapter, command_body("region DE", channel="C0ELSEWHERE"), FORM)
    [dm] = slack.posts_to("DU0ANA")
    assert "Germany" in blocks_text(dm)


async def test_the_mood_chart_is_uploaded_to_the_dm_with_the_v2_upload(adapter, slack):
    await dispatch(adapter, button_body(f"ci:mood:{DAY}:3"), FORM)
    slack.calls.clear()
    await dispatch(adapter, command_body("mood"), FORM)

    [summary] = slack.posts_to("DU0ANA")  # a file cannot be ephemeral, so all of it goes to the DM
    assert summary["blocks"]
    [url_request] = slack.called("files.getUploadURLExternal")
    assert url_request["filename"].endswith(".png") and int(url_request["length"]) > 0
    [complete] = slack.called("files.completeUploadExternal")
    assert complete["channel_id"] == "DU0ANA"
    [uploaded] = slack.uploads.values()
    assert uploaded.startswith(b"\x89PNG")


async def test_a_dm_is_answered_in_the_dm(adapter, slack):
    event = channel_message("what exactly is ketamine?", channel="DU0ANA", channel_type="im")
    await dispatch(adapter, event_body(event), JSON)
    [answer] = slack.posts_to("DU0ANA")
    assert any(b["type"] == "context" for b in answer["blocks"])
    assert slack.called("conversations.open") == []


async def test_edits_joins_and_other_bots_are_not_member_messages(adapter, slack):
    for event in (
        channel_message("i just took the whole bottle", subtype="channel_join"),
        channel_message("i just took the whole bottle", bot_id="B_OTHER"),
        {"type": "message", "subtype": "message_changed", "channel": "C0GENERAL", "ts": "1.2",
         "channel_type": "channel", "message": {"text": "hi", "user": "U0ANA"}},
    ):
        response = await dispatch(adapter, event_body(event), JSON)
        assert response.status == 200
    assert [name for name, _ in slack.calls if name != "auth.test"] == []


async def test_scheduled_sends_reach_the_member_and_the_moderator_channel(adapter, slack, moderated):
    assert await adapter.send_scheduled(Action(Audience.MEMBER, "How are you today?", platform="slack",
                                               community_id=TEAM, user_id="U0ANA"))
    assert await adapter.send_scheduled(Action(Audience.MODERATORS, "Still open: <!channel> alert 1",
                                               urgency=Urgency.LOUD, platform="slack", community_id=TEAM))
    [checkin] = slack.posts_to("DU0ANA")
    assert "How are you today?" in blocks_text(checkin)
    [reping] = slack.posts_to("C0MODS")
    assert reping["blocks"][0]["text"]["text"] == "<@U0MOD>"
    assert "&lt;!channel&gt;" in blocks_text(reping) and "<!channel>" not in blocks_text(reping)


async def test_a_scheduled_send_reports_failure(adapter, slack):
    # No moderator channel or users configured: nowhere to send.
    assert not await adapter.send_scheduled(Action(Audience.MODERATORS, "alert", platform="slack",
                                                   community_id=TEAM))
    slack.refuse[("chat.postMessage", "DU0ANA")] = "user_disabled"
    assert not await adapter.send_scheduled(Action(Audience.MEMBER, "hi", platform="slack", user_id="U0ANA"))


def test_the_manifest_asks_for_what_the_adapter_listens_to():
    import yaml
    from pathlib import Path

    from adapters.slack.translate import COMMAND

    manifest = yaml.safe_load((Path(__file__).resolve().parents[3] / "slack" / "manifest.yml").read_text())
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == [COMMAND]
    assert manifest["features"]["slash_commands"][0]["should_escape"] is True  # command_text relies on it
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {
        "app_mention", "message.channels", "message.groups", "message.im"}
    assert manifest["settings"]["interactivity"]["is_enabled"] and manifest["settings"]["socket_mode_enabled"]
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == {
        "app_mentions:read", "channels:history", "groups:history", "im:history", "chat:write", "im:write",
        "users:read", "files:write", "commands"}
    assert "user" not in manifest["oauth_config"]["scopes"]


async def test_a_refused_crisis_alert_is_paged_again_through_the_scheduled_loop(adapter, slack, moderated, haven,
                                                                                clock):
    slack.refuse[("chat.postMessage", "C0MODS")] = "channel_not_found"
    await dispatch(adapter, event_body(channel_message("i want to kill myself")), JSON)
    await adapter.drain()
    assert len(slack.posts_to("DU0ANA")) == 1
    slack.refuse.clear()
    clock.advance(minutes=1)
    repings = await haven.tick()
    assert len(repings) == 1 and await adapter.send_scheduled(repings[0])
    refused, repinged = slack.posts_to("C0MODS")  # the local server records refused calls too
    assert "Crisis alert #1" in blocks_text(refused) and "alert #1" in blocks_text(repinged)
