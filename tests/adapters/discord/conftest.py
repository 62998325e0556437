"""A local stand-in for Discord's REST API that records what the bot sends, and gateway
payloads shaped like the ones documented at discord.com/developers/docs (GUILD_CREATE,
MESSAGE_CREATE, INTERACTION_CREATE)."""
from __future__ import annotations

import asyncio
import itertools
import json
from dataclasses import dataclass, field

import pytest
from aiohttp import web

import discord.http

APP_ID = "1500000000000000001"          # the application; the bot user has the same id
GUILD_ID = "1100000000000000001"
GENERAL = "1300000000000000001"
MODS = "1300000000000000002"
THREAD = "1300000000000000003"
EVERYONE_ROLE = GUILD_ID
MOD_ROLE = "1200000000000000002"
ANA = "1600000000000000001"             # a member
MO = "1600000000000000002"              # a moderator (the Moderators role has Manage Messages)
TIMESTAMP = "2026-11-26T18:00:00.000000+00:00"

BOT_USER = {"id": APP_ID, "username": "Haven", "discriminator": "0", "global_name": None, "avatar": None,
            "bot": True, "verified": True, "mfa_enabled": False, "flags": 0, "public_flags": 0}


def user(uid: str, name: str) -> dict:
    return {"id": uid, "username": name, "discriminator": "0", "global_name": name.title(), "avatar": None,
            "public_flags": 0}


def guild_member(uid: str, name: str, roles: list[str]) -> dict:
    return {"user": user(uid, name), "roles": roles, "joined_at": TIMESTAMP, "deaf": False, "mute": False,
            "flags": 0, "nick": None, "avatar": None, "premium_since": None, "pending": False}


def text_channel(cid: str, name: str, position: int) -> dict:
    return {"id": cid, "type": 0, "guild_id": GUILD_ID, "name": name, "position": position,
            "permission_overwrites": [], "nsfw": False, "parent_id": None, "topic": None,
            "last_message_id": None, "rate_limit_per_user": 0}


def guild_create() -> dict:
    """GUILD_CREATE, as sent after READY for each server (guilds intent)."""
    return {
        "id": GUILD_ID, "name": "Haven Test Server", "icon": None, "splash": None, "discovery_splash": None,
        "owner_id": "1600000000000000009", "afk_channel_id": None, "afk_timeout": 300,
        "verification_level": 1, "default_message_notifications": 1, "explicit_content_filter": 2,
        "features": [], "mfa_level": 0, "application_id": None, "system_channel_id": GENERAL,
        "system_channel_flags": 0, "rules_channel_id": None, "vanity_url_code": None, "description": None,
        "banner": None, "premium_tier": 0, "premium_subscription_count": 0, "preferred_locale": "en-US",
        "public_updates_channel_id": None, "nsfw_level": 0, "premium_progress_bar_enabled": False,
        "joined_at": TIMESTAMP, "large": False, "unavailable": False, "member_count": 3,
        "roles": [
            {"id": EVERYONE_ROLE, "name": "@everyone", "color": 0, "hoist": False, "icon": None,
             "unicode_emoji": None, "position": 0, "permissions": "2248473465835073", "managed": False,
             "mentionable": False, "flags": 0},
            {"id": MOD_ROLE, "name": "Moderators", "color": 3447003, "hoist": True, "icon": None,
             "unicode_emoji": None, "position": 1, "permissions": str(1 << 13), "managed": False,
             "mentionable": True, "flags": 0},
        ],
        "emojis": [], "stickers": [], "voice_states": [], "presences": [], "stage_instances": [],
        "guild_scheduled_events": [], "soundboard_sounds": [],
        "members": [guild_member(APP_ID, "Haven", [])],
        "channels": [text_channel(GENERAL, "general", 0), text_channel(MODS, "moderators", 1)],
        "threads": [{
            "id": THREAD, "type": 11, "guild_id": GUILD_ID, "parent_id": GENERAL, "owner_id": ANA,
            "name": "rough week", "last_message_id": None, "rate_limit_per_user": 0, "message_count": 1,
            "member_count": 1, "flags": 0,
            "thread_metadata": {"archived": False, "auto_archive_duration": 1440, "archive_timestamp": TIMESTAMP,
                                "locked": False, "create_timestamp": TIMESTAMP},
        }],
    }


_ids = itertools.count(1700000000000000001)


def message_create(content: str, *, author: str = ANA, name: str = "ana", channel: str = GENERAL,
                   guild: bool = True, roles: list[str] | None = None, mentions: list[dict] | None = None) -> dict:
    """MESSAGE_CREATE: in a server it carries guild_id and a partial `member`; in a DM neither."""
    payload = {
        "id": str(next(_ids)), "channel_id": channel, "author": user(author, name), "content": content,
        "timestamp": TIMESTAMP, "edited_timestamp": None, "tts": False, "mention_everyone": False,
        "mentions": mentions or [], "mention_roles": [], "attachments": [], "embeds": [], "pinned": False,
        "type": 0, "flags": 0, "components": [], "nonce": "1", "referenced_message": None,
    }
    if guild:
        payload["guild_id"] = GUILD_ID
        payload["member"] = {"roles": roles or [], "joined_at": TIMESTAMP, "deaf": False, "mute": False,
                             "flags": 0, "nick": None, "avatar": None, "premium_since": None, "pending": False}
    return payload


