"""The dynamic fields of states, compiled once into values with one ``resolve(ctx)``.

TimeoutSeconds/HeartbeatSeconds (and their ``*Path``), Wait's Seconds/SecondsPath/Timestamp/
TimestampPath, MaxConcurrency(Path), a Distributed Map's tolerated failures, MaxItems and batch
limits, a Fail state's Error/Cause(Path): each is a literal, a JSONPath path read from the
effective input, or a JSONata expression, and each refuses a bad value with AWS's wording.
The engine never asks which kind a field is.
"""
from __future__ import annotations

import re
from typing import Any

from ..definition.limits import MAX_SECONDS
from ..definition.timestamps import epoch_ms, parse_timestamp
from ..errors import StatesError, runtime_error
from ..query.jsonpath import Path, dumps
from ..query.templates import ABSENT, Template
from .dataflow import read_path


def _jsonata(template: Template, ctx) -> Any:
    ctx.result = ctx.error_output = ABSENT
    return template.resolve(ctx)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) or (
        isinstance(value, float) and value.is_integer())


class Literal:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def resolve(self, ctx):
        return self.value


NONE = Literal(None)


def literal_or(spec, path_value, jsonata_value):
    """The compiled value of a field that holds a literal, a Path or a JSONata template."""
    if isinstance(spec, Path):
        return path_value(spec)
    if isinstance(spec, Template):
        return jsonata_value(spec)
    return NONE if spec is None else Literal(spec)


# -- TimeoutSeconds / HeartbeatSeconds -----------------------------------------------------------

class _SecondsPath:
    __slots__ = ("path", "field")

    def __init__(self, path: Path, field: str):
        self.path, self.field = path, field

    def resolve(self, ctx) -> int:
        value = read_path(self.path, ctx.data, ctx)
        if not _is_int(value) or value <= 0:
            raise runtime_error(f"The {self.field}Path field refers to value \"{dumps(value)}\" which is "
                                f"not a valid positive integer: {self.path.text}")
        return int(value)


class _SecondsExpression:
    __slots__ = ("template", "field")

    def __init__(self, template: Template, field: str):
        self.template, self.field = template, field

    def resolve(self, ctx) -> int:
        value = _jsonata(self.template, ctx)
        if not _is_int(value) or value <= 0:
            raise StatesError("States.QueryEvaluationError",
                              f"The {self.field} field must evaluate to a positive integer, but was: "
                              f"{dumps(value)}", prefix_state=True)
        return int(value)


def task_seconds(spec, field: str):
    """TimeoutSeconds or HeartbeatSeconds: seconds, or None when the state sets none."""
    return literal_or(spec, lambda path: _SecondsPath(path, field),
                      lambda template: _SecondsExpression(template, field))


# -- Wait ------------------------------------------------------------------------------------------

def _checked(seconds: int) -> int:
    if seconds > MAX_SECONDS:   # AWS refuses a Wait longer than its largest number of seconds
        raise runtime_error("Wait state delay is too long.")
    return seconds


class _WaitSeconds:
    __slots__ = ("ms",)

    def __init__(self, seconds: int):
        self.ms = seconds * 1000

    def resolve(self, ctx) -> int:
        return self.ms


class _WaitSecondsExpression:
    __slots__ = ("template",)

    def __init__(self, template):
        self.template = template

    def resolve(self, ctx) -> int:
        value = _jsonata(self.template, ctx)
        if not _is_int(value) or value < 0:
            raise StatesError("States.QueryEvaluationError",
                              f"The Seconds field must evaluate to a non-negative integer, but was: {dumps(value)}",
                              prefix_state=True)
        return _checked(int(value)) * 1000


class _WaitSecondsPath:
    __slots__ = ("path",)

    def __init__(self, path):
        self.path = path

    def resolve(self, ctx) -> int:
        value = read_path(self.path, ctx.data, ctx)
        if not _is_int(value):
            raise runtime_error(f"The SecondsPath parameter cannot be parsed as a long value: "
                                f"{self.path.text} == {dumps(value)}")
        if value < 0:
            raise runtime_error(f"The SecondsPath parameter references a negative value: "
                                f"{self.path.text} == {dumps(value)}")
        return _checked(int(value)) * 1000


class _WaitTimestampPath:
    __slots__ = ("path",)

    def __init__(self, path):
        self.path = path

    def resolve(self, ctx) -> int:
        value = read_path(self.path, ctx.data, ctx)
        moment = parse_timestamp(value) if isinstance(value, str) else None
        if moment is None:
            shown = value if isinstance(value, str) else dumps(value)
            raise runtime_error("The TimestampPath parameter does not reference a valid ISO-8601 extended "
                                f"offset date-time format string: {self.path.text} == {shown}")
        return max(0, epoch_ms(moment) - ctx.now_ms)


class _WaitTimestamp:
    __slots__ = ("moment_ms",)

    def __init__(self, text: str):
        self.moment_ms = epoch_ms(parse_timestamp(text))

    def resolve(self, ctx) -> int:
        return max(0, self.moment_ms - ctx.now_ms)


