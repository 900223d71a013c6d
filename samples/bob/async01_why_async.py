"""Bob's dashboard: correct answers, but the sources are awaited one after another."""

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
async def dashboard(user_id: int = 1):
    profile = await fetch_profile(user_id)
    orders = await fetch_orders(user_id)
    recommendations = await fetch_recommendations(user_id)
    return {"profile": profile, "orders": orders, "recommendations": recommendations}
