"""How data moves through a state, compiled per state into one flow of its query language.

JSONPath: InputPath -> Parameters -> (work) -> [Assign sees the result] -> ResultSelector ->
ResultPath (merged into the raw input) -> OutputPath.
JSONata: Arguments and Output are expressions over ``$states`` (input, result, errorOutput,
context); Output defaults to the result (Task, Parallel, Map) or to the input.

In both, Assign is evaluated against the variables as they were before the state, and its values
become visible only to the next state; Output/OutputPath of the same state sees the old values.
The executors call the same methods whatever the language: the flow decides what they mean.
"""
from __future__ import annotations

from typing import Any

from ..definition.limits import PAYLOAD_BYTES
from ..definition.model import NULL_PATH
from ..errors import StatesError, runtime_error
from ..query.jsonpath import PathNotFound
from ..query.templates import ABSENT
from .sizes import measure

ASSIGN_LIMIT = PAYLOAD_BYTES   # bytes of JSON one state may assign
_NOT_GIVEN = object()


def read_path(path, data, env) -> Any:
    """Evaluate an InputPath/OutputPath/ItemsPath-like path, failing as AWS does."""
    try:
        return path.evaluate(data, env)
    except PathNotFound as err:
        raise runtime_error(f"Invalid path '{path.text}' : {err.detail}") from None


def error_output(err: StatesError) -> dict:
    """The object a Catch passes on: AWS's {"Error", "Cause"} (null where absent)."""
    return {"Error": err.error, "Cause": err.cause}


def _checked_assign(block, assigned, ctx) -> dict:
    """``assigned`` within the limit: bounded from the block (a JSONPath block reads the state's
    input, result or error output), measured when the bound passes it."""
    bound = ctx.plan.assign_bounds.get(id(block))
    if bound is not None and bound.at(max(ctx.frame.size, ctx.result_size, 64),
                                      ctx.run.context_bound) <= ASSIGN_LIMIT:
        return assigned
    if measure(assigned) > ASSIGN_LIMIT:
        # the developer guide's limit "up to 256 KiB per state"; the wording of AWS's error for it
        # is not recorded, the error name is the one AWS uses for every payload limit
        raise StatesError("States.DataLimitExceeded",
                          f"The variables assigned by the state '{ctx.state.name}' have a size "
                          f"exceeding the maximum number of bytes service limit ({ASSIGN_LIMIT}).")
    return assigned


class JsonPathFlow:
    """The JSONPath fields of one state."""

    __slots__ = ("input_path", "output_path", "parameters", "result_selector", "result_path", "assign",
                 "place")
    jsonata = False

    def __init__(self, state):
        self.input_path = state.input_path
        self.output_path = state.output_path
        self.parameters = getattr(state, "parameters", None)
        self.result_selector = getattr(state, "result_selector", None)
        self.result_path = getattr(state, "result_path", None)
        self.place = placer(self.result_path)
        self.assign = state.assign

    def effective(self, ctx) -> Any:
        """InputPath applied to the raw input: the effective input."""
        path = self.input_path
        if path is None:
            return ctx.input
        if path is NULL_PATH:
            return {}
        return read_path(path, ctx.input, ctx)

    def value(self, ctx, template) -> Any:
        """A template of this state's (ItemSelector, BatchInput...) resolved over the effective input."""
        ctx.document = ctx.data
        return template.resolve(ctx)

    def arguments(self, ctx, template=_NOT_GIVEN) -> Any:
        """Parameters (or the given template) over the effective input; the input without one."""
        if template is _NOT_GIVEN:
            template = self.parameters
        if template is None:
            return ctx.data
        ctx.document = ctx.data
        return template.resolve(ctx)

    def assigned(self, ctx, subject, *, result=ABSENT, error_output=ABSENT, block=_NOT_GIVEN) -> dict | None:
        """The variables Assign sets; ``$`` is ``subject`` (the result, the input, the error)."""
        if block is _NOT_GIVEN:
            block = self.assign
        if block is None:
            return None
        ctx.document = subject
        return _checked_assign(block, block.resolve(ctx), ctx)

    def with_result(self, ctx, result) -> Any:
        """ResultSelector, ResultPath, OutputPath: the output of a state that has a result."""
        if self.result_selector is not None:
            ctx.document = result
            result = self.result_selector.resolve(ctx)
        if ctx.inspect is not None:
            ctx.inspect("afterResultSelector", result)
        output = self.place(ctx.input, result)
        if ctx.inspect is not None:
            ctx.inspect("afterResultPath", output)
        return self.output_of(ctx, output)

    def without_result(self, ctx) -> Any:
        """OutputPath over the effective input: the output of a state without a result."""
        return self.output_of(ctx, ctx.data)

    def caught(self, ctx, catcher, caught) -> Any:
        """A Catch's output: the error output placed by the catcher's ResultPath."""
        return place(catcher.result_path, ctx.input, caught)

    def output_of(self, ctx, output) -> Any:
        """OutputPath applied to ``output``."""
        path = self.output_path
        if path is None:
            return output
        if path is NULL_PATH:
            return {}
        return read_path(path, output, ctx)


