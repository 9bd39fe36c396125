"""Structure: the fields each state type takes in each query language, their types and ranges,
the fields that exclude each other, End/Next, and state names (ASL101-106, ASL204, ASL402, ASL407).

The allowed fields per (query language, state type) are the loader's own table, so the validator
and ``aslsim.load`` never disagree on what a state may contain.
"""
from __future__ import annotations

import difflib
import json

from ...definition import acceptance
from ...definition.limits import MAX_BATCH_BYTES, MAX_SECONDS
from ...definition.parse import STATE_FIELDS
from ...definition.timestamps import parse_timestamp
from ...query.templates import is_expression
from ..tree import JSONATA, JSONPATH, STATE_TYPES, TERMINAL_TYPES, Scope, State, Tree

MAX_NAME = 80
_TOP_FIELDS = ("StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage")
_SCOPE_FIELDS = {"branch": ("StartAt", "States", "Comment", "QueryLanguage"),
                 "processor": ("StartAt", "States", "Comment", "QueryLanguage", "ProcessorConfig")}
_ANY_TYPE = {language: set().union(*(f for (lang, _), f in STATE_FIELDS.items() if lang == language))
             for language in (JSONPATH, JSONATA)}
_OTHER = {JSONPATH: JSONATA, JSONATA: JSONPATH}
def is_int(value, low: int, high: int = MAX_SECONDS) -> bool:
    return type(value) is int and low <= value <= high


def check(tree: Tree, out) -> None:
    _top_level(tree.root, out)
    for scope in tree.scopes:
        if scope.kind != "machine":
            _container(scope, out)
    for state in tree.states:
        _state(state, out)


def _top_level(scope: Scope, out):
    source = scope.source
    for key in source:
        if key not in _TOP_FIELDS:
            out.add("ASL102", scope.at(key), f"field '{key}' is not allowed at the top level of a "
                    "state machine", hint=_did_you_mean(key, _TOP_FIELDS), at_key=True)
    if "QueryLanguage" in source and source["QueryLanguage"] not in (JSONPATH, JSONATA):
        out.add("ASL104", "/QueryLanguage", f"QueryLanguage must be \"JSONPath\" or \"JSONata\", "
                f"not {_show(source['QueryLanguage'])}")
    if "TimeoutSeconds" in source and not is_int(source["TimeoutSeconds"], 1):
        out.add("ASL103", "/TimeoutSeconds", f"TimeoutSeconds must be an integer from 1 to "
                f"{MAX_SECONDS}, not {_show(source['TimeoutSeconds'])}")
    if "Version" in source and not isinstance(source["Version"], str):
        out.add("ASL103", "/Version", "Version must be a string")
    if "Comment" in source and not isinstance(source["Comment"], str):
        out.add("ASL103", "/Comment", "Comment must be a string")
    _states_and_start(scope, out, "the state machine")


def _container(scope: Scope, out):
    allowed = _SCOPE_FIELDS[scope.kind]
    what = "a Parallel branch" if scope.kind == "branch" else f"a Map {scope.pointer.rsplit('/', 1)[-1]}"
    for key in scope.source:
        if key not in allowed:
            out.add("ASL102", scope.at(key), f"field '{key}' is not allowed in {what}",
                    state=scope.owner.name, hint=_did_you_mean(key, allowed), at_key=True)
    if "QueryLanguage" in scope.source and scope.source["QueryLanguage"] not in (JSONPATH, JSONATA):
        out.add("ASL104", scope.at("QueryLanguage"), "QueryLanguage must be \"JSONPath\" or "
                "\"JSONata\"", state=scope.owner.name)
    config = scope.source.get("ProcessorConfig")
    if scope.kind == "processor" and config is not None:
        _processor_config(scope, config, out)
    _states_and_start(scope, out, what)


def _processor_config(scope: Scope, config, out):
    state = scope.owner.name
    if not isinstance(config, dict):
        out.add("ASL103", scope.at("ProcessorConfig"), "ProcessorConfig must be an object", state=state)
        return
    for key in config:
        if key not in ("Mode", "ExecutionType"):
            out.add("ASL102", scope.at("ProcessorConfig", key), f"field '{key}' is not allowed in "
                    "ProcessorConfig", state=state, at_key=True)
    if "Mode" in config and config["Mode"] not in ("INLINE", "DISTRIBUTED"):
        out.add("ASL104", scope.at("ProcessorConfig", "Mode"), "ProcessorConfig.Mode must be "
                f"INLINE or DISTRIBUTED, not {_show(config['Mode'])}", state=state)
    if "ExecutionType" in config and config["ExecutionType"] not in ("STANDARD", "EXPRESS"):
        out.add("ASL104", scope.at("ProcessorConfig", "ExecutionType"), "ProcessorConfig."
                f"ExecutionType must be STANDARD or EXPRESS, not {_show(config['ExecutionType'])}",
                state=state)


