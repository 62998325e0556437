import pytest

from bot.rate_limit import TokenBucket


class FakeTime:
    """Virtual time: sleeping moves it forward instead of waiting."""

    def __init__(self) -> None:
        self.now = 0.0
        self.slept = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_a_burst_goes_at_once_then_sends_are_spread_at_the_rate():
    t = FakeTime()
    bucket = TokenBucket(rate=5, burst=10, monotonic=t.monotonic, sleep=t.sleep)
    times = []
    for _ in range(60):
        await bucket.acquire()
        times.append(t.now)
    assert times[:10] == [0.0] * 10
    assert times[-1] == pytest.approx(10.0)  # 50 more at 5 a second
    gaps = [b - a for a, b in zip(times[10:], times[11:])]
    assert all(gap == pytest.approx(0.2) for gap in gaps)


async def test_idle_time_refills_only_up_to_the_burst():
    t = FakeTime()
    bucket = TokenBucket(rate=1, burst=3, monotonic=t.monotonic, sleep=t.sleep)
    t.now = 1000.0
    for _ in range(3):
        await bucket.acquire()
    assert t.slept == []
    await bucket.acquire()
    assert t.slept == [pytest.approx(1.0)]


def test_nonsense_rates_are_refused():
    with pytest.raises(ValueError):
        TokenBucket(rate=0, burst=1)
