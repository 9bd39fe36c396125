"""Durations a state asks for: Wait's Seconds/Timestamp, Task timeouts, read from paths or JSONata."""
from __future__ import annotations

from typing import Any

from ..definition.limits import MAX_SECONDS
from ..definition.timestamps import epoch_ms, parse_timestamp
from ..errors import StatesError, runtime_error
from ..query.jsonpath import Path, dumps
from . import dataflow

# A Standard execution lasts at most a year; AWS refuses a Wait that goes beyond.
_MAX_WAIT_SECONDS = MAX_SECONDS


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) or (
        isinstance(value, float) and value.is_integer())


def resolve_seconds(state, spec, field: str, data, raw, env) -> int | None:
    """TimeoutSeconds / HeartbeatSeconds: a literal, a ...Path, or a JSONata expression."""
    if spec is None or isinstance(spec, int):
        return spec
    if isinstance(spec, Path):
        value = dataflow.read_path(spec, data, env)
        if not _is_int(value) or value <= 0:
            raise runtime_error(f"The {field}Path field refers to value \"{dumps(value)}\" which is not a "
                                f"valid positive integer: {spec.text}")
        return int(value)
    value = dataflow.jsonata_value(spec, env, raw)
    if not _is_int(value) or value <= 0:
        raise StatesError("States.QueryEvaluationError",
                          f"The {field} field must evaluate to a positive integer, but was: {dumps(value)}",
                          prefix_state=True)
    return int(value)


def wait_duration_ms(state, data, raw, env, now_ms: int) -> int:
    """How long a Wait state waits, from the current virtual time."""
    if state.seconds is not None:
        if isinstance(state.seconds, int):
            return state.seconds * 1000
        value = dataflow.jsonata_value(state.seconds, env, raw)
        if not _is_int(value) or value < 0:
            raise StatesError("States.QueryEvaluationError",
                              f"The Seconds field must evaluate to a non-negative integer, but was: {dumps(value)}",
                              prefix_state=True)
        return _checked(int(value)) * 1000
    if state.seconds_path is not None:
        value = dataflow.read_path(state.seconds_path, data, env)
        if not _is_int(value):
            raise runtime_error(f"The SecondsPath parameter cannot be parsed as a long value: "
                                f"{state.seconds_path.text} == {dumps(value)}")
        if value < 0:
            raise runtime_error(f"The SecondsPath parameter references a negative value: "
                                f"{state.seconds_path.text} == {dumps(value)}")
        return _checked(int(value)) * 1000
    if state.timestamp_path is not None:
        value = dataflow.read_path(state.timestamp_path, data, env)
        moment = parse_timestamp(value) if isinstance(value, str) else None
        if moment is None:
            shown = value if isinstance(value, str) else dumps(value)
            raise runtime_error("The TimestampPath parameter does not reference a valid ISO-8601 extended "
                                f"offset date-time format string: {state.timestamp_path.text} == {shown}")
        return max(0, epoch_ms(moment) - now_ms)
    timestamp = state.timestamp
    if not isinstance(timestamp, str):
        timestamp = dataflow.jsonata_value(timestamp, env, raw)
        moment = parse_timestamp(timestamp) if isinstance(timestamp, str) else None
        if moment is None:
            shown = timestamp if isinstance(timestamp, str) else dumps(timestamp)
            err = StatesError("States.QueryEvaluationError",
                              "The Timestamp field cannot be parsed as an ISO-8601 extended offset "
                              f"date-time format string: {shown}", prefix_state=True,
                              location="Timestamp")
            err.after_entered = True   # recorded: test_wait_timestamp_jsonata, previousEventId 2
            raise err
    else:
        moment = parse_timestamp(timestamp)
    return max(0, epoch_ms(moment) - now_ms)


def _checked(seconds: int) -> int:
    if seconds > _MAX_WAIT_SECONDS:
        raise runtime_error("Wait state delay is too long.")
    return seconds