def _states_and_start(scope: Scope, out, what: str):
    owner = scope.owner.name if scope.owner else None
    if "States" not in scope.source:
        out.add("ASL101", scope.pointer, f"{what} needs a States object", state=owner)
    elif not isinstance(scope.source["States"], dict) or not scope.source["States"]:
        out.add("ASL103", scope.at("States"), "States must be a non-empty object of states",
                state=owner)
    if "StartAt" not in scope.source:
        out.add("ASL101", scope.pointer, f"{what} needs StartAt, the name of its first state",
                state=owner)
    elif not isinstance(scope.source["StartAt"], str):
        out.add("ASL103", scope.at("StartAt"), "StartAt must be a state name (a string)", state=owner)


# ---- states ----------------------------------------------------------------------------------

def _state(state: State, out):
    name, body = state.name, state.body
    if not 1 <= len(name) <= MAX_NAME:
        out.add("ASL106", state.pointer, f"state names must be 1 to {MAX_NAME} characters long; "
                f"this one has {len(name)}", state=name, at_key=True)
    if not isinstance(body, dict):
        out.add("ASL103", state.pointer, "a state must be an object", state=name)
        return
    if "Type" not in body:
        out.add("ASL101", state.pointer, "the state has no Type", state=name,
                hint="one of " + ", ".join(STATE_TYPES))
        return
    kind = state.kind
    if kind is None:
        out.add("ASL104", state.at("Type"), f"unknown state Type {_show(body['Type'])}", state=name,
                hint=_did_you_mean(str(body["Type"]), STATE_TYPES) or "one of " + ", ".join(STATE_TYPES))
        return
    if "QueryLanguage" in body:
        if body["QueryLanguage"] not in (JSONPATH, JSONATA):
            out.add("ASL104", state.at("QueryLanguage"), "QueryLanguage must be \"JSONPath\" or "
                    f"\"JSONata\", not {_show(body['QueryLanguage'])}", state=name)
        elif body["QueryLanguage"] == JSONPATH and state.scope.language == JSONATA:
            out.add("ASL407", state.at("QueryLanguage"), "a JSONPath state cannot be nested in a "
                    "JSONata state machine (JSONata states in a JSONPath machine are fine)",
                    state=name)
    _fields(state, kind, out)
    _flow(state, kind, out)
    checker = _BY_TYPE.get(kind)
    if checker:
        checker(state, body, out)


def _fields(state: State, kind: str, out):
    language = state.language
    allowed = STATE_FIELDS[(language, kind)]
    for key in state.body:
        if key in allowed or (kind in TERMINAL_TYPES and key in ("Next", "End")):
            continue
        if key in STATE_FIELDS[(_OTHER[language], kind)]:
            out.add("ASL402", state.at(key), f"'{key}' is a {_OTHER[language]} field; this state "
                    f"uses {language}", state=state.name, hint=acceptance.other_language_hint(language, kind, key),
                    at_key=True)
        elif key in _ANY_TYPE[language]:
            out.add("ASL102", state.at(key), f"field '{key}' is not allowed in a {kind} state",
                    state=state.name, at_key=True)
        else:
            out.add("ASL102", state.at(key), f"unknown field '{key}' in a {kind} state",
                    state=state.name, hint=_did_you_mean(key, allowed), at_key=True)
    if "Comment" in state.body and not isinstance(state.body["Comment"], str):
        out.add("ASL103", state.at("Comment"), "Comment must be a string", state=state.name)


def _flow(state: State, kind: str, out):
    body = state.body
    has_next, end = "Next" in body, body.get("End")
    if kind in TERMINAL_TYPES:
        for key in ("Next", "End"):
            if key in body:
                out.add("ASL204", state.at(key), f"a {kind} state cannot have {key}: "
                        + ("it chooses its next state in Choices and Default" if kind == "Choice"
                           else "it always ends its branch"), state=state.name, at_key=True)
        return
    if "End" in body and not isinstance(end, bool):
        out.add("ASL103", state.at("End"), "End must be true or false", state=state.name)
    if has_next and not isinstance(body["Next"], str):
        out.add("ASL103", state.at("Next"), "Next must be a state name (a string)", state=state.name)
    if has_next and end is True:
        out.add("ASL204", state.at("End"), "a state cannot have both Next and End: true",
                state=state.name, at_key=True)
    elif not has_next and end is not True:
        out.add("ASL204", state.pointer, "the state needs either Next or \"End\": true",
                state=state.name, at_key=True)


# ---- per type --------------------------------------------------------------------------------

