"""State machine versions and aliases, with AWS's rules and words (recorded): versions numbered
from 1 and never reused, publish idempotent per revision, a revisionId guard; aliases routing to
one or two versions of one machine whose weights sum to 100, and a version an alias routes to
cannot be deleted."""
from __future__ import annotations

from . import arns
from .machines import get_machine, machine_does_not_exist, publish
from .protocol import ApiError, validation_error
from .registry import operation
from .store import Alias, now_ms, page

RESOURCE_NOT_FOUND = "Request references a resource that does not exist."


@operation("PublishStateMachineVersion")
def publish_state_machine_version(call, params: dict) -> dict:
    arn = params["stateMachineArn"]
    ref = arns.machine_ref(arn)
    with call.store.lock:
        if ref.qualified:
            raise machine_does_not_exist(arn)
        record = get_machine(call, ref.machine_arn)
        expected = params.get("revisionId")
        current = record.current.revision_id
        if expected is not None and expected != (current or "INITIAL"):
            raise ApiError("ConflictException", f"Failed to publish the State Machine version for "
                           f"revision {expected}. The current State Machine revision is {current or 'INITIAL'}.")
        version = publish(record, params.get("description"))
        return {"creationDate": version.creation_ms, "stateMachineVersionArn": version.arn}


@operation("ListStateMachineVersions")
def list_state_machine_versions(call, params: dict) -> dict:
    arn = params["stateMachineArn"]
    ref = arns.machine_ref(arn)
    with call.store.lock:
        if ref.qualified:
            raise validation_error(f"Expected an unqualified state machine ARN, not '{arn}'")
        record = get_machine(call, arn)
        versions = sorted(record.versions.values(), key=lambda v: v.number, reverse=True)  # newest first
    chunk, token = page(versions, params, f"ListStateMachineVersions:{arn}", lambda v: v.arn)
    return {"stateMachineVersions": [{"stateMachineVersionArn": v.arn, "creationDate": v.creation_ms}
                                     for v in chunk], "nextToken": token}


@operation("DeleteStateMachineVersion")
def delete_state_machine_version(call, params: dict) -> dict:
    arn = params["stateMachineVersionArn"]
    ref = arns.machine_ref(arn)
    if ref.version is None:
        raise validation_error(f"Expected a state machine version ARN, not '{arn}'")
    with call.store.lock:
        record = call.store.machines.get(ref.machine_arn)
        if record is None or ref.version not in record.versions:
            return {}          # a version that is already gone answers 200 (recorded)
        users = [a.name for a in record.aliases.values()
                 if any(r["stateMachineVersionArn"] == arn for r in a.routing)]
        if users:
            raise ApiError("ConflictException", "Version to be deleted must not be referenced by an "
                           f"alias. Current list of aliases referencing this version: [{', '.join(users)}]")
        del record.versions[ref.version]
    return {}


def _routing(call, routing: list[dict]):
    """The machine the routing configuration's versions belong to, after AWS's checks."""
    version_arns = [r["stateMachineVersionArn"] for r in routing]
    refs = []
    for version_arn in version_arns:
        try:
            ref = arns.machine_ref(version_arn)
        except ApiError:
            ref = None
        if ref is None or ref.version is None:
            raise validation_error("Routing configuration must contain state machine version ARNs. "
                                   f"Received: [{', '.join(version_arns)}]",
                                   reason="INVALID_ROUTING_CONFIGURATION")
        refs.append(ref)
    if len(set(version_arns)) != len(version_arns):
        raise validation_error("Routing configuration must contain distinct state machine version "
                               f"ARNs. Received: [{', '.join(version_arns)}]",
                               reason="INVALID_ROUTING_CONFIGURATION")
    if len({ref.machine_arn for ref in refs}) > 1:
        raise validation_error("Routing configuration must contain state machine version ARNs of "
                               f"the same state machine. Received: [{', '.join(version_arns)}]",
                               reason="INVALID_ROUTING_CONFIGURATION")
    weights = [r["weight"] for r in routing]
    if sum(weights) != 100:
        raise validation_error("Sum of routing configuration weights must equal 100. Received: "
                               f"[{', '.join(str(w) for w in weights)}]",
                               reason="INVALID_ROUTING_CONFIGURATION")
    record = call.store.machines.get(refs[0].machine_arn)
    if record is None or any(ref.version not in record.versions for ref in refs):
        raise ApiError("ResourceNotFound", RESOURCE_NOT_FOUND)
    return record


