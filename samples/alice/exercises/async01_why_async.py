"""Alice's dashboard: a TaskGroup instead of gather (also correct)."""

import asyncio

from fastapi import FastAPI

LATENCY = 1.0


async def fetch_profile(user_id: int) -> dict:
    await asyncio.sleep(LATENCY)
    return {"id": user_id, "name": f"user-{user_id}"}


async def fetch_orders(user_id: int) -> list[dict]:
    await asyncio.sleep(LATENCY)
    return [{"order_id": 100 + user_id, "total": 42.0}]


async def fetch_recommendations(user_id: int) -> list[str]:
    await asyncio.sleep(LATENCY)
    return ["Fluent Python"]


app = FastAPI()


@app.get("/dashboard")
async def dashboard(user_id: int = 1) -> dict:
    async with asyncio.TaskGroup() as group:
        profile = group.create_task(fetch_profile(user_id))
        orders = group.create_task(fetch_orders(user_id))
        recommendations = group.create_task(fetch_recommendations(user_id))
    return {"profile": profile.result(), "orders": orders.result(), "recommendations": recommendations.result()}
