"""Pass: its Result, its Parameters or its input, placed by ResultPath (JSONPath); its Output
(JSONata). The JSONPath form is compiled per state into one function (``prepare``): a chain of
Pass states is what many workflows mostly are."""
from __future__ import annotations

from ...query.templates import ABSENT


def prepare(plan) -> None:
    plan.execute = _jsonata_pass(plan) if plan.flow.jsonata else _jsonpath_pass(plan)


def _jsonata_pass(plan):
    """``execute`` below with the state's fields read once (the same steps, fewer lookups)."""
    flow, next_name = plan.flow, plan.state.next
    output = flow.output.resolve if flow.output is not None else None
    has_assign = flow.assign is not None

    def execute(ctx):
        assigned = flow.assigned(ctx, ctx.input) if has_assign else None
        if output is None:
            return ctx.input, next_name, assigned
        ctx.result = ctx.error_output = ABSENT
        return output(ctx), next_name, assigned
    return execute


def execute(ctx):
    """A JSONata Pass, as ``_jsonata_pass`` compiles it (a JSONPath one: ``_jsonpath_pass``)."""
    flow = ctx.plan.flow
    assigned = flow.assigned(ctx, ctx.input)
    return flow.without_result(ctx), ctx.state.next, assigned


def _jsonpath_pass(plan):
    state, flow = plan.state, plan.flow
    next_name, assign = state.next, state.assign
    parameters = state.parameters.resolve if state.parameters is not None else None
    has_result, constant = state.has_result, state.result
    place = flow.place
    output_path = flow.output_path

    def execute(ctx):
        if has_result:
            result = constant
        elif parameters is not None:
            ctx.document = ctx.data
            result = parameters(ctx)
            if ctx.inspect is not None:
                ctx.inspect("afterParameters", result)
        else:
            result = ctx.data
        assigned = flow.assigned(ctx, result) if assign is not None else None
        output = place(ctx.input, result)
        if ctx.inspect is not None:
            ctx.inspect("afterResultSelector", result)
            ctx.inspect("afterResultPath", output)
        if output_path is not None:
            output = flow.output_of(ctx, output)
        return output, next_name, assigned
    return execute
