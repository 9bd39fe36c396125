"""Succeed and Fail: the states that end a thread."""
from __future__ import annotations

from ...errors import StatesError
from ..values import fail_text


def prepare(plan) -> None:
    state = plan.state
    if state.type == "Fail":
        plan.error = fail_text(state.error, state.error_path)
        plan.cause = fail_text(state.cause, state.cause_path)


def succeed(ctx):
    return ctx.plan.flow.without_result(ctx), None, None


def fail(ctx):
    plan = ctx.plan
    raise StatesError(plan.error.resolve(ctx), plan.cause.resolve(ctx))