class JsonataFlow:
    """The JSONata fields of one state."""

    __slots__ = ("parameters", "output", "assign")
    jsonata = True

    def __init__(self, state):
        self.parameters = getattr(state, "parameters", None)     # Arguments
        self.output = state.output
        self.assign = state.assign

    def effective(self, ctx) -> Any:
        return ctx.input

    def value(self, ctx, template) -> Any:
        ctx.result = ctx.error_output = ABSENT
        return template.resolve(ctx)

    def arguments(self, ctx, template=_NOT_GIVEN) -> Any:
        if template is _NOT_GIVEN:
            template = self.parameters
        if template is None:
            return ctx.input
        ctx.result = ctx.error_output = ABSENT
        return template.resolve(ctx)

    def assigned(self, ctx, subject, *, result=ABSENT, error_output=ABSENT, block=_NOT_GIVEN) -> dict | None:
        if block is _NOT_GIVEN:
            block = self.assign
        if block is None:
            return None
        ctx.result, ctx.error_output = result, error_output
        return _checked_assign(block, block.resolve(ctx), ctx)

    def with_result(self, ctx, result) -> Any:
        if ctx.inspect is not None:
            ctx.inspect("afterResultSelector", result)     # JSONata has none: the result
        if self.output is None:
            return result
        ctx.result, ctx.error_output = result, ABSENT
        return self.output.resolve(ctx)

    def without_result(self, ctx, output=None) -> Any:
        template = self.output if output is None else output
        if template is None:
            return ctx.input
        ctx.result = ctx.error_output = ABSENT
        return template.resolve(ctx)

    def caught(self, ctx, catcher, caught) -> Any:
        if catcher.output is None:
            return caught
        ctx.result, ctx.error_output = ABSENT, caught
        return catcher.output.resolve(ctx)


def placer(result_path):
    """ResultPath as a function (raw input, result) -> output, compiled once."""
    if result_path is None:
        return lambda raw, result: result
    if result_path is NULL_PATH:
        return lambda raw, result: raw
    steps, apply = result_path.steps, result_path.apply
    if len(steps) == 1 and type(steps[0]) is str:
        name = steps[0]

        def put(raw, result):        # "$.name": one copy of the input, the common case
            if type(raw) is dict:
                output = raw.copy()
                output[name] = result
                return output
            return apply(raw, result)
        return put
    return apply


def place(result_path, raw: Any, result: Any) -> Any:
    """ResultPath: the result placed into the raw input (absent: the result; null: the input)."""
    if result_path is None:
        return result
    if result_path is NULL_PATH:
        return raw
    return result_path.apply(raw, result)


def flow_of(state):
    return JsonataFlow(state) if state.jsonata else JsonPathFlow(state)
