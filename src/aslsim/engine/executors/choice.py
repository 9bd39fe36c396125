"""Choice: the first rule that matches names the next state (JSONPath rules or JSONata
Conditions), else Default, else States.NoChoiceMatched."""
from __future__ import annotations

from ...errors import StatesError
from ...query.jsonpath import dumps


def prepare(plan) -> None:
    flow = plan.flow
    if flow.jsonata:
        plan.tests = tuple(_condition(flow, rule.condition) for rule in plan.state.choices)
    else:
        plan.tests = tuple(_matcher(rule.condition) for rule in plan.state.choices)
        plan.execute = _jsonpath_choice(plan)


def _jsonpath_choice(plan):
    """``execute`` for a JSONPath Choice, its rules read once: the same steps, fewer lookups."""
    state, flow = plan.state, plan.flow
    name, default, output_path = state.name, state.default, flow.output_path
    rules = tuple((rule.condition.matches, rule.next, rule.assign, index)
                  for index, rule in enumerate(state.choices))

    def execute(ctx):
        data = ctx.data
        for matches, next_name, assign, index in rules:
            if matches(data, ctx):
                ctx.run.recorder.note("rule", name, index)
                assigned = flow.assigned(ctx, data, block=assign) if assign is not None else None
                return (data if output_path is None else flow.output_of(ctx, data)), next_name, assigned
        if default is None:
            raise StatesError("States.NoChoiceMatched", "No Matches!")
        ctx.run.recorder.note("rule", name, "Default")
        assigned = flow.assigned(ctx, data) if flow.assign is not None else None
        return (data if output_path is None else flow.output_of(ctx, data)), default, assigned
    return execute


def _condition(flow, condition):
    def test(ctx):
        matched = flow.value(ctx, condition)
        if not isinstance(matched, bool):
            raise StatesError("States.QueryEvaluationError",
                              f"The Condition field evaluated to a non-boolean value: {dumps(matched)}",
                              prefix_state=True)
        return matched
    return test


def _matcher(condition):
    matches = condition.matches
    return lambda ctx: matches(ctx.data, ctx)


def execute(ctx):
    """A JSONata Choice (a JSONPath one runs the function ``prepare`` made)."""
    state = ctx.state
    flow = ctx.plan.flow
    for index, test in enumerate(ctx.plan.tests):
        if test(ctx):
            rule = state.choices[index]
            ctx.note("rule", index)
            assigned = flow.assigned(ctx, ctx.data, block=rule.assign)
            if rule.output is not None:
                return flow.without_result(ctx, rule.output), rule.next, assigned
            return flow.without_result(ctx), rule.next, assigned
    if state.default is None:
        raise StatesError("States.NoChoiceMatched", "No Matches!")
    ctx.note("rule", "Default")
    assigned = flow.assigned(ctx, ctx.data)
    return flow.without_result(ctx), state.default, assigned
