"""/healthz and /metrics over real HTTP on loopback."""
import aiohttp

from bot.health import Liveness, health_app, start_health_server
from tests.conftest import said


async def serve_health(haven, liveness, metrics=True):
    app = health_app(haven.database_ok, liveness, lambda: haven.last_event_at, haven.now,
                     haven.metrics.prometheus if metrics else None, 60)
    runner = await start_health_server(app, "127.0.0.1", 0)
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


async def test_healthy_when_database_scheduler_and_adapters_are_up(haven, clock):
    liveness = Liveness(adapters={"discord": lambda: True}, scheduler_beat=clock.now())
    await haven.handle(said("hello there"))
    clock.advance(seconds=30)
    runner, base = await serve_health(haven, liveness)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/healthz") as response:
                assert response.status == 200
                body = await response.json()
        assert body == {"database": True, "scheduler_alive": True, "adapters": {"discord": True},
                        "last_event_age_seconds": 30.0}
    finally:
        await runner.cleanup()


async def test_unhealthy_when_the_scheduler_stalls_or_an_adapter_drops(haven, clock):
    liveness = Liveness(adapters={"slack": lambda: False}, scheduler_beat=clock.now())
    clock.advance(minutes=5)
    runner, base = await serve_health(haven, liveness)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/healthz") as response:
                assert response.status == 503
                body = await response.json()
        assert body["scheduler_alive"] is False and body["adapters"] == {"slack": False}
    finally:
        await runner.cleanup()


async def test_metrics_count_kinds_and_tiers_but_never_members(haven, clock):
    await haven.handle(said("i want to kill myself", user="member-with-a-name"))
    await haven.handle(said("/help", user="someone-else"))
    runner, base = await serve_health(haven, Liveness(scheduler_beat=clock.now()))
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/metrics") as response:
                text = await response.text()
    finally:
        await runner.cleanup()
    assert 'haven_events_total{kind="crisis"} 1' in text
    assert 'haven_escalations_total{kind="high"} 1' in text
    assert "haven_handling_seconds_count 2" in text
    assert "member-with-a-name" not in text and "someone-else" not in text and "c1" not in text


async def test_metrics_are_off_unless_configured(haven, clock):
    runner, base = await serve_health(haven, Liveness(scheduler_beat=clock.now()), metrics=False)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/metrics") as response:
                assert response.status == 404
    finally:
        await runner.cleanup()
