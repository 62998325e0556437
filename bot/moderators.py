"""Who counts as a moderator: one policy for every platform, fed by facts the adapter supplies."""
from __future__ import annotations

from bot.community import CommunitySettings
from bot.events import Member


def is_moderator(member: Member, settings: CommunitySettings) -> bool:
    """True for platform moderators (Discord Manage Messages, Slack admins/owners, console
    lines marked moderator), holders of a configured moderator role, and listed users."""
    return (
        member.is_platform_moderator
        or any(role in settings.moderator_roles for role in member.role_ids)
        or member.user_id in settings.moderator_users
    )