def _seconds(state: State, body, name: str, low: int, out):
    """An integer seconds field that a JSONata state may give as an expression."""
    if name in body:
        value = body[name]
        if not (state.language == JSONATA and is_expression(value)) and not is_int(value, low):
            out.add("ASL103", state.at(name), f"{name} must be an integer from {low} to "
                    f"{MAX_SECONDS}, not {_show(value)}", state=state.name)


def _one_of(state: State, body, names, out, *, required: bool = False):
    given = [n for n in names if n in body]
    if len(given) > 1:
        out.add("ASL105", state.at(given[1]), f"{' and '.join(given)} cannot be used together; "
                f"give {'exactly' if required else 'at most'} one of {', '.join(names)}",
                state=state.name, at_key=True)
    elif required and not given:
        out.add("ASL105", state.pointer, f"the {state.kind} state needs exactly one of "
                f"{', '.join(names)}", state=state.name, at_key=True)


def _task(state: State, body, out):
    if "Resource" not in body:
        out.add("ASL101", state.pointer, "a Task state needs a Resource (an ARN)", state=state.name,
                at_key=True)
    elif not isinstance(body["Resource"], str):
        out.add("ASL103", state.at("Resource"), "Resource must be a string (an ARN)", state=state.name)
    for name in ("TimeoutSeconds", "HeartbeatSeconds"):
        _one_of(state, body, (name, name + "Path"), out)
        _seconds(state, body, name, 1, out)
    timeout, heartbeat = body.get("TimeoutSeconds"), body.get("HeartbeatSeconds")
    if is_int(timeout, 1) and is_int(heartbeat, 1) and heartbeat >= timeout:
        out.add("ASL103", state.at("HeartbeatSeconds"), f"HeartbeatSeconds ({heartbeat}) must be "
                f"smaller than TimeoutSeconds ({timeout})", state=state.name)
    if "Credentials" in body and acceptance.credentials_problem(body["Credentials"]):
        out.add("ASL103", state.at("Credentials"), acceptance.credentials_problem(body["Credentials"]),
                state=state.name)


def _choice(state: State, body, out):
    if "Choices" not in body:
        out.add("ASL101", state.pointer, "a Choice state needs Choices", state=state.name, at_key=True)
    elif not isinstance(body["Choices"], list) or not body["Choices"]:
        out.add("ASL103", state.at("Choices"), "Choices must be a non-empty array of rules",
                state=state.name)
    if "Default" in body and not isinstance(body["Default"], str):
        out.add("ASL103", state.at("Default"), "Default must be a state name (a string)",
                state=state.name)


def _wait(state: State, body, out):
    _one_of(state, body, ("Seconds", "SecondsPath", "Timestamp", "TimestampPath"), out, required=True)
    _seconds(state, body, "Seconds", 0, out)
    if "Timestamp" in body:
        value = body["Timestamp"]
        if not (state.language == JSONATA and is_expression(value)) and parse_timestamp(value) is None:
            # AWS's own words (recorded: CREATE_FAILED, test_wait_timestamp_invalid)
            out.add("ASL103", state.at("Timestamp"), "String does not match RFC3339 timestamp",
                    state=state.name, hint="for example 2016-03-14T01:59:00Z")


def _fail(state: State, body, out):
    for name in ("Error", "Cause"):
        _one_of(state, body, (name, name + "Path"), out)
        if name in body and not isinstance(body[name], str):
            out.add("ASL103", state.at(name), f"{name} must be a string", state=state.name)


def _parallel(state: State, body, out):
    branches = body.get("Branches")
    if "Branches" not in body:
        out.add("ASL101", state.pointer, "a Parallel state needs Branches", state=state.name, at_key=True)
    elif not isinstance(branches, list) or not branches:
        out.add("ASL103", state.at("Branches"), "Branches must be a non-empty array", state=state.name)
    else:
        for i, branch in enumerate(branches):
            if not isinstance(branch, dict):
                out.add("ASL103", state.at("Branches", i), "a branch must be an object with StartAt "
                        "and States", state=state.name)


