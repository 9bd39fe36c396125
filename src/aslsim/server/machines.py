"""State machines: CreateStateMachine, DescribeStateMachine, UpdateStateMachine,
DeleteStateMachine, ListStateMachines, as recorded on AWS (idempotent create by name and
configuration, revisions that change only when the configuration does, delete of a missing
machine answering 200)."""
from __future__ import annotations

import json
import uuid

from ..definition.variables import variable_references
from . import arns
from .definitions import compile_definition
from .protocol import ApiError, validation_error
from .registry import operation
from .store import by_name_in, MachineRecord, Revision, Version, now_ms, page

DEFAULT_LOGGING = {"level": "OFF", "includeExecutionData": False}
DEFAULT_TRACING = {"enabled": False}


def machine_does_not_exist(arn: str) -> ApiError:
    return ApiError("StateMachineDoesNotExist", f"State Machine Does Not Exist: '{arn}'")


def get_machine(call, arn: str) -> MachineRecord:
    record = call.store.machines.get(arn)
    if record is None:
        raise machine_does_not_exist(arn)
    return record


def labeled_arns_refused() -> ApiError:
    return validation_error("This API does not support labeled ARNs.",
                            reason="API_DOES_NOT_SUPPORT_LABELED_ARNS")


def resolve(call, arn: str):
    """A (possibly qualified) state machine ARN -> (machine record, version or None, alias or None)."""
    ref = arns.machine_ref(arn)
    record = get_machine(call, ref.machine_arn) if ref.machine_arn in call.store.machines else None
    if record is None:
        raise machine_does_not_exist(arn)
    if ref.version is not None:
        version = record.versions.get(ref.version)
        if version is None:
            raise machine_does_not_exist(arn)
        return record, version, None
    if ref.alias is not None:
        alias = record.aliases.get(ref.alias)
        if alias is None:
            raise machine_does_not_exist(arn)
        return record, None, alias
    return record, None, None


def _logging(params: dict, current: dict | None = None) -> dict:
    given = params.get("loggingConfiguration")
    if given is None:
        return dict(current or DEFAULT_LOGGING)
    return {**DEFAULT_LOGGING, **given}


def _tracing(params: dict, current: dict | None = None) -> dict:
    given = params.get("tracingConfiguration")
    if given is None:
        return dict(current or DEFAULT_TRACING)
    return {**DEFAULT_TRACING, **given}


def publish(record: MachineRecord, description: str | None) -> Version:
    """A version of the machine's current revision; the existing one when it was published
    already (PublishStateMachineVersion is idempotent per revision, recorded)."""
    for version in record.versions.values():
        if version.revision is record.current:
            return version
    number = record.next_version
    record.next_version += 1
    version = Version(arn=f"{record.arn}:{number}", number=number, revision=record.current,
                      description=description, creation_ms=now_ms())
    record.versions[number] = version
    return version


@operation("CreateStateMachine")
def create_state_machine(call, params: dict) -> dict:
    name = params["name"]
    arns.check_name(name)
    if params.get("versionDescription") is not None and not params.get("publish"):
        raise validation_error("Version description can only be set when publish is true")
    machine_type = params.get("type", "STANDARD")
    machine = compile_definition(params["definition"], name)
    arn = arns.state_machine(call.region, name)
    revision = Revision(definition=params["definition"], role_arn=params["roleArn"], machine=machine,
                        logging=_logging(params), tracing=_tracing(params),
                        encryption=params.get("encryptionConfiguration"))
    with call.store.lock:
        existing = call.store.machines.get(arn)
        if existing is not None:
            # idempotent on name, definition, type, logging, tracing and encryption; roleArn and
            # tags of the repeated request are ignored (CreateStateMachine's documentation)
            same = (existing.type == machine_type and existing.current.definition == revision.definition
                    and existing.current.logging == revision.logging
                    and existing.current.tracing == revision.tracing
                    and existing.current.encryption == revision.encryption)
            if not same:
                raise ApiError("StateMachineAlreadyExists", f"State Machine Already Exists: '{arn}'")
            out = {"stateMachineArn": arn, "creationDate": existing.creation_ms}
            if params.get("publish"):
                out["stateMachineVersionArn"] = publish(existing, params.get("versionDescription")).arn
            return out
        created = now_ms()
        record = MachineRecord(arn=arn, name=name, type=machine_type, creation_ms=created,
                               current=revision, update_ms=created)
        call.store.machines[arn] = record
        call.store.tags[arn] = {t["key"]: t.get("value", "") for t in params.get("tags", [])}
        out = {"stateMachineArn": arn, "creationDate": created}
        if params.get("publish"):
            out["stateMachineVersionArn"] = publish(record, params.get("versionDescription")).arn
        return out


def describe(record: MachineRecord, revision: Revision, *, arn: str, creation_ms: int,
             description: str | None = None) -> dict:
    out = {"stateMachineArn": arn, "name": record.name, "status": "ACTIVE",
           "definition": revision.definition, "roleArn": revision.role_arn, "type": record.type,
           "creationDate": creation_ms, "loggingConfiguration": revision.logging,
           "tracingConfiguration": revision.tracing, "revisionId": revision.revision_id,
           "description": description, "encryptionConfiguration": revision.encryption,
           "variableReferences": variable_references(revision.machine.definition) or None}
    return out


