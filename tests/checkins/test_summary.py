from datetime import date, timedelta

import pytest

from bot.checkins.summary import MoodSummary, summarise

TODAY = date(2026, 11, 26)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def test_no_answers():
    assert summarise([], TODAY) == MoodSummary(count=0, average=None, trend="not enough data", streak=0, low_run=0)


def test_only_the_last_30_local_days_count():
    points = [(ago(30), 1), (ago(29), 4), (ago(0), 2), (TODAY + timedelta(days=1), 1)]
    summary = summarise(points, TODAY)
    assert summary.count == 2
    assert summary.average == pytest.approx(3.0)
    assert summarise(points, TODAY, days=31).count == 3


def test_average_of_unsorted_answers():
    summary = summarise([(ago(2), 5), (ago(0), 2), (ago(5), 4)], TODAY)
    assert summary.average == pytest.approx(11 / 3)


@pytest.mark.parametrize(
    "moods, trend",
    [
        ([2, 2, 3, 3, 3, 4, 4], "up"),
        ([4, 4, 3, 3, 3, 2, 2], "down"),
        ([3, 4, 3, 3, 4, 3, 3], "steady"),
        ([1, 5, 3], "not enough data"),               # three answers are too few
    ],
)
def test_trend_from_the_least_squares_line(moods, trend):
    points = [(ago(len(moods) - 1 - i), mood) for i, mood in enumerate(moods)]
    assert summarise(points, TODAY).trend == trend


def test_one_low_day_at_the_end_of_a_steady_month_is_not_a_trend():
    points = [(ago(i), 3) for i in range(1, 30)] + [(TODAY, 1)]
    assert summarise(points, TODAY).trend == "steady"


def test_a_one_point_drift_over_the_month_is_a_trend_with_gaps():
    points = [(ago(i), 4 if i >= 15 else 3) for i in range(30) if i % 3]  # every third day missing
    assert summarise(points, TODAY).trend == "down"


def test_several_answers_on_one_day_are_not_a_trend():
    assert summarise([(TODAY, 1), (TODAY, 5), (TODAY, 1), (TODAY, 5)], TODAY).trend == "not enough data"


def test_streak_counts_back_from_today_and_stops_at_a_gap():
    points = [(ago(0), 3), (ago(1), 3), (ago(2), 4), (ago(4), 5), (ago(5), 5)]
    assert summarise(points, TODAY).streak == 3


def test_streak_survives_a_today_not_yet_answered():
    assert summarise([(ago(1), 3), (ago(2), 3), (ago(4), 3)], TODAY).streak == 2
    assert summarise([(ago(2), 3), (ago(3), 3)], TODAY).streak == 0


def test_streak_is_capped_by_the_window():
    points = [(ago(i), 3) for i in range(40)]
    assert summarise(points, TODAY).streak == 30
    assert summarise(points, TODAY, days=7).streak == 7


@pytest.mark.parametrize(
    "moods, low_run",
    [
        ([4, 2, 1, 2], 3),
        ([1, 1, 1, 3], 0),
        ([2, 5, 1, 2], 2),
        ([1, 2], 2),
    ],
)
def test_low_run_counts_the_most_recent_answers_of_1_or_2(moods, low_run):
    points = [(ago(len(moods) - 1 - i), mood) for i, mood in enumerate(moods)]
    assert summarise(points, TODAY).low_run == low_run
    assert summarise(list(reversed(points)), TODAY).low_run == low_run   # order of input does not matter


def test_low_run_ignores_answers_outside_the_window():
    assert summarise([(ago(40), 1), (ago(35), 1), (ago(1), 2)], TODAY).low_run == 1


@pytest.mark.parametrize("mood", [0, 6, 2.5, True])
def test_a_mood_outside_1_to_5_is_refused(mood):
    with pytest.raises(ValueError):
        summarise([(TODAY, mood)], TODAY)
