"""The numbers a Distributed Map reads when it starts: tolerated failures, MaxItems, batch limits.

Each may be a literal (checked at load), a ``*Path`` (JSONPath) or a JSONata expression; the
dynamic ones are resolved here and refused with AWS's States.Runtime wording where recorded.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ...errors import StatesError, runtime_error
from ...query.jsonpath import Path, dumps
from .. import dataflow

_INTEGER = re.compile(r"^\s*-?\d+\s*$")
_FLOAT = re.compile(r"^\s*-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")


@dataclass(frozen=True)
class RunSettings:
    tolerated_count: int | None
    tolerated_percentage: float | None
    max_items: int | None           # ReaderConfig MaxItems, resolved (the reader checks its range)
    batch_items: int | None         # ItemBatcher MaxItemsPerBatch
    batch_bytes: int | None         # ItemBatcher MaxInputBytesPerBatch


def resolve_settings(state, data, raw, env) -> RunSettings:
    """Resolve the run's numbers, in the order AWS checks them."""
    count = _number(state.tolerated_failure_count, "ToleratedFailureCount", data, raw, env, integer=True)
    if count is not None and count < 0:
        raise runtime_error("ToleratedFailureCount cannot be negative.")        # recorded
    percentage = _number(state.tolerated_failure_percentage, "ToleratedFailurePercentage", data, raw, env,
                         integer=False)
    if percentage is not None and not 0 <= percentage <= 100:
        raise runtime_error("ToleratedFailurePercentage must be between 0 and 100.")   # recorded
    reader, batcher = state.item_reader, state.item_batcher
    max_items = None
    if reader is not None:
        max_items = _number(reader.max_items, "MaxItems", data, raw, env, integer=True)
    batch_items = batch_bytes = None
    if batcher is not None:
        batch_items = _number(batcher.max_items, "MaxItemsPerBatch", data, raw, env, integer=True)
        batch_bytes = _number(batcher.max_bytes, "MaxInputBytesPerBatch", data, raw, env, integer=True)
        for name, value in (("MaxItemsPerBatch", batch_items), ("MaxInputBytesPerBatch", batch_bytes)):
            if value is not None and value < 1:
                # not recorded: AWS's wording for a batch limit below one
                raise runtime_error(f"{name} must be a positive integer, but was: {value}")
    return RunSettings(count, percentage, max_items, batch_items, batch_bytes)


def _number(spec, field: str, data, raw, env, *, integer: bool) -> Any:
    if spec is None or (isinstance(spec, (int, float)) and not isinstance(spec, bool)):
        return spec
    if isinstance(spec, Path):
        value = dataflow.read_path(spec, data, env)
        parsed = _parse(value, integer)
        if parsed is None:
            # recorded: strings print bare, other values as JSON
            text = value if isinstance(value, str) else dumps(value)
            kind = "integer" if integer else "float"
            raise runtime_error(f"The {field}Path field refers to value \"{text}\" which is not a valid "
                                f"{kind}: {spec.text}")
        return parsed
    value = dataflow.jsonata_value(spec, env, raw)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (
            integer and value != int(value)):
        kind = "an integer" if integer else "a number"
        # not recorded: worded as AWS words the same check of MaxConcurrency
        raise StatesError("States.QueryEvaluationError",
                          f"The {field} field must evaluate to {kind}, but was: {dumps(value)}",
                          prefix_state=True, location=field)
    return int(value) if integer else value


def _parse(value, integer: bool):
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
