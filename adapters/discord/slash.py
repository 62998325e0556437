"""Haven's slash commands: each one becomes the text form the core parses ("/checkin start daily
19:00 Europe/London"), so the core keeps parsing, permission checks and answers.

The options here are only typing help for members (choices, autocompletion, ranges); the
core still validates everything. Moderator commands are hidden from members by default
permissions (Manage Messages), which a server can change under Integrations, and the
core checks the member again whatever Discord shows.
"""
# No `from __future__ import annotations`: discord.py reads these callbacks' annotations
# to build the command options.
import logging
from dataclasses import dataclass, field
from typing import Awaitable, Callable, Mapping, Optional
from zoneinfo import available_timezones

import discord
from discord import app_commands

from adapters.discord.translate import command_text
from bot.community import PARSERS

log = logging.getLogger(__name__)

Run = Callable[[discord.Interaction, str], Awaitable[None]]
"""What a command does: hand the interaction and the command's text form to the client."""

CHOICES_LIMIT = 25  # Discord's cap on choices and autocomplete results
FREQUENCIES = ("daily", "weekdays", "weekly")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MODERATOR_PERMISSIONS = discord.Permissions(manage_messages=True)


@dataclass(frozen=True)
class CommandChoices:
    """Lists the options offer; the composition root fills them from Haven's content."""

    # Country code -> name, for /region autocompletion (content.resources.countries).
    countries: Mapping[str, str] = field(default_factory=dict)
    # /resources post topics (the card names in content/resources.yaml); empty: free text.
    resource_topics: tuple[str, ...] = ()
    setting_keys: tuple[str, ...] = tuple(PARSERS)


def zone_matches(current: str, zones: Optional[list[str]] = None, limit: int = CHOICES_LIMIT) -> list[str]:
    """IANA zones for what the member typed so far: names containing it (any case), those
    starting with it first."""
    names = zones if zones is not None else _all_zones()
    typed = current.strip().lower().replace(" ", "_")
    hits = [z for z in names if typed in z.lower()]
    hits.sort(key=lambda z: (not z.lower().startswith(typed) and not z.lower().split("/")[-1].startswith(typed), z))
    return hits[:limit]


def country_matches(current: str, countries: Mapping[str, str], limit: int = CHOICES_LIMIT) -> list[tuple[str, str]]:
    """(code, name) pairs whose code or name contains what the member typed."""
    typed = current.strip().lower()
    hits = [(code, name) for code, name in sorted(countries.items(), key=lambda kv: kv[1])
            if typed in code.lower() or typed in name.lower()]
    hits.sort(key=lambda cn: (cn[0].lower() != typed and not cn[1].lower().startswith(typed), cn[1]))
    return hits[:limit]


_ZONES: list[str] = []


def _all_zones() -> list[str]:
    if not _ZONES:
        _ZONES.extend(sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "posix/", "right/"))))
        _ZONES.append("UTC")
    return _ZONES


def _choices(values) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=v, value=v) for v in list(values)[:CHOICES_LIMIT]]


