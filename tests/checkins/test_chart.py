import math
import struct
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image

from bot.checkins.chart import daily_moods, render_mood_chart

TODAY = date(2026, 11, 26)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ROOT = Path(__file__).resolve().parents[2]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize(
    "points, answered",
    [
        ([], 0),
        ([(TODAY, 3)], 1),
        ([(TODAY - timedelta(days=i), 1 + i % 5) for i in range(30)], 30),
        # Gaps, an answer outside the window, two answers on one day.
        ([(TODAY - timedelta(days=i), 2) for i in range(0, 30, 3)] + [(TODAY - timedelta(days=45), 5), (TODAY, 4)], 10),
    ],
)
def test_writes_a_small_valid_png(tmp_path, points, answered):
    path = render_mood_chart(points, TODAY, tmp_path / "mood.png")
    assert path == tmp_path / "mood.png"
    assert png_size(path) == (800, 400)
    assert 5_000 < path.stat().st_size < 100_000
    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        assert image.info["Title"] == "Your mood check-ins, 28 Oct to 26 Nov 2026"
        assert f"{answered} of 30 days answered" in image.info["Description"]


def test_the_data_is_drawn(tmp_path):
    empty = render_mood_chart([], TODAY, tmp_path / "empty.png")
    low = render_mood_chart([(TODAY - timedelta(days=i), 1) for i in range(30)], TODAY, tmp_path / "low.png")
    high = render_mood_chart([(TODAY - timedelta(days=i), 5) for i in range(30)], TODAY, tmp_path / "high.png")
    assert len({empty.read_bytes(), low.read_bytes(), high.read_bytes()}) == 3


def test_missing_days_are_gaps_and_same_day_answers_are_averaged():
    points = [(TODAY, 4), (TODAY, 5), (TODAY - timedelta(days=2), 1), (TODAY - timedelta(days=6), 3),
              (TODAY - timedelta(days=7), 5), (TODAY + timedelta(days=1), 5)]
    values = daily_moods(points, TODAY, days=7)
    assert len(values) == 7
    assert values[0] == 3 and values[4] == 1 and values[6] == 4.5
    assert [math.isnan(v) for v in values] == [False, True, True, True, False, True, False]


def test_a_mood_outside_1_to_5_is_refused(tmp_path):
    with pytest.raises(ValueError):
        render_mood_chart([(TODAY, 7)], TODAY, tmp_path / "mood.png")


def test_draws_headless_without_pyplot(tmp_path):
    # A GUI backend named in the environment must not matter, and pyplot's global state
    # must never be loaded: the chart uses the Agg canvas directly.
    script = (
        "import sys, datetime, pathlib\n"
        "from bot.checkins.chart import daily_moods, render_mood_chart\n"
        "day = datetime.date(2026, 11, 26)\n"
        f"render_mood_chart([(day, 3)], day, pathlib.Path({str(tmp_path / 'x.png')!r}))\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
    )
    env = {"PATH": "/usr/bin:/bin", "MPLBACKEND": "TkAgg", "PYTHONPATH": str(ROOT), "MPLCONFIGDIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x.png").read_bytes()[:8] == PNG_SIGNATURE