def _clean(routing: list[dict]) -> list[dict]:
    return [{"stateMachineVersionArn": r["stateMachineVersionArn"], "weight": r["weight"]} for r in routing]


@operation("CreateStateMachineAlias")
def create_state_machine_alias(call, params: dict) -> dict:
    name = params["name"]
    routing = _clean(params["routingConfiguration"])
    with call.store.lock:
        record = _routing(call, routing)
        existing = record.aliases.get(name)
        description = params.get("description")
        if existing is not None:
            if existing.routing != routing or existing.description != description:
                raise ApiError("ConflictException", "Failed to create alias because an alias with the "
                               "same name and a different routing configuration already exists.")
            return {"stateMachineAliasArn": existing.arn, "creationDate": existing.creation_ms}
        created = now_ms()
        alias = Alias(arn=f"{record.arn}:{name}", name=name, description=description, routing=routing,
                      creation_ms=created, update_ms=created)
        record.aliases[name] = alias
        return {"stateMachineAliasArn": alias.arn, "creationDate": created}


def _alias(call, arn: str):
    ref = arns.machine_ref(arn)
    if ref.alias is None:
        raise validation_error(f"Expected a state machine alias ARN, not '{arn}'")
    record = call.store.machines.get(ref.machine_arn)
    alias = record.aliases.get(ref.alias) if record is not None else None
    return record, alias


@operation("DescribeStateMachineAlias")
def describe_state_machine_alias(call, params: dict) -> dict:
    with call.store.lock:
        _, alias = _alias(call, params["stateMachineAliasArn"])
        if alias is None:
            raise ApiError("ResourceNotFound", RESOURCE_NOT_FOUND)
        return {"stateMachineAliasArn": alias.arn, "name": alias.name, "description": alias.description,
                "routingConfiguration": alias.routing, "creationDate": alias.creation_ms,
                "updateDate": alias.update_ms}


@operation("UpdateStateMachineAlias")
def update_state_machine_alias(call, params: dict) -> dict:
    if params.get("description") is None and params.get("routingConfiguration") is None:
        raise validation_error("Either the description or the routingConfiguration must be specified",
                               reason="MISSING_REQUIRED_PARAMETER")
    with call.store.lock:
        record, alias = _alias(call, params["stateMachineAliasArn"])
        if alias is None:
            raise ApiError("ResourceNotFound", RESOURCE_NOT_FOUND)
        if params.get("routingConfiguration") is not None:
            routing = _clean(params["routingConfiguration"])
            if _routing(call, routing) is not record:
                raise validation_error("Routing configuration must contain state machine version ARNs "
                                       "of the alias's state machine", reason="INVALID_ROUTING_CONFIGURATION")
            alias.routing = routing
        if params.get("description") is not None:
            alias.description = params["description"]
        alias.update_ms = now_ms()
        return {"updateDate": alias.update_ms}


@operation("DeleteStateMachineAlias")
def delete_state_machine_alias(call, params: dict) -> dict:
    with call.store.lock:
        record, alias = _alias(call, params["stateMachineAliasArn"])
        if alias is not None:        # an alias that is already gone answers 200 (recorded)
            del record.aliases[alias.name]
    return {}


@operation("ListStateMachineAliases")
def list_state_machine_aliases(call, params: dict) -> dict:
    arn = params["stateMachineArn"]
    ref = arns.machine_ref(arn)
    with call.store.lock:
        record = get_machine(call, ref.machine_arn)
        if ref.version is not None and ref.version not in record.versions:
            raise ApiError("ResourceNotFound", RESOURCE_NOT_FOUND)
        aliases = list(record.aliases.values())        # in creation order (recorded)
        if ref.version is not None:
            aliases = [a for a in aliases if any(r["stateMachineVersionArn"] == arn for r in a.routing)]
    chunk, token = page(aliases, params, f"ListStateMachineAliases:{arn}", lambda a: a.arn)
    return {"stateMachineAliases": [{"stateMachineAliasArn": a.arn, "creationDate": a.creation_ms}
                                    for a in chunk], "nextToken": token}