def build_commands(run: Run, choices: CommandChoices) -> list[app_commands.Command | app_commands.Group]:
    """Every core command as a slash command; callbacks call `run(interaction, text)`."""

    def simple(name: str, description: str) -> app_commands.Command:
        async def callback(interaction: discord.Interaction) -> None:
            await run(interaction, command_text(name))
        return app_commands.Command(name=name, description=description, callback=callback)

    async def zone_complete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=z, value=z) for z in zone_matches(current)]

    async def country_complete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=f"{name} ({code})"[:100], value=code)
                for code, name in country_matches(current, choices.countries)]

    # -- members -------------------------------------------------------------------

    @app_commands.describe(question="Your question, in your own words")
    async def ask(interaction: discord.Interaction, question: app_commands.Range[str, 1, 1000]) -> None:
        await run(interaction, command_text("ask", question))

    @app_commands.describe(country="Two-letter country code, such as US, GB or DE; leave empty to see yours")
    @app_commands.autocomplete(country=country_complete)
    async def region(interaction: discord.Interaction, country: Optional[app_commands.Range[str, 2, 3]] = None) -> None:
        await run(interaction, command_text("region", country))

    checkin = app_commands.Group(name="checkin", description="Opt-in mood check-ins by direct message")

    @checkin.command(name="start", description="Sign up for check-ins, or change when they come")
    @app_commands.describe(frequency="How often (default daily)", time="Local time, such as 19:00 or 7pm (default 19:00)",
                           timezone="Your time zone, such as Europe/London", day="For weekly check-ins: which day")
    @app_commands.choices(frequency=_choices(FREQUENCIES), day=_choices(DAYS))
    @app_commands.autocomplete(timezone=zone_complete)
    async def checkin_start(interaction: discord.Interaction, frequency: Optional[str] = None,
                            time: Optional[app_commands.Range[str, 1, 10]] = None,
                            timezone: Optional[app_commands.Range[str, 1, 64]] = None,
                            day: Optional[str] = None) -> None:
        await run(interaction, command_text("checkin start", frequency, day, time, timezone))

    @checkin.command(name="status", description="When your next check-in comes")
    async def checkin_status(interaction: discord.Interaction) -> None:
        await run(interaction, command_text("checkin status"))

    @checkin.command(name="pause", description="Pause check-ins for a number of days")
    @app_commands.describe(days="Days to pause, 1 to 365")
    async def checkin_pause(interaction: discord.Interaction, days: app_commands.Range[int, 1, 365]) -> None:
        await run(interaction, command_text("checkin pause", days))

    @checkin.command(name="stop", description="Stop check-ins (your history stays until /forget-me)")
    async def checkin_stop(interaction: discord.Interaction) -> None:
        await run(interaction, command_text("checkin stop"))

    @checkin.command(name="wellbeing", description="Answer the five WHO-5 wellbeing questions now")
    async def checkin_wellbeing(interaction: discord.Interaction) -> None:
        await run(interaction, command_text("checkin wellbeing"))

    members: list[app_commands.Command | app_commands.Group] = [
        simple("help", "What Haven can do"),
        simple("about", "What Haven is, where its answers come from and what it stores"),
        simple("faq", "The questions Haven can answer"),
        app_commands.Command(name="ask", description="Ask Haven a question about ketamine and depression",
                             callback=ask),
        simple("crisis", "Crisis lines you can reach right now"),
        simple("help-now", "Crisis lines you can reach right now"),
        app_commands.Command(name="region", description="Set the country for your crisis lines, or see it",
                             callback=region),
        checkin,
        simple("mood", "Your last 30 days of check-ins, with a chart"),
        simple("mydata", "Everything Haven stores about you, sent to you privately"),
        simple("forget-me", "Erase everything Haven stores about you"),
    ]

    # -- moderators: hidden from members by default, checked again by the core --------

    resources = app_commands.Group(name="resources", description="Resource cards (moderators)",
                                   default_permissions=MODERATOR_PERMISSIONS, guild_only=True)
    topics = _choices(choices.resource_topics)

    def with_topics(callback):
        # Choices when the composition root gave the card names; free text otherwise (the
        # core answers an unknown topic with the list).
        described = app_commands.describe(topic="Which card")(callback)
        return app_commands.choices(topic=topics)(described) if topics else described

    @resources.command(name="post", description="Post a resource card in this channel")
    @with_topics
    async def resources_post(interaction: discord.Interaction, topic: app_commands.Range[str, 1, 64]) -> None:
        await run(interaction, command_text("resources post", topic))

    @resources.command(name="list", description="The cards you can post, and the scheduled ones")
    async def resources_list(interaction: discord.Interaction) -> None:
        await run(interaction, command_text("resources list"))

    @resources.command(name="schedule", description="Post a card every few days")
    @with_topics
    @app_commands.describe(days="Every how many days", channel="Where (default: this channel)")
    async def resources_schedule(interaction: discord.Interaction, topic: app_commands.Range[str, 1, 64],
                                 days: app_commands.Range[int, 1, 365],
                                 channel: Optional[discord.TextChannel] = None) -> None:
        await run(interaction, command_text("resources schedule", topic, days, channel and channel.id))

    @resources.command(name="unschedule", description="Stop a scheduled card")
    @app_commands.describe(id="The number /resources list shows")
    async def resources_unschedule(interaction: discord.Interaction, id: app_commands.Range[int, 1]) -> None:
        await run(interaction, command_text("resources unschedule", id))

    @app_commands.describe(key="The setting; leave empty to see them all", value="Its new value")
    @app_commands.choices(key=_choices(choices.setting_keys))
    async def settings(interaction: discord.Interaction, key: Optional[str] = None,
                       value: Optional[app_commands.Range[str, 1, 500]] = None) -> None:
        await run(interaction, command_text("settings", key, value))

    @app_commands.describe(action="What to do (default: list the open alerts)", id="The alert number")
    @app_commands.choices(action=_choices(("open", "ack", "resolve")))
    async def escalations(interaction: discord.Interaction, action: Optional[str] = None,
                          id: Optional[app_commands.Range[int, 1]] = None) -> None:
        await run(interaction, command_text("escalations", action, id))

    def moderator(command: app_commands.Command) -> app_commands.Command:
        command.default_permissions = MODERATOR_PERMISSIONS
        command.guild_only = True
        return command

    moderators: list[app_commands.Command | app_commands.Group] = [
        resources,
        moderator(app_commands.Command(name="settings", description="See or change Haven's settings for this server",
                                       callback=settings)),
        moderator(app_commands.Command(name="escalations", description="Crisis alerts: list, acknowledge, resolve",
                                       callback=escalations)),
        moderator(simple("stats", "Anonymous totals for this server")),
    ]
    return members + moderators


def choices_from_content(content) -> CommandChoices:
    """The option lists from Haven's loaded content (bot.app.Content)."""
    return CommandChoices(
        countries={code: country.name for code, country in content.resources.countries.items()},
        resource_topics=tuple(content.cards),
    )
