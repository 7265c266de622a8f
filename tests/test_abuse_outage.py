"""Attack class 5: a Redis outage. Sign-in and public tracking keep working with per-process
rate limits, /readyz and /metrics say so, and shared limits come back with Redis."""

from __future__ import annotations

import httpx2

from models.enums import Role
from tests.factories import PASSWORD
from tests.processes import service

LOGIN = """
mutation ($email: String!, $password: String!) {
  login(email: $email, password: $password) { token errors { code } }
}
"""
TRACK = "query ($w: String!) { trackWaybill(waybill: $w) { waybill status } }"


async def call(address: str, query: str, variables: dict) -> dict:
    async with httpx2.AsyncClient() as http:
        response = await http.post(
            f"http://{address}/graphql", json={"query": query, "variables": variables}, timeout=10
        )
    assert response.status_code == 200, response.text
    return response.json()


async def login_codes(address: str, email: str, times: int) -> list[list[str]]:
    codes = []
    for _ in range(times):
        result = await call(address, LOGIN, {"email": email, "password": PASSWORD})
        assert "errors" not in result, result
        codes.append([e["code"] for e in result["data"]["login"]["errors"]])
    return codes


async def degraded(address: str) -> tuple[str, str]:
    async with httpx2.AsyncClient() as http:
        ready = (await http.get(f"http://{address}/readyz", timeout=5)).json()
        metrics = (await http.get(f"http://{address}/metrics", timeout=5)).text
    gauge = [m for m in metrics.splitlines() if m.startswith("cargolive_rate_limits_degraded ")]
    return ready["rate_limits"], gauge[0].split()[-1]


async def test_sign_in_and_tracking_outlive_a_redis_outage(redis_server, make):
    dealer = await make.user(Role.DEALER)
    shipment = await make.shipment(customer=dealer.organization_id)
    limits = {"BROADCAST_URL": redis_server.url, "CARGOLIVE_LOGIN_ATTEMPTS_PER_MINUTE": "3"}
    async with service(**limits) as (a, _), service(**limits) as (b, _):
        assert await login_codes(a, dealer.email, 2) == [[], []]
        assert await degraded(a) == ("shared", "0.0")

        await redis_server.stop()
        tracked = await call(a, TRACK, {"w": shipment.waybill})
        assert tracked["data"]["trackWaybill"]["status"] == "BOOKED"
        # per process now: a's count starts again, and still stops at the limit
        assert await login_codes(a, dealer.email, 4) == [[], [], [], ["LIMIT_EXCEEDED"]]
        assert await degraded(a) == ("per-process (Redis unavailable)", "1.0")

        await redis_server.start()
        # b counted 0 so far: its first login after the restart goes through Redis at once
        assert await login_codes(b, dealer.email, 1) == [[]]
        assert await degraded(b) == ("shared", "0.0")
