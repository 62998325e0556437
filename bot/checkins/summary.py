"""A member's recent mood answers summed up for `/mood`: trends only, never a label.

A single 1-5 mood rating has no validated cut-off, so nothing here says what a number
means; it says how many, the average, which way it is going, and the run of check-ins.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

# Trend: the least-squares line through (day, mood) for the answers in the window. Its rise
# from the first to the last answered day must reach half a scale point to count as up or
# down; less is "steady". Fewer than four answers, or all on one day, is "not enough data".
# Half a point: a one-point drift across a month reads as a trend, while one day two points
# off at the end of a month of steady daily answers does not (it moves the line 0.37).
TREND_MIN_ANSWERS = 4
TREND_THRESHOLD = 0.5
LOW_MOODS = frozenset({1, 2})


@dataclass(frozen=True)
class MoodSummary:
    count: int                # answers in the window
    average: float | None     # mean mood, unrounded; None with no answers
    trend: str                # "up" | "down" | "steady" | "not enough data"
    streak: int               # consecutive local days with an answer, back from today (or yesterday)
    low_run: int              # consecutive most-recent answers of 1 or 2


def _trend(points: list[tuple[date, int]]) -> str:
    days = {day for day, _ in points}
    if len(points) < TREND_MIN_ANSWERS or len(days) < 2:
        return "not enough data"
    origin = min(days)
    xs = [(day - origin).days for day, _ in points]
    ys = [mood for _, mood in points]
    mean_x = sum(xs) / len(xs)
    mean_y = sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sxx
    rise = slope * (max(days) - origin).days
    if rise >= TREND_THRESHOLD:
        return "up"
    if rise <= -TREND_THRESHOLD:
        return "down"
    return "steady"


def _streak(answered: set[date], today: date) -> int:
    # Today's check-in may not have come yet, so an unanswered today does not break the
    # streak: it is then counted from yesterday.
    day = today if today in answered else today - timedelta(days=1)
    streak = 0
    while day in answered:   # only days in the window are in `answered`
        streak += 1
        day -= timedelta(days=1)
    return streak


def summarise(points: Sequence[tuple[date, int]], today: date, days: int = 30) -> MoodSummary:
    """The summary of the answers dated within the `days` local days ending `today`.

    points: (the member's local date, mood 1..5), in any order, with gaps; answers outside
    the window (older, or after today) are left out. Answers on the same date keep their
    given order for low_run. ValueError on a mood outside 1..5.
    """
    if days < 1:
        raise ValueError("days must be at least 1")
    first = today - timedelta(days=days - 1)
    recent = []
    for day, mood in points:
        if isinstance(mood, bool) or not isinstance(mood, int) or not 1 <= mood <= 5:
            raise ValueError(f"a mood is a whole number from 1 to 5, got {mood!r}")
        if first <= day <= today:
            recent.append((day, mood))
    recent.sort(key=lambda point: point[0])  # stable: same-day answers keep their order

    low_run = 0
    for _, mood in reversed(recent):
        if mood not in LOW_MOODS:
            break
        low_run += 1

    return MoodSummary(
        count=len(recent),
        average=sum(mood for _, mood in recent) / len(recent) if recent else None,
        trend=_trend(recent),
        streak=_streak({day for day, _ in recent}, today),
        low_run=low_run,
    )
