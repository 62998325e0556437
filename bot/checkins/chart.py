"""The `/mood` chart: a member's last 30 days of mood answers as a small PNG.

Headless: the object-oriented Figure API on the Agg canvas, so no pyplot, no global figure
state and no display is involved, and charts can be drawn from any thread.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

# Chart wording. Kept short and factual; if it ever needs translating or editing by a
# moderator it belongs in content/messages.yaml like other prose.
TITLE = "Your mood check-ins, {first} to {last}"
Y_LABEL = "Mood (1 = lowest, 5 = highest)"
X_LABEL = "Date"
EMPTY = "No check-ins in these {days} days yet"

# One dark, high-contrast series. Meaning never rests on colour: answers are round markers
# on a line that breaks on days without an answer.
INK = "#1f3b73"
SIZE_INCHES = (8, 4)
DPI = 100


def _label(day: date) -> str:
    return f"{day.day} {day:%b}"


def daily_moods(points: Sequence[tuple[date, int]], today: date, days: int = 30) -> list[float]:
    """One value per local day of the window, oldest first: the day's mood (the mean of
    several), or NaN for a day without one. ValueError on a mood outside 1..5."""
    if days < 1:
        raise ValueError("days must be at least 1")
    first = today - timedelta(days=days - 1)
    by_day: dict[int, list[int]] = {}
    for day, mood in points:
        if isinstance(mood, bool) or not isinstance(mood, int) or not 1 <= mood <= 5:
            raise ValueError(f"a mood is a whole number from 1 to 5, got {mood!r}")
        if first <= day <= today:
            by_day.setdefault((day - first).days, []).append(mood)
    # NaN, not None or zero: matplotlib breaks the line there, which draws the gap.
    return [sum(by_day[x]) / len(by_day[x]) if x in by_day else math.nan for x in range(days)]


def render_mood_chart(points: Sequence[tuple[date, int]], today: date, path: Path, days: int = 30) -> Path:
    """Writes a PNG of the moods dated in the `days` local days ending `today` to `path`; returns `path`.

    points: (local date, mood 1..5) in any order; answers outside the window are left out,
    several on one date are averaged, and days without one are gaps in the line. The image
    is about 800x400 pixels, well under 100 KB, and carries a text description in its
    PNG metadata. Works with no points at all. ValueError on a mood outside 1..5.
    """
    path = Path(path)
    first = today - timedelta(days=days - 1)
    ys = daily_moods(points, today, days)
    xs = list(range(days))

    figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.plot(xs, ys, color=INK, linewidth=2, marker="o", markersize=6)
    axes.set_title(TITLE.format(first=_label(first), last=f"{_label(today)} {today.year}"), fontsize=13)
    axes.set_ylabel(Y_LABEL, fontsize=11)
    axes.set_xlabel(X_LABEL, fontsize=11)
    axes.set_ylim(0.5, 5.5)
    axes.set_yticks([1, 2, 3, 4, 5])
    axes.set_xlim(-0.5, days - 0.5)
    # A tick a week, ending on today, so the most recent day is always labelled.
    ticks = list(range(days - 1, -1, -7))[::-1]
    axes.set_xticks(ticks, [_label(first + timedelta(days=x)) for x in ticks])
    axes.tick_params(labelsize=10)
    axes.grid(axis="y", color="#cccccc", linewidth=0.8)
    axes.set_axisbelow(True)
    answered = sum(not math.isnan(y) for y in ys)
    if not answered:
        axes.text(0.5, 0.5, EMPTY.format(days=days), transform=axes.transAxes,
                  ha="center", va="center", fontsize=12, color="#333333",
                  bbox={"facecolor": "white", "edgecolor": "none"})

    description = (f"Line chart of mood check-ins (1 to 5) from {first.isoformat()} to {today.isoformat()}: "
                   f"{answered} of {days} days answered.")
    figure.savefig(path, format="png", metadata={"Title": axes.get_title(), "Description": description})
    return path