def _interaction_base(kind: int, *, author: str, name: str, roles: list[str], permissions: str,
                      channel: str = GENERAL, guild: bool = True) -> dict:
    payload = {
        "id": str(next(_ids)), "application_id": APP_ID, "type": kind, "token": f"itoken-{next(_ids)}",
        "version": 1, "locale": "en-GB", "app_permissions": "2248473465835073", "entitlements": [],
        "authorizing_integration_owners": {"0": GUILD_ID} if guild else {"1": author},
        "context": 0 if guild else 1, "attachment_size_limit": 10485760,
        "channel_id": channel,
    }
    if guild:
        payload["guild_id"] = GUILD_ID
        payload["guild"] = {"id": GUILD_ID, "locale": "en-US", "features": []}
        payload["guild_locale"] = "en-US"
        payload["channel"] = {"id": channel, "type": 0, "guild_id": GUILD_ID, "name": "general", "position": 0,
                              "permission_overwrites": [], "nsfw": False, "parent_id": None, "flags": 0,
                              "last_message_id": None, "rate_limit_per_user": 0, "topic": None,
                              "permissions": permissions}
        payload["member"] = {**guild_member(author, name, roles), "permissions": permissions}
    else:
        payload["channel"] = {"id": channel, "type": 1, "flags": 0, "last_message_id": None,
                              "recipients": [user(author, name)]}
        payload["user"] = user(author, name)
    return payload


MEMBER_PERMISSIONS = str((1 << 10) | (1 << 11) | (1 << 31))        # view, send, use application commands
MODERATOR_PERMISSIONS = str(int(MEMBER_PERMISSIONS) | (1 << 13))    # + manage messages


def slash_command(name: str, options: list[dict] | None = None, *, author: str = ANA, name_: str = "ana",
                  roles: list[str] | None = None, permissions: str = MEMBER_PERMISSIONS, guild: bool = True,
                  channel: str = GENERAL) -> dict:
    """INTERACTION_CREATE type 2 (APPLICATION_COMMAND), a CHAT_INPUT command."""
    payload = _interaction_base(2, author=author, name=name_, roles=roles or [], permissions=permissions,
                                channel=channel, guild=guild)
    payload["data"] = {"id": str(next(_ids)), "name": name, "type": 1, "options": options or []}
    if guild:
        payload["data"]["guild_id"] = GUILD_ID
    return payload


def button_click(custom_id: str, message: dict, *, author: str = ANA, name_: str = "ana",
                 roles: list[str] | None = None, permissions: str = MEMBER_PERMISSIONS, guild: bool = True) -> dict:
    """INTERACTION_CREATE type 3 (MESSAGE_COMPONENT) for a button on `message`."""
    payload = _interaction_base(3, author=author, name=name_, roles=roles or [], permissions=permissions,
                                channel=message["channel_id"], guild=guild)
    payload["data"] = {"custom_id": custom_id, "component_type": 2}
    payload["message"] = message
    return payload


@dataclass
class Request:
    method: str
    path: str           # without the /api/v10 prefix
    query: dict
    json: dict | list | None
    files: list[str] = field(default_factory=list)


