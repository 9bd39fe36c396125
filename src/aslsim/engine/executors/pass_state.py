"""Pass: its Result, its Parameters or its input, placed by ResultPath (JSONPath); its Output
(JSONata)."""
from __future__ import annotations


def prepare(plan) -> None:
    pass


def execute(ctx):
    state = ctx.state
    flow = ctx.plan.flow
    if flow.jsonata:
        assigned = flow.assigned(ctx, ctx.input)
        return flow.without_result(ctx), state.next, assigned
    if state.has_result:
        result = state.result
    elif state.parameters is not None:
        result = flow.arguments(ctx)
        if ctx.inspect is not None:
            ctx.inspect("afterParameters", result)
    else:
        result = ctx.data
    assigned = flow.assigned(ctx, result)
    return flow.with_result(ctx, result), state.next, assigned
