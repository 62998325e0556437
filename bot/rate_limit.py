"""A token bucket for a platform's outgoing scheduled sends, so 10,000 check-ins due at
19:00 are spread out rather than rejected by the platform."""
from __future__ import annotations

import asyncio
import time
from typing import Awaitable, Callable


class TokenBucket:
    """`rate` sends a second on average, bursts of up to `burst`. Time functions are
    injected so tests can drive it without waiting."""

    def __init__(
        self,
        rate: float,
        burst: int,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self._rate = rate
        self._burst = burst
        self._monotonic = monotonic
        self._sleep = sleep
        self._tokens = float(burst)
        self._updated = monotonic()
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        """Wait until one send is allowed."""
        async with self._lock:
            while True:
                now = self._monotonic()
                self._tokens = min(self._burst, self._tokens + (now - self._updated) * self._rate)
                self._updated = now
                # The epsilon and the floor on the wait keep float rounding from turning a
                # nearly full token into an endless run of vanishing sleeps.
                if self._tokens >= 1 - 1e-9:
                    self._tokens = max(0.0, self._tokens - 1)
                    return
                await self._sleep(max((1 - self._tokens) / self._rate, 0.001))
