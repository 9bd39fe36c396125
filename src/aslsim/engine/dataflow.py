"""How data moves through a state, in either query language.

JSONPath: InputPath -> Parameters -> (work) -> [Assign sees the result] -> ResultSelector ->
ResultPath (merged into the raw input) -> OutputPath.
JSONata: Arguments and Output are expressions over ``$states`` (input, result, errorOutput,
context); Output defaults to the result (Task, Parallel, Map) or to the input.

In both, Assign is evaluated against the variables as they were before the state, and its values
become visible only to the next state; Output/OutputPath of the same state sees the old values.
"""
from __future__ import annotations

from typing import Any

from ..errors import StatesError, runtime_error
from ..query.jsonpath import PathNotFound, dumps
from ..definition.model import NULL_PATH

_ABSENT = object()
ASSIGN_LIMIT = 262_144   # bytes of JSON one state may assign


def _inspect(env, stage: str, value) -> None:
    """TestState's inspection data: a tester Runner keeps each stage's value of the tested state."""
    inspection = env.run.inspection
    if inspection is not None and env.frame is env.run.top:
        inspection[stage] = value


def read_path(path, data, env) -> Any:
    """Evaluate an InputPath/OutputPath/ItemsPath-like path, failing as AWS does."""
    try:
        return path.evaluate(data, env)
    except PathNotFound as err:
        raise runtime_error(f"Invalid path '{path.text}' : {err.detail}") from None


def effective_input(state, raw: Any, env) -> Any:
    """InputPath applied to the raw state input (JSONata states use the raw input)."""
    path = state.input_path
    if path is None or state.jsonata:
        data = raw
    elif path is NULL_PATH:
        data = {}
    else:
        data = read_path(path, raw, env)
    _inspect(env, "afterInputPath", data)
    return data


def states_binding(env, raw, result=_ABSENT, error_output=_ABSENT) -> dict:
    """The JSONata ``$states`` variable for one evaluation."""
    states = {"input": raw, "context": env.context}
    if result is not _ABSENT:
        states["result"] = result
    if error_output is not _ABSENT:
        states["errorOutput"] = error_output
    return states


def arguments(state, template, data: Any, raw: Any, env) -> Any:
    """Parameters (JSONPath, over the effective input) or Arguments (JSONata)."""
    if template is None:
        value = data
    elif state.jsonata:
        value = template.render(env, states_binding(env, raw))
    else:
        value = template.render(data, env)
    if template is getattr(state, "parameters", None):
        _inspect(env, "afterArguments" if state.jsonata else "afterParameters", value)
    return value


def evaluate_assign(block, jsonata: bool, value: Any, raw: Any, env, *, result=_ABSENT,
                    error_output=_ABSENT) -> dict | None:
    """The variables an Assign block sets. JSONPath: ``$`` is ``value`` (the state's result)."""
    if block is None:
        return None
    if jsonata:
        assigned = block.render(env, states_binding(env, raw, result, error_output))
    else:
        assigned = block.render(value, env)
    if len(dumps(assigned).encode("utf-8")) > ASSIGN_LIMIT:
        # the developer guide's limit "up to 256 KiB per state"; the wording of AWS's error for it
        # is not recorded, the error name is the one AWS uses for every payload limit
        raise StatesError("States.DataLimitExceeded",
                          f"The variables assigned by the state '{env.state.name}' have a size "
                          f"exceeding the maximum number of bytes service limit ({ASSIGN_LIMIT}).")
    return assigned


def state_output(state, raw: Any, data: Any, result: Any, env, *, has_result: bool) -> Any:
    """The state's output from its raw input, effective input and result.

    JSONPath: ResultSelector has been applied by the caller; here ResultPath then OutputPath.
    JSONata: Output, or the default (the result, or the input for states without one).
    """
    if state.jsonata:
        if state.output is not None:
            return state.output.render(env, states_binding(env, raw, result) if has_result
                                       else states_binding(env, raw))
        return result if has_result else raw
    if has_result:
        output = apply_result_path(getattr(state, "result_path", None), raw, result)
    else:
        output = data
    return apply_output_path(state, output, env)


def apply_result_path(result_path, raw: Any, result: Any) -> Any:
    if result_path is None:
        return result
    if result_path is NULL_PATH:
        return raw
    return result_path.apply(raw, result)


def apply_output_path(state, output: Any, env) -> Any:
    _inspect(env, "afterResultPath", output)
    path = state.output_path
    if path is None:
        return output
    if path is NULL_PATH:
        return {}
    return read_path(path, output, env)


def select_result(state, result: Any, env) -> Any:
    """ResultSelector (JSONPath only): a template over the raw result."""
    _inspect(env, "result", result)
    selector = getattr(state, "result_selector", None)
    selected = result if selector is None or state.jsonata else selector.render(result, env)
    _inspect(env, "afterResultSelector", selected)
    return selected


def error_output(err: StatesError) -> dict:
    """The object a Catch passes on: AWS's {"Error", "Cause"} (null where absent)."""
    return {"Error": err.error, "Cause": err.cause}