@operation("DescribeStateMachine")
def describe_state_machine(call, params: dict) -> dict:
    arn = params["stateMachineArn"]
    ref = arns.machine_ref(arn)
    with call.store.lock:
        if ref.label is not None:
            return _describe_label(get_machine(call, ref.machine_arn), ref.label, arn)
        record, version, alias = resolve(call, arn)
        if version is not None:
            return describe(record, version.revision, arn=version.arn, creation_ms=version.creation_ms,
                            description=version.description)
        if alias is not None:
            raise machine_does_not_exist(arn)
        out = describe(record, record.current, arn=record.arn, creation_ms=record.creation_ms)
    if params.get("includedData") == "METADATA_ONLY":
        out["definition"] = "{}"
        out.pop("variableReferences", None)     # read from the definition, withheld with it
    return out


def _describe_label(record: MachineRecord, label: str, arn: str) -> dict:
    """A Distributed Map's child workflow, described as AWS describes ``machine/label``."""
    processor = label_processor(record.current.machine, label)
    if processor is None:
        raise machine_does_not_exist(arn)
    out = describe(record, record.current, arn=arn, creation_ms=record.creation_ms)
    out.update(definition=json.dumps(processor, separators=(",", ":")), label=label, name=record.name,
               variableReferences=variable_references(processor) or None)
    return out


def label_processor(machine, label: str) -> dict | None:
    """The ItemProcessor (or Iterator) of ``machine``'s Distributed Map labelled ``label``, as
    the definition wrote it; None when it has none of that label."""
    for state in machine.states.values():
        if state.type == "Map" and getattr(state, "distributed", False) and map_label(state) == label:
            body = _state_source(machine.definition, state.name)
            return body.get("ItemProcessor") or body.get("Iterator") or {}
    return None


def map_label(state) -> str:
    return getattr(state, "label", None) or state.name


def _state_source(definition: dict, name: str) -> dict:
    """The JSON of the state ``name`` as the definition wrote it, wherever it is nested."""
    def walk(states: dict):
        for state_name, body in states.items():
            if state_name == name:
                return body
            for key in ("ItemProcessor", "Iterator"):
                found = walk(body.get(key, {}).get("States", {}))
                if found is not None:
                    return found
            for branch in body.get("Branches", []):
                found = walk(branch.get("States", {}))
                if found is not None:
                    return found
        return None
    return walk(definition.get("States", {})) or {}


@operation("UpdateStateMachine")
def update_state_machine(call, params: dict) -> dict:
    arn = params["stateMachineArn"]
    ref = arns.machine_ref(arn)
    if ref.label is not None:
        raise labeled_arns_refused()
    if not any(params.get(k) is not None for k in ("definition", "roleArn", "loggingConfiguration",
                                                    "tracingConfiguration", "encryptionConfiguration")):
        raise ApiError("MissingRequiredParameter", "Either the definition, the role ARN, the "
                       "LoggingConfiguration, or the TracingConfiguration must be specified")
    if params.get("versionDescription") is not None and not params.get("publish"):
        raise validation_error("Version description can only be set when publish is true")
    with call.store.lock:
        if ref.version is not None or ref.alias is not None or ref.machine_arn not in call.store.machines:
            raise machine_does_not_exist(arn)
        record = call.store.machines[arn]
        current = record.current
    definition = params.get("definition", current.definition)
    machine = compile_definition(definition, record.name) if "definition" in params else current.machine
    revision = Revision(definition=definition, role_arn=params.get("roleArn", current.role_arn),
                        machine=machine, logging=_logging(params, current.logging),
                        tracing=_tracing(params, current.tracing),
                        encryption=params.get("encryptionConfiguration", current.encryption),
                        revision_id=current.revision_id)
    with call.store.lock:
        if not revision.same_as(record.current):
            # a new revision only when something changed (recorded: the same parameters twice
            # keep the revisionId)
            revision.revision_id = str(uuid.uuid4())
            record.current = revision
        record.update_ms = now_ms()
        out = {"updateDate": record.update_ms, "revisionId": record.current.revision_id}
        if params.get("publish"):
            out["stateMachineVersionArn"] = publish(record, params.get("versionDescription")).arn
        return out


@operation("DeleteStateMachine")
def delete_state_machine(call, params: dict) -> dict:
    arn = params["stateMachineArn"]
    ref = arns.machine_ref(arn)
    if ref.label is not None:
        raise labeled_arns_refused()
    if ref.version is not None or ref.alias is not None:
        raise validation_error("Use DeleteStateMachineVersion or DeleteStateMachineAlias to delete "
                               f"a version or an alias: '{arn}'")
    with call.store.lock:
        # deleting a machine that does not exist answers 200 (recorded); its versions and aliases
        # go with it, its executions stay readable
        if call.store.machines.pop(arn, None) is not None:
            call.store.tags.pop(arn, None)
    return {}


@operation("ListStateMachines")
def list_state_machines(call, params: dict) -> dict:
    with call.store.lock:
        records = by_name_in(call.store.machines.values(), call.region)
    chunk, token = page(records, params, "ListStateMachines", lambda r: r.arn)
    return {"stateMachines": [{"stateMachineArn": r.arn, "name": r.name, "type": r.type,
                               "creationDate": r.creation_ms} for r in chunk], "nextToken": token}
