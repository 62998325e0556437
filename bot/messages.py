"""Message templates from content/messages.yaml, checked on load so a typo fails at start-up."""
from __future__ import annotations

import string
from pathlib import Path

from bot.content_file import read_yaml
from bot.errors import ContentError

# Every template the code uses, with the placeholders it may contain.
TEMPLATES: dict[str, frozenset[str]] = {
    key: frozenset(fields)
    for key, fields in {
        "help": (), "about": ("source_url",), "fallback": (), "did_you_mean": (), "choice_expired": (),
        "answer_footer": ("title", "url"), "faq_list_header": (),
        "smalltalk.greeting": (), "smalltalk.thanks": (), "smalltalk.ack": (), "smalltalk.bye": (),
        "smalltalk.identity": (),
        "unknown_command": ("command",), "moderator_only": ("command",), "no_moderator_channel": (),
        "region_set": ("country",), "region_unknown": ("code", "default", "directory_url"),
        "region_invalid": (), "region_show": ("country",),
        "crisis.intro": (), "crisis.imminent_first": ("emergency",), "crisis.options": (),
        "crisis.what_to_expect": (), "crisis.directory": ("directory_url",), "crisis.stay": (),
        "crisis.public_notice": (), "crisis.repeat_intro": (),
        "concern": (), "crisis_command_intro": (),
        "alert.title": ("icon", "id", "tier"),
        "alert.body": ("member", "where", "signal", "signal_comment", "excerpt", "sent", "report"),
        "alert.repeat": ("id", "tier", "signal"),
        "alert.reping": ("icon", "minutes", "id", "tier", "member", "where"),
        "alert.acknowledged": ("id", "moderator"), "alert.resolved": ("id", "moderator"),
        "alert.already": ("id", "state"), "alert.unknown": ("id",), "alert.unsaved": (), "alert.member_unreachable": ("id",),
        "alert.harassment": ("member", "where", "signal", "link"),
        "alert.reach_out_button": (), "alert.resolve_button": (),
        "alert.sent_high": ("country",), "alert.sent_imminent": ("emergency", "country"),
        "alert.sent_failed": (), "alert.no_excerpt": (),
        "report_self_harm.discord": (), "report_self_harm.slack": (), "report_self_harm.console": (),
        "error": (), "slow_down": (),
        "checkin.usage": (), "checkin.started": ("schedule", "next"), "checkin.status": ("schedule", "next"),
        "checkin.status_paused": ("schedule", "until", "reason"), "checkin.not_signed_up": (),
        "checkin.paused": ("next",), "checkin.pause_usage": (), "checkin.stopped": (), "checkin.prompt": (),
        "checkin.skip_button": (), "checkin.saved": ("value",), "checkin.note_saved": (), "checkin.skipped": (),
        "checkin.no_note": (), "checkin.low_run": (), "checkin.who5_intro": ("stem",),
        "checkin.who5_item": ("number", "item"), "checkin.who5_done": ("percent",), "checkin.who5_low": (),
        "checkin.who5_change": ("direction", "delta"), "checkin.who5_invalid": (),
        "checkin.paused_unreachable": (),
        "mood.summary": ("count", "average", "trend", "streak"), "mood.empty": (), "mood.chart": (),
        "mydata.sent": (),
        "moderation.resources_usage": (), "moderation.resources_list": ("topics", "schedules"),
        "moderation.resources_none_scheduled": (), "moderation.unknown_topic": ("topic", "topics"),
        "moderation.schedule_usage": (), "moderation.scheduled": ("topic", "channel", "days", "first", "id"),
        "moderation.unscheduled": ("id",), "moderation.no_such_schedule": ("id",),
        "moderation.settings_header": (), "moderation.setting_line": ("key", "value"),
        "moderation.setting_set": ("key", "value", "old"), "moderation.setting_bad": ("key", "reason"),
        "moderation.escalations_none": (), "moderation.escalations_header": (),
        "moderation.escalation_line": ("id", "tier", "age", "state", "acknowledged"),
        "moderation.escalation_acknowledged_by": ("who",),
        "moderation.escalation_detail": ("id", "tier", "signal", "state", "age", "where", "member", "excerpt",
                                         "history"),
        "moderation.escalations_usage": (), "moderation.stats": ("members", "answered", "escalations"),
        "forget.confirm": (), "forget.done": ("summary",), "forget.nothing": (), "forget.kept": (),
    }.items()
}


class Messages:
    """Look up a template by dotted key and fill it in."""

    def __init__(self, templates: dict[str, str]) -> None:
        self._templates = templates

    def __call__(self, template: str, /, **values: object) -> str:
        return self._templates[template].format(**values)

    def has(self, template: str) -> bool:
        return template in self._templates


def _flatten(data: dict, prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, dotted + "."))
        else:
            flat[dotted] = value
    return flat


def load_messages(path: Path) -> Messages:
    """Load and check every template; raises ContentError naming the key and the problem."""
    data = read_yaml(path, dict)
    flat = _flatten(data)
    for key, allowed in TEMPLATES.items():
        if key not in flat:
            raise ContentError(str(path), key, "missing template")
        text = flat[key]
        if not isinstance(text, str) or not text.strip():
            raise ContentError(str(path), key, "must be non-empty text")
        try:
            used = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        except ValueError as exc:
            raise ContentError(str(path), key, f"bad placeholder syntax: {exc}") from None
        unknown = used - allowed
        if unknown:
            raise ContentError(
                str(path), key,
                f"unknown placeholder {{{sorted(unknown)[0]}}}; allowed: {', '.join(sorted(allowed)) or 'none'}",
            )
    return Messages({key: flat[key] for key in TEMPLATES})
