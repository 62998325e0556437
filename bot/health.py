"""/healthz and /metrics over HTTP (aiohttp), for Docker's health check and Prometheus."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)


@dataclass
class Liveness:
    """What the runtime reports about itself; read by /healthz."""

    adapters: dict[str, Callable[[], bool]] = field(default_factory=dict)
    scheduler_beat: datetime | None = None


def health_app(
    database_ok: Callable[[], Awaitable[bool]],
    liveness: Liveness,
    last_event_at: Callable[[], datetime | None],
    now: Callable[[], datetime],
    metrics_text: Callable[[], str] | None,
    scheduler_stale_after: float,
) -> web.Application:
    async def healthz(request: web.Request) -> web.Response:
        current = now()
        db = await database_ok()
        beat = liveness.scheduler_beat
        scheduler_alive = beat is not None and (current - beat).total_seconds() <= scheduler_stale_after
        adapters = {name: check() for name, check in liveness.adapters.items()}
        last = last_event_at()
        body = {
            "database": db,
            "scheduler_alive": scheduler_alive,
            "adapters": adapters,
            "last_event_age_seconds": None if last is None else round((current - last).total_seconds(), 1),
        }
        healthy = db and scheduler_alive and all(adapters.values())
        return web.json_response(body, status=200 if healthy else 503)

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    if metrics_text is not None:
        async def metrics(request: web.Request) -> web.Response:
            return web.Response(text=metrics_text(), content_type="text/plain", charset="utf-8")
        app.router.add_get("/metrics", metrics)
    return app


async def start_health_server(app: web.Application, host: str, port: int) -> web.AppRunner:
    """Serve the app; the caller awaits runner.cleanup() on shutdown."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    log.info("health endpoint listening", extra={"port": port})
    return runner
