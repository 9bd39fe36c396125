"""The numbers a Distributed Map reads when it starts: tolerated failures, MaxItems, batch limits.

Each may be a literal (checked at load), a ``*Path`` (JSONPath) or a JSONata expression, compiled
into a value (``values.run_number``) and resolved here in the order AWS checks them, refused
with AWS's States.Runtime wording where recorded.
"""
from __future__ import annotations

from dataclasses import dataclass

from ...errors import runtime_error
from ..values import NONE, run_number


@dataclass(frozen=True)
class RunSettings:
    tolerated_count: int | None
    tolerated_percentage: float | None
    max_items: int | None           # ReaderConfig MaxItems, resolved (the reader checks its range)
    batch_items: int | None         # ItemBatcher MaxItemsPerBatch
    batch_bytes: int | None         # ItemBatcher MaxInputBytesPerBatch


def prepare_settings(plan) -> None:
    state = plan.state
    plan.tolerated_count = run_number(state.tolerated_failure_count, "ToleratedFailureCount", integer=True)
    plan.tolerated_percentage = run_number(state.tolerated_failure_percentage, "ToleratedFailurePercentage",
                                           integer=False)
    reader, batcher = state.item_reader, state.item_batcher
    plan.max_items = run_number(reader.max_items, "MaxItems", integer=True) if reader is not None else NONE
    if batcher is not None:
        plan.batch_items = run_number(batcher.max_items, "MaxItemsPerBatch", integer=True)
        plan.batch_bytes = run_number(batcher.max_bytes, "MaxInputBytesPerBatch", integer=True)
    else:
        plan.batch_items = plan.batch_bytes = NONE


def resolve_settings(plan, ctx) -> RunSettings:
    """Resolve the run's numbers, in the order AWS checks them."""
    count = plan.tolerated_count.resolve(ctx)
    if count is not None and count < 0:
        raise runtime_error("ToleratedFailureCount cannot be negative.")        # recorded
    percentage = plan.tolerated_percentage.resolve(ctx)
    if percentage is not None and not 0 <= percentage <= 100:
        raise runtime_error("ToleratedFailurePercentage must be between 0 and 100.")   # recorded
    max_items = plan.max_items.resolve(ctx)
    batch_items = plan.batch_items.resolve(ctx)
    batch_bytes = plan.batch_bytes.resolve(ctx)
    for name, value in (("MaxItemsPerBatch", batch_items), ("MaxInputBytesPerBatch", batch_bytes)):
        if value is not None and value < 1:
            # not recorded: AWS's wording for a batch limit below one
            raise runtime_error(f"{name} must be a positive integer, but was: {value}")
    return RunSettings(count, percentage, max_items, batch_items, batch_bytes)