class _WaitTimestampExpression:
    __slots__ = ("template",)

    def __init__(self, template):
        self.template = template

    def resolve(self, ctx) -> int:
        timestamp = _jsonata(self.template, ctx)
        moment = parse_timestamp(timestamp) if isinstance(timestamp, str) else None
        if moment is None:
            shown = timestamp if isinstance(timestamp, str) else dumps(timestamp)
            # recorded: test_wait_timestamp_jsonata, the EvaluationFailed follows the Entered event
            raise StatesError("States.QueryEvaluationError",
                              "The Timestamp field cannot be parsed as an ISO-8601 extended offset "
                              f"date-time format string: {shown}", prefix_state=True,
                              location="Timestamp", after_entered=True)
        return max(0, epoch_ms(moment) - ctx.now_ms)


def wait_duration(state):
    """How long a Wait state waits (ms from now), whichever of its four fields it uses."""
    if state.seconds is not None:
        if isinstance(state.seconds, int):
            return _WaitSeconds(state.seconds)
        return _WaitSecondsExpression(state.seconds)
    if state.seconds_path is not None:
        return _WaitSecondsPath(state.seconds_path)
    if state.timestamp_path is not None:
        return _WaitTimestampPath(state.timestamp_path)
    if isinstance(state.timestamp, str):
        return _WaitTimestamp(state.timestamp)
    return _WaitTimestampExpression(state.timestamp)


# -- MaxConcurrency ----------------------------------------------------------------------------------

class _ConcurrencyPath:
    __slots__ = ("path",)

    def __init__(self, path):
        self.path = path

    def resolve(self, ctx) -> int:
        value = read_path(self.path, ctx.data, ctx)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)  # AWS reads a numeric string here as its number (recorded)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise runtime_error(f"The MaxConcurrencyPath field refers to value \"{dumps(value)}\" which is "
                                f"not a valid integer: {self.path.text}")
        return value


class _ConcurrencyExpression:
    __slots__ = ("template",)

    def __init__(self, template):
        self.template = template

    def resolve(self, ctx) -> int:
        value = _jsonata(self.template, ctx)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != int(value):
            raise StatesError("States.QueryEvaluationError",
                              f"The MaxConcurrency field must evaluate to a non-negative integer, but was: "
                              f"{dumps(value)}", prefix_state=True)
        return int(value)


def max_concurrency(spec):
    """MaxConcurrency, MaxConcurrencyPath or its JSONata form (0: no limit)."""
    return literal_or(spec, _ConcurrencyPath, _ConcurrencyExpression)


# -- a Distributed Map's numbers -------------------------------------------------------------------

_INTEGER = re.compile(r"^\s*-?\d+\s*$")
_FLOAT = re.compile(r"^\s*-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")


def _parse_number(value, integer: bool):
    """A number from a path's value; AWS reads a numeric string as its number (recorded)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if integer and _INTEGER.match(value):
            return int(value)
        if not integer and _FLOAT.match(value):
            return float(value)
        return None
    if integer:
        return value if isinstance(value, int) else None
    return value if isinstance(value, (int, float)) else None


class _NumberPath:
    __slots__ = ("path", "field", "integer")

    def __init__(self, path, field, integer):
        self.path, self.field, self.integer = path, field, integer

    def resolve(self, ctx):
        value = read_path(self.path, ctx.data, ctx)
        parsed = _parse_number(value, self.integer)
        if parsed is None:
            # recorded: strings print bare, other values as JSON
            text = value if isinstance(value, str) else dumps(value)
            kind = "integer" if self.integer else "float"
            raise runtime_error(f"The {self.field}Path field refers to value \"{text}\" which is not a valid "
                                f"{kind}: {self.path.text}")
        return parsed


class _NumberExpression:
    __slots__ = ("template", "field", "integer")

    def __init__(self, template, field, integer):
        self.template, self.field, self.integer = template, field, integer

    def resolve(self, ctx):
        value = _jsonata(self.template, ctx)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or (
                self.integer and value != int(value)):
            kind = "an integer" if self.integer else "a number"
            # not recorded: worded as AWS words the same check of MaxConcurrency
            raise StatesError("States.QueryEvaluationError",
                              f"The {self.field} field must evaluate to {kind}, but was: {dumps(value)}",
                              prefix_state=True, location=self.field)
        return int(value) if self.integer else value


def run_number(spec, field: str, *, integer: bool):
    """ToleratedFailureCount/Percentage, MaxItems, MaxItemsPerBatch, MaxInputBytesPerBatch."""
    return literal_or(spec, lambda path: _NumberPath(path, field, integer),
                      lambda template: _NumberExpression(template, field, integer))


# -- a Fail state's Error and Cause ----------------------------------------------------------------

class _Resolved:
    """A JSONPath ErrorPath/CausePath (a path or an intrinsic) read from the state input."""
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def resolve(self, ctx):
        ctx.document = ctx.input
        return self.value.resolve(ctx)


class _JsonataText:
    __slots__ = ("template",)

    def __init__(self, template):
        self.template = template

    def resolve(self, ctx):
        return _jsonata(self.template, ctx)


def fail_text(literal, path):
    """A Fail state's Error or Cause: literal, ErrorPath/CausePath, or JSONata."""
    if path is not None:
        return _Resolved(path)
    if hasattr(literal, "resolve"):
        return _JsonataText(literal)
    return NONE if literal is None else Literal(literal)
