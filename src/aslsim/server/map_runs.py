"""Map Runs of Distributed Maps: DescribeMapRun, ListMapRuns, UpdateMapRun (and the children
ListExecutions lists by mapRunArn), from the engine's MapRun records."""
from __future__ import annotations

from dataclasses import dataclass, field

from . import arns
from .protocol import ApiError, validation_error
from .machines import label_processor
from .records import ExecutionRecord, child_record
from .registry import operation
from .store import page


@dataclass
class MapRunEntry:
    map_run: object                      # the engine's MapRun
    parent: ExecutionRecord
    children: list = field(default_factory=list)


def register_map_runs(store, record: ExecutionRecord, map_runs=None) -> None:
    """Make an execution's Map Runs (an ended one's, or ``map_runs`` so far), and their
    children, readable through the API."""
    if map_runs is None:
        map_runs = getattr(record.result, "map_runs", ())
    for map_run in map_runs:
        processor = label_processor(record.revision.machine, map_run.label)
        children = [child_record(c, map_run, record, processor) for c in map_run.children if c is not None]
        store.map_runs[map_run.arn] = MapRunEntry(map_run, record, children)
        for child in children:
            store.executions[child.arn] = child


def _entry(call, arn: str) -> MapRunEntry:
    arns.parse(arn, "mapRun")
    entry = call.store.map_runs.get(arn)
    if entry is None:
        raise ApiError("ResourceNotFound", f"Resource not found: '{arn}'")
    return entry


def _counts(counts: dict, results_written: int) -> dict:
    out = dict(counts)
    out.setdefault("resultsWritten", results_written)
    out.setdefault("failuresNotRedrivable", 0)
    out.setdefault("pendingRedrive", 0)
    return out


@operation("DescribeMapRun")
def describe_map_run(call, params: dict) -> dict:
    with call.store.lock:
        entry = _entry(call, params["mapRunArn"])
    run = entry.map_run
    items, executions = run.item_counts(redrives=True), run.execution_counts(redrives=True)
    return {"mapRunArn": run.arn, "executionArn": run.execution_arn, "status": run.status,
            "startDate": run.start_ms, "stopDate": run.stop_ms, "maxConcurrency": run.max_concurrency,
            "toleratedFailurePercentage": float(run.tolerated_failure_percentage or 0),
            "toleratedFailureCount": run.tolerated_failure_count or 0,
            "itemCounts": _counts(items, items["succeeded"]),
            "executionCounts": _counts(executions, executions["succeeded"]),
            "redriveCount": run.redrive_count, **({"redriveDate": run.redrive_ms} if run.redrive_ms else {})}


@operation("ListMapRuns")
def list_map_runs(call, params: dict) -> dict:
    from .executions import get_execution
    with call.store.lock:
        record = get_execution(call, params["executionArn"])
        entries = [e for e in call.store.map_runs.values() if e.parent is record]
    runs = [e.map_run for e in entries]
    chunk, token = page(runs, params, f"ListMapRuns:{record.arn}", lambda r: r.arn)
    return {"mapRuns": [{"executionArn": r.execution_arn, "mapRunArn": r.arn,
                         "stateMachineArn": f"{record.machine.arn}/{r.label}",
                         "startDate": r.start_ms, "stopDate": r.stop_ms} for r in chunk],
            "nextToken": token}


@operation("UpdateMapRun")
def update_map_run(call, params: dict) -> dict:
    if all(params.get(k) is None for k in ("maxConcurrency", "toleratedFailurePercentage",
                                           "toleratedFailureCount")):
        raise validation_error("At least one of maxConcurrency, toleratedFailurePercentage or "
                               "toleratedFailureCount must be specified",
                               reason="MISSING_REQUIRED_PARAMETER")
    with call.store.lock:
        run = _entry(call, params["mapRunArn"]).map_run
        if run.status != "RUNNING":
            raise validation_error("Cannot update a completed Map Run",
                                   reason="CANNOT_UPDATE_COMPLETED_MAP_RUN")
        if params.get("maxConcurrency") is not None:
            run.max_concurrency = params["maxConcurrency"]
        if params.get("toleratedFailureCount") is not None:
            run.tolerated_failure_count = params["toleratedFailureCount"]
        if params.get("toleratedFailurePercentage") is not None:
            run.tolerated_failure_percentage = params["toleratedFailurePercentage"]
    return {}