def _map(state: State, body, out):
    _one_of(state, body, ("ItemProcessor", "Iterator"), out, required=True)
    for key in ("ItemProcessor", "Iterator"):
        if key in body and not isinstance(body[key], dict):
            out.add("ASL103", state.at(key), f"{key} must be an object with StartAt and States",
                    state=state.name)
    _one_of(state, body, ("ItemSelector", "Parameters"), out)
    _one_of(state, body, ("Items", "ItemsPath"), out)
    jsonata = state.language == JSONATA
    for name, low, high in (("MaxConcurrency", 0, MAX_SECONDS), ("ToleratedFailureCount", 0, MAX_SECONDS),
                            ("ToleratedFailurePercentage", 0, 100)):
        _one_of(state, body, (name, name + "Path"), out)
        value = body.get(name)
        if name not in body or (jsonata and is_expression(value)):
            continue
        number_ok = (type(value) in (int, float) and low <= value <= high) if name.endswith("Percentage") \
            else is_int(value, low, high)
        if not number_ok:
            out.add("ASL103", state.at(name), f"{name} must be a{'' if name.endswith('Percentage') else 'n integer'}"
                    f" number from {low} to {high}, not {_show(value)}", state=state.name)
    processor = body.get("ItemProcessor")
    config = processor.get("ProcessorConfig") if isinstance(processor, dict) else None
    distributed = isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED"
    if "Label" in body:
        label = body["Label"]
        if not distributed:
            out.add("ASL102", state.at("Label"), "Label is only allowed on a Distributed Map",
                    state=state.name, at_key=True)
        elif not isinstance(label, str) or len(label) > 40:
            # AWS's words (recorded: CREATE_FAILED, test_map_state_label_too_long_fail)
            out.add("ASL103", state.at("Label"), "Label cannot exceed 40 characters", state=state.name)
    for key in ("ItemReader", "ItemBatcher", "ResultWriter"):
        if key in body and not distributed:
            out.add("ASL102", state.at(key), f"{key} is only allowed on a Distributed Map",
                    state=state.name, at_key=True)
    _item_reader(state, body.get("ItemReader"), out)
    _item_batcher(state, body.get("ItemBatcher"), out)
    writer = body.get("ResultWriter")
    if writer is not None and not isinstance(writer, dict):
        out.add("ASL103", state.at("ResultWriter"), "ResultWriter must be an object", state=state.name)
    elif isinstance(writer, dict) and "Resource" not in writer and (
            "Parameters" in writer or "Arguments" in writer):
        # WriterConfig alone needs no Resource; a write location (Parameters) needs the S3 one
        out.add("ASL101", state.at("ResultWriter"), "ResultWriter needs a Resource "
                "(arn:aws:states:::s3:putObject) to write its Parameters to", state=state.name)


def _item_reader(state: State, reader, out):
    if reader is None:
        return
    if not isinstance(reader, dict):
        out.add("ASL103", state.at("ItemReader"), "ItemReader must be an object", state=state.name)
        return
    if "Resource" not in reader:
        out.add("ASL101", state.at("ItemReader"), "ItemReader needs a Resource", state=state.name)
    config = reader.get("ReaderConfig")
    if isinstance(config, dict):
        if "MaxItems" in config and "MaxItemsPath" in config:
            out.add("ASL105", state.at("ItemReader", "ReaderConfig", "MaxItemsPath"), "MaxItems and "
                    "MaxItemsPath cannot be used together", state=state.name, at_key=True)
        value = config.get("MaxItems")
        # 0 (no limit) and 100000000 are both accepted (recorded: test_map_item_reader_csv_max_items)
        if "MaxItems" in config and not (is_expression(value) or is_int(value, 0, 100_000_000)):
            out.add("ASL103", state.at("ItemReader", "ReaderConfig", "MaxItems"), "MaxItems must be "
                    f"an integer from 0 to 100000000, not {_show(value)}", state=state.name)


def _item_batcher(state: State, batcher, out):
    if batcher is None:
        return
    if not isinstance(batcher, dict):
        out.add("ASL103", state.at("ItemBatcher"), "ItemBatcher must be an object", state=state.name)
        return
    for name in ("MaxItemsPerBatch", "MaxInputBytesPerBatch"):
        if name in batcher and name + "Path" in batcher:
            out.add("ASL105", state.at("ItemBatcher", name + "Path"), f"{name} and {name}Path "
                    "cannot be used together", state=state.name, at_key=True)
    value = batcher.get("MaxInputBytesPerBatch")
    if "MaxInputBytesPerBatch" in batcher and not (is_expression(value) or is_int(value, 1, MAX_BATCH_BYTES)):
        out.add("ASL103", state.at("ItemBatcher", "MaxInputBytesPerBatch"), "MaxInputBytesPerBatch "
                f"must be an integer from 1 to {MAX_BATCH_BYTES} (256 KiB), not {_show(value)}",
                state=state.name)


_BY_TYPE = {"Task": _task, "Choice": _choice, "Wait": _wait, "Fail": _fail,
            "Parallel": _parallel, "Map": _map}


# ---- wording ---------------------------------------------------------------------------------

def _show(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _did_you_mean(key: str, choices) -> str | None:
    close = difflib.get_close_matches(key, list(choices), n=1, cutoff=0.75)
    return f"did you mean '{close[0]}'?" if close else None
