"""Wait: virtual time passes (Seconds, SecondsPath, Timestamp, TimestampPath)."""
from __future__ import annotations

from ..scheduler import Sleep
from ..values import wait_duration


def prepare(plan) -> None:
    plan.duration = wait_duration(plan.state)


def execute(ctx):
    ms = ctx.plan.duration.resolve(ctx)
    if ms > 0:
        yield Sleep(ms)
    flow = ctx.plan.flow
    assigned = flow.assigned(ctx, ctx.data)
    return flow.without_result(ctx), ctx.state.next, assigned
