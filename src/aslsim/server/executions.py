"""Executions over the API: StartExecution (idempotent by name for the same input while open),
StartSyncExecution (EXPRESS), DescribeExecution, DescribeStateMachineForExecution,
ListExecutions (filters, newest first, paging), GetExecutionHistory (paging, reverseOrder,
includeExecutionData) and StopExecution."""
from __future__ import annotations

import json
import re
import uuid

from ..definition.variables import variable_references
from . import arns
from .machines import get_machine, machine_does_not_exist, resolve
from .protocol import ApiError, validation_error
from .records import ExecutionRecord
from .registry import operation
from .store import now_ms, page

TYPE_NOT_SUPPORTED = "This operation is not supported by this type of state machine"


def execution_does_not_exist(arn: str) -> ApiError:
    return ApiError("ExecutionDoesNotExist", f"Execution Does Not Exist: '{arn}'")


def read_input(text: str | None):
    """The execution input; InvalidExecutionInput worded as AWS's JSON parser words it (recorded)."""
    if text is None:
        return "{}", {}
    try:
        return text, json.loads(text)
    except json.JSONDecodeError as err:
        raise ApiError("InvalidExecutionInput",
                       f"Invalid State Machine Execution Input: '{_parser_message(text, err)}'") from None


def _parser_message(text: str, err: json.JSONDecodeError) -> str:
    if not text.strip():
        return "Invalid execution input."
    char = text[err.pos] if err.pos < len(text) else ""
    if err.msg.startswith("Expecting property name"):
        return (f"Unexpected character ('{char}' (code {ord(char)})): was expecting double-quote to "
                "start field name") if char else "Unexpected end-of-input: expected close marker for OBJECT"
    token = re.match(r"[A-Za-z0-9_$]+", text[err.pos:])
    if token:
        return (f"Unrecognized token '{token.group(0)}': was expecting (JSON String, Number, Array, "
                "Object or token 'null', 'true' or 'false')")
    if not char:
        return "Unexpected end-of-input"
    return f"Unexpected character ('{char}' (code {ord(char)}))"


def start(call, params: dict, *, sync: bool, start_ms: int | None = None) -> ExecutionRecord:
    """StartExecution (and StartSyncExecution, and a states:startExecution Task, which starts it
    at ``start_ms``, its own clock's now): the execution's record, run until it ends or waits."""
    target, _, test_case = params["stateMachineArn"].partition("#")   # Step Functions Local's #TestCase
    ref = arns.machine_ref(target)
    if ref.label is not None:
        raise validation_error("This API does not support labeled ARNs.",
                               reason="API_DOES_NOT_SUPPORT_LABELED_ARNS")
    input_text, input_value = read_input(params.get("input"))
    name = params.get("name") or str(uuid.uuid4())
    arns.check_name(name)
    with call.store.lock:
        record, version, alias = resolve(call, target)
        express = record.type == "EXPRESS"
        if sync and not express:
            raise ApiError("StateMachineTypeNotSupported", TYPE_NOT_SUPPORTED)
        call.server.check_test_case(record.name, test_case or None)
        if alias is not None:
            version = record.versions[int(call.server.route(alias).rsplit(":", 1)[1])]
        revision = version.revision if version is not None else record.current
        if express:
            arn = (f"arn:aws:states:{ref_region(record.arn)}:{arns.ACCOUNT}:express:{record.name}:"
                   f"{name}:{uuid.uuid4()}")
        else:
            arn = f"arn:aws:states:{ref_region(record.arn)}:{arns.ACCOUNT}:execution:{record.name}:{name}"
            existing = call.store.executions.get(arn)
            if existing is not None:
                # the same name and input while the first is open is the same execution; a
                # different input, or a closed execution, is refused (StartExecution's documentation)
                if not existing.closed and existing.input_text == input_text:
                    return existing
                raise ApiError("ExecutionAlreadyExists", f"Execution Already Exists: '{arn}'")
        execution = ExecutionRecord(
            arn=arn, name=name, machine=record, revision=revision, input_text=input_text,
            input_value=input_value, version_arn=version.arn if version is not None else None,
            alias_arn=alias.arn if alias is not None else None, express=express,
            start_ms=now_ms() if start_ms is None else start_ms,
            test_case=test_case or None, trace_header=params.get("traceHeader"))
        if not express:
            call.store.executions[arn] = execution
            call.store.executions_by_machine.setdefault(record.arn, []).append(execution)
    call.server.run(execution, call.region)
    return execution


def ref_region(machine_arn: str) -> str:
    return machine_arn.split(":")[3]


@operation("StartExecution")
def start_execution(call, params: dict) -> dict:
    execution = start(call, params, sync=False)
    return {"executionArn": execution.arn, "startDate": execution.start_ms}


@operation("StartSyncExecution")
def start_sync_execution(call, params: dict) -> dict:
    execution = start(call, params, sync=True)
    out = execution.describe(now_ms())
    out["billingDetails"] = execution.billing()
    for key in ("redriveCount", "redriveStatus", "redriveStatusReason", "stateMachineVersionArn",
                "stateMachineAliasArn"):
        out.pop(key, None)
    return out


def get_execution(call, arn: str) -> ExecutionRecord:
    parsed = arns.parse(arn, "execution", "express")
    record = call.store.executions.get(arn)
    if record is None:
        if parsed.kind == "express":
            raise arns.invalid_arn("Resource type not valid in this context: express")
        raise execution_does_not_exist(arn)
    return record