class FakeDiscord:
    """Answers the REST calls the bot makes, like Discord would, and records each one."""

    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.closed_dms: set[str] = set()        # users whose DMs are closed (403, code 50007)
        self._dm_of: dict[str, str] = {}         # DM channel id -> user id
        self._ids = itertools.count(1800000000000000001)
        self.runner: web.AppRunner | None = None
        self.base = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/v10/{tail:.*}", self._handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.base = f"http://127.0.0.1:{port}/api/v10"

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    # -- what tests look at -------------------------------------------------------

    def sent(self, method: str | None = None, prefix: str = "") -> list[Request]:
        return [r for r in self.requests if (method is None or r.method == method) and r.path.startswith(prefix)]

    def channel_messages(self, channel_id: str) -> list[Request]:
        return self.sent("POST", f"/channels/{channel_id}/messages")

    def dm_messages(self, user_id: str) -> list[Request]:
        channels = {cid for cid, uid in self._dm_of.items() if uid == user_id}
        return [r for r in self.sent("POST", "/channels/") if r.path.split("/")[2] in channels]

    def dm_channel(self, user_id: str) -> str:
        return f"19{user_id[2:]}"

    def message(self, channel_id: str, body: dict) -> dict:
        return {
            "id": str(next(self._ids)), "channel_id": channel_id, "author": BOT_USER,
            "content": body.get("content") or "", "timestamp": TIMESTAMP, "edited_timestamp": None,
            "tts": False, "mention_everyone": False, "mentions": [], "mention_roles": [], "attachments": [],
            "embeds": body.get("embeds") or [], "pinned": False, "type": 0, "flags": body.get("flags") or 0,
            "components": body.get("components") or [],
        }

    # -- the API ------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body, files = None, []
        if request.content_type == "multipart/form-data":
            reader = await request.multipart()
            async for part in reader:
                if part.name == "payload_json":
                    body = json.loads(await part.text())
                else:
                    await part.read()
                    files.append(part.filename)
        elif request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw else None
        self.requests.append(Request(request.method, path, dict(request.query), body, files))
        return self._answer(request.method, path, body or {})

    def _answer(self, method: str, path: str, body: dict) -> web.Response:
        parts = path.strip("/").split("/")
        if path == "/users/@me":
            return _json(BOT_USER)
        if path == "/oauth2/applications/@me":
            return _json({
                "id": APP_ID, "name": "Haven", "icon": None, "description": "", "bot_public": False,
                "bot_require_code_grant": False, "owner": user("1600000000000000009", "owner"),
                "verify_key": "00" * 32, "flags": 1 << 19, "team": None, "summary": "",
                "interactions_endpoint_url": None,
            })
        if parts[0] == "applications" and method == "PUT":
            return _json([{**c, "id": str(next(self._ids)), "application_id": APP_ID, "version": "1"}
                                      for c in body])
        if path == "/users/@me/channels":
            uid = body["recipient_id"]
            cid = self.dm_channel(str(uid))
            self._dm_of[cid] = str(uid)
            return _json({"id": cid, "type": 1, "last_message_id": None, "flags": 0,
                                      "recipients": [user(str(uid), "member")]})
        if parts[0] == "channels" and parts[2:] == ["messages"] and method == "POST":
            if self._dm_of.get(parts[1]) in self.closed_dms:
                return _json({"message": "Cannot send messages to this user", "code": 50007},
                                         status=403)
            return _json(self.message(parts[1], body))
        if parts[0] == "interactions" and parts[-1] == "callback":
            data = body.get("data") or {}
            return _json({"interaction": {
                "id": parts[1], "type": 2, "response_message_loading": body.get("type") == 5,
                "response_message_ephemeral": bool((data.get("flags") or 0) & 64)}})
        if parts[0] == "webhooks":
            if method == "DELETE":
                return web.Response(status=204)
            return _json(self.message(GENERAL, body))
        return _json({"message": "404: Not Found", "code": 0}, status=404)


def _json(data, status: int = 200) -> web.Response:
    # Exactly "application/json", as Discord sends it: discord.py compares the header as is.
    return web.Response(body=json.dumps(data).encode(), status=status, headers={"Content-Type": "application/json"})


@pytest.fixture
async def fake_discord():
    server = FakeDiscord()
    await server.start()
    saved = discord.http.Route.BASE
    discord.http.Route.BASE = server.base
    try:
        yield server
    finally:
        discord.http.Route.BASE = saved
        await server.stop()


async def settle(timeout: float = 10.0) -> None:
    """Wait until every task discord.py started for the events fed so far has finished."""
    names = ("discord.py: ", "CommandTree-invoker", "discord-ui-")
    current = asyncio.current_task()

    async def drain() -> None:
        while True:
            await asyncio.sleep(0)
            pending = [t for t in asyncio.all_tasks() if t is not current and not t.done()
                       and t.get_name().startswith(names)]
            if not pending:
                return
            await asyncio.gather(*pending, return_exceptions=True)

    await asyncio.wait_for(drain(), timeout)


@pytest.fixture
def gw():
    """The payload builders and ids above, for the test modules (conftest is not importable)."""
    from types import SimpleNamespace
    names = ("APP_ID", "GUILD_ID", "GENERAL", "MODS", "THREAD", "MOD_ROLE", "ANA", "MO", "MEMBER_PERMISSIONS",
             "MODERATOR_PERMISSIONS", "BOT_USER", "guild_create", "message_create", "slash_command",
             "button_click", "user", "settle")
    return SimpleNamespace(**{name: globals()[name] for name in names})


@pytest.fixture
async def core(content, clock, db_path):
    """The real core over a real SQLite file, with this server's moderator channel and role set."""
    from bot.app import open_haven

    haven, storage = await open_haven(content, db_path, clock)
    await storage.set_setting("discord", GUILD_ID, "moderator_channel", MODS, "test", clock.now())
    await storage.set_setting("discord", GUILD_ID, "moderator_roles", MOD_ROLE, "test", clock.now())
    yield haven, storage
    await storage.close()


@pytest.fixture
async def connect(fake_discord, content):
    """connect(haven) -> a logged-in HavenClient (REST only, never the gateway) that has seen
    GUILD_CREATE for the test server. Every client made is closed at the end."""
    from adapters.discord.client import HavenClient
    from adapters.discord.settings import DiscordSettings
    from adapters.discord.slash import choices_from_content

    clients = []

    async def make(haven, **settings) -> HavenClient:
        client = HavenClient(haven, DiscordSettings(token="test-token", **settings), choices_from_content(content))
        clients.append(client)
        await client.login("test-token")
        client._connection.parse_guild_create(guild_create())
        await settle()
        return client

    yield make
    for client in clients:
        await client.close()