@operation("DescribeExecution")
def describe_execution(call, params: dict) -> dict:
    with call.store.lock:
        record = get_execution(call, params["executionArn"])
    out = record.describe(now_ms())
    if params.get("includedData") == "METADATA_ONLY":
        for key in ("input", "output", "inputDetails", "outputDetails"):
            out.pop(key, None)
    return out


@operation("DescribeStateMachineForExecution")
def describe_state_machine_for_execution(call, params: dict) -> dict:
    with call.store.lock:
        record = get_execution(call, params["executionArn"])
    revision = record.revision
    out = {"stateMachineArn": record.machine.arn, "name": record.machine.name,
           "definition": revision.definition, "roleArn": revision.role_arn,
           "updateDate": record.machine.update_ms, "loggingConfiguration": revision.logging,
           "tracingConfiguration": revision.tracing, "revisionId": revision.revision_id,
           "encryptionConfiguration": revision.encryption,
           "variableReferences": variable_references(revision.machine.definition) or None}
    if record.map_run_arn is not None:
        processor = record.child_processor or {}
        out.update(mapRunArn=record.map_run_arn, label=record.label,
                   stateMachineArn=record.state_machine_arn,
                   definition=json.dumps(processor, separators=(",", ":")),
                   variableReferences=variable_references(processor) or None)
    if params.get("includedData") == "METADATA_ONLY":
        out["definition"] = "{}"
        out.pop("variableReferences")
    return out


@operation("ListExecutions")
def list_executions(call, params: dict) -> dict:
    machine_arn, map_run_arn = params.get("stateMachineArn"), params.get("mapRunArn")
    if (machine_arn is None) == (map_run_arn is None):
        raise validation_error("Must provide a StateMachine ARN or a MapRun ARN, but not both")
    status = params.get("statusFilter")
    if status == "PENDING_REDRIVE" and map_run_arn is None:
        raise validation_error("PENDING_REDRIVE status filter is only supported with a mapRunArn")
    with call.store.lock:
        if map_run_arn is not None:
            arns.parse(map_run_arn, "mapRun")
            if map_run_arn not in call.store.map_runs:
                raise ApiError("ResourceNotFound", f"Resource not found: '{map_run_arn}'")
            records = list(call.store.map_runs[map_run_arn].children)
        else:
            ref = arns.machine_ref(machine_arn)
            record = get_machine(call, ref.machine_arn) if ref.label is None else None
            if record is None:
                raise machine_does_not_exist(machine_arn)
            if record.type == "EXPRESS":
                raise ApiError("StateMachineTypeNotSupported", TYPE_NOT_SUPPORTED)
            resolve(call, machine_arn)     # a missing version or alias does not exist
            records = list(call.store.executions_by_machine.get(record.arn, []))
            if ref.version is not None:
                records = [r for r in records if r.version_arn == machine_arn]
            elif ref.alias is not None:
                records = [r for r in records if r.alias_arn == machine_arn]
        snapshot = [(r, r.sort_ms) for r in records]
    if status is not None:
        snapshot = [(r, key) for r, key in snapshot if r.status == status]
    redriven = params.get("redriveFilter")
    if redriven is not None:
        snapshot = [(r, key) for r, key in snapshot if (r.redrive_count > 0) == (redriven == "REDRIVEN")]
    # most recent first: running executions by start (or redrive) date, the others by stop date
    snapshot.sort(key=lambda item: item[1], reverse=True)
    listing = f"ListExecutions:{machine_arn or map_run_arn}:{status}:{redriven}"
    chunk, token = page([r for r, _ in snapshot], params, listing, lambda r: r.arn)
    return {"executions": [r.summary() for r in chunk], "nextToken": token}


_PAYLOADS = ("input", "output", "parameters", "assignedVariables")


@operation("GetExecutionHistory")
def get_execution_history(call, params: dict) -> dict:
    with call.store.lock:
        record = get_execution(call, params["executionArn"])
    events = record.events()
    if params.get("reverseOrder"):
        events = events[::-1]
    if params.get("includeExecutionData") is False:
        events = [_without_data(e) for e in events]
    listing = f"GetExecutionHistory:{record.arn}:{bool(params.get('reverseOrder'))}"
    chunk, token = page(events, params, listing, lambda e: str(e["id"]))
    return {"events": chunk, "nextToken": token}


def _without_data(event: dict) -> dict:
    out = {}
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k not in _PAYLOADS}
        out[key] = value
    return out


@operation("StopExecution")
def stop_execution(call, params: dict) -> dict:
    with call.store.lock:
        record = get_execution(call, params["executionArn"])
    stopped = call.server.stop(record, params.get("error"), params.get("cause"))
    return {"stopDate": stopped}


@operation("RedriveExecution")
def redrive_execution(call, params: dict) -> dict:
    with call.store.lock:
        record = get_execution(call, params["executionArn"])
        token = params.get("clientToken")
        if token is not None and token in record.redrive_tokens:
            return {"redriveDate": record.redrive_tokens[token]}   # the same request again
        status, reason = record.redrive_status(now_ms())
        if status != "REDRIVABLE":
            raise ApiError("ExecutionNotRedrivable", reason or "Execution can only be redriven by its Map Run")
        if record.machine.arn not in call.store.machines:
            raise ApiError("ExecutionNotRedrivable", "State machine is in DELETING status")
    redriven = call.server.redrive(record)
    if token is not None:
        record.redrive_tokens[token] = redriven
        while len(record.redrive_tokens) > 10:      # AWS answers the last 10 tokens idempotently
            record.redrive_tokens.pop(next(iter(record.redrive_tokens)))
    return {"redriveDate": redriven}
