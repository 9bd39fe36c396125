"""Definition dict -> compiled, checked model. Refuses what AWS's CreateStateMachine refuses.

Each problem raises DefinitionError naming the state and the field. The rules beyond each
state's fields (unreachable states, a terminal state, ARNs, the size) are acceptance.py's, which
``validate`` applies too; checks that belong to a static linter rather than to AWS's acceptance
(loops with no way out, shadowed Choice rules) live in ``validate`` alone.
"""
from __future__ import annotations

from typing import Any, Callable

from .. import jsonvalues
from ..errors import DefinitionError
from . import acceptance
from ..query.jsonpath import compile_reference_path
from ..query.templates import compile_dynamic_value, compile_template
from .choice import compile_condition
from .distributed_map import (
    compile_item_batcher, compile_item_reader, compile_processor_config, compile_result_writer,
    compile_tolerated_failures,
)
from .fields import (  # jsonata_template is re-exported: callers import it from here
    MAX_TIMEOUT, check_positive_int, compile_count_field, compile_optional_template, compile_path_field,
    check_comment, compile_path_or_null, compile_result_path, compile_seconds_field, is_expression,
    jsonata_template, no_unknown_fields,
)
from .model import (
    JSONATA, JSONPATH, NULL_PATH, Catcher, ChoiceRule, ChoiceState, CompiledMachine, FailState, Graph,
    MapState, ParallelState, PassState, Retrier, SucceedState, TaskState, WaitState,
)
from .timestamps import parse_timestamp
from .variables import check_variables

_COMMON = {"Type", "Comment", "QueryLanguage"}
_FLOW = {"Next", "End"}
_JSONPATH_IO = {"InputPath", "OutputPath"}
_JSONATA_IO = {"Output"}

# Fields each state type accepts, per query language (AWS's schema; unknown fields are refused).
STATE_FIELDS = {
    (JSONPATH, "Pass"): _COMMON | _FLOW | _JSONPATH_IO | {"Parameters", "Result", "ResultPath", "Assign"},
    (JSONATA, "Pass"): _COMMON | _FLOW | _JSONATA_IO | {"Assign"},
    (JSONPATH, "Task"): _COMMON | _FLOW | _JSONPATH_IO | {
        "Resource", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch", "TimeoutSeconds",
        "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath", "Credentials", "Assign"},
    (JSONATA, "Task"): _COMMON | _FLOW | _JSONATA_IO | {
        "Resource", "Arguments", "Retry", "Catch", "TimeoutSeconds", "HeartbeatSeconds",
        "Credentials", "Assign"},
    (JSONPATH, "Choice"): _COMMON | _JSONPATH_IO | {"Choices", "Default", "Assign"},
    (JSONATA, "Choice"): _COMMON | _JSONATA_IO | {"Choices", "Default", "Assign"},
    (JSONPATH, "Wait"): _COMMON | _FLOW | _JSONPATH_IO | {
        "Seconds", "SecondsPath", "Timestamp", "TimestampPath", "Assign"},
    (JSONATA, "Wait"): _COMMON | _FLOW | _JSONATA_IO | {"Seconds", "Timestamp", "Assign"},
    (JSONPATH, "Succeed"): _COMMON | _JSONPATH_IO,
    (JSONATA, "Succeed"): _COMMON | _JSONATA_IO,
    (JSONPATH, "Fail"): _COMMON | {"Error", "ErrorPath", "Cause", "CausePath"},
    (JSONATA, "Fail"): _COMMON | {"Error", "Cause"},
    (JSONPATH, "Parallel"): _COMMON | _FLOW | _JSONPATH_IO | {
        "Branches", "Parameters", "ResultSelector", "ResultPath", "Retry", "Catch", "Assign"},
    (JSONATA, "Parallel"): _COMMON | _FLOW | _JSONATA_IO | {
        "Branches", "Arguments", "Retry", "Catch", "Assign"},
    (JSONPATH, "Map"): _COMMON | _FLOW | _JSONPATH_IO | {
        "Iterator", "ItemProcessor", "ItemsPath", "ItemSelector", "Parameters", "ItemReader",
        "ItemBatcher", "ResultWriter", "MaxConcurrency", "MaxConcurrencyPath", "ResultSelector",
        "ResultPath", "Retry", "Catch", "Assign", "Label", "ToleratedFailureCount",
        "ToleratedFailureCountPath", "ToleratedFailurePercentage", "ToleratedFailurePercentagePath"},
    (JSONATA, "Map"): _COMMON | _FLOW | _JSONATA_IO | {
        "ItemProcessor", "Items", "ItemSelector", "ItemReader", "ItemBatcher", "ResultWriter",
        "MaxConcurrency", "Retry", "Catch", "Assign", "Label", "ToleratedFailureCount",
        "ToleratedFailurePercentage"},
}
_TERMINAL = {"Choice", "Succeed", "Fail"}
_MAX_NAME = 80
RETRY_FIELDS = {"ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate", "MaxDelaySeconds",
                 "JitterStrategy", "Comment"}
CATCH_FIELDS = {JSONPATH: {"ErrorEquals", "Next", "ResultPath", "Comment", "Assign"},
                 JSONATA: {"ErrorEquals", "Next", "Output", "Comment", "Assign"}}


def parse_machine(source: dict, *, file: str | None = None,
                  check_resource: Callable | None = None, fragment: bool = False) -> CompiledMachine:
    """Compile a definition (already read into a dict) into a CompiledMachine.

    ``check_resource(arn, payload, field=...)`` raises DefinitionError for a Task resource or
    payload AWS refuses (the service knowledge lives above this layer: services.api_models).
    ``fragment``: states built around one state that is not a whole machine (TestState), to which
    the rules on unreachable states and terminal states do not apply."""
    try:
        check_json(source)
        machine = _Parser(file, check_resource, fragment).machine(source)
        check_variables(source)
        return machine
    except DefinitionError as err:
        raise err.located(file=file) from None


def check_json(source) -> None:
    """A definition is JSON: no NaN, no set, no lone surrogate, no nesting aslsim cannot walk."""
    try:
        jsonvalues.check(source)
    except jsonvalues.NotJSON as err:
        raise DefinitionError(err.message, **_located(jsonvalues.pointer_parts(err.pointer))) from None


def _located(parts: list) -> dict:
    """The innermost state and its field named by a pointer into a definition."""
    state, i = None, 0
    while i + 1 < len(parts) and parts[i] == "States":
        state, rest = parts[i + 1], parts[i + 2:]
        if rest[:1] in (["ItemProcessor"], ["Iterator"]) and rest[1:2] == ["States"]:
            i += 3
        elif rest[:1] == ["Branches"] and rest[2:3] == ["States"]:
            i += 4
        else:
            return {"state": state, "field": "/".join(rest) or None}
    return {"state": state, "field": "/".join(parts[i:]) or None}


class _Parser:
    def __init__(self, file, check_resource=None, fragment=False):
        self.file = file
        self.check_resource = check_resource
        self.fragment = fragment
        self.names: dict[str, str] = {}
        self.all_states: dict = {}

    # -- top level --------------------------------------------------------------------------
    def machine(self, source: Any) -> CompiledMachine:
        if not isinstance(source, dict):
            raise DefinitionError("a state machine definition must be a JSON object")
        allowed = {"StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage"}
        no_unknown_fields(source, allowed, None, "the top level")
        language = source.get("QueryLanguage", JSONPATH)
        if language not in (JSONPATH, JSONATA):
            raise DefinitionError(f"QueryLanguage must be 'JSONPath' or 'JSONata', not {language!r}",
                                  field="QueryLanguage")
        timeout = source.get("TimeoutSeconds")
        if timeout is not None:
            check_positive_int(timeout, None, "TimeoutSeconds", allow_zero=False)
        if "Version" in source and not isinstance(source["Version"], str):
            raise DefinitionError("Version must be a string", field="Version")
        graph = self.graph(source, language, "")
        return CompiledMachine(graph=graph, timeout_seconds=timeout, comment=source.get("Comment"),
                            source=source, file=self.file, all_states=self.all_states)

    def graph(self, source: dict, language: str, where: str) -> Graph:
        states = source.get("States")
        start = source.get("StartAt")
        if not isinstance(states, dict) or not states:
            raise DefinitionError(f"{where}States must be a non-empty object", field=f"{where}States")
        if not isinstance(start, str):
            raise DefinitionError(f"{where}StartAt must be a string naming a state", field=f"{where}StartAt")
        if start not in states:
            raise DefinitionError(f"StartAt '{start}' does not name a state in {where + 'States' if where else 'the top-level States'}",
                                  field=f"{where}StartAt")
        compiled = {}
        for name, body in states.items():
            if name in self.names:
                raise DefinitionError(f"the state name '{name}' is used more than once; state names "
                                      "must be unique across the whole state machine", state=name)
            self.names[name] = where
            if not 1 <= len(name) <= _MAX_NAME:
                raise DefinitionError(f"state names must be 1 to {_MAX_NAME} characters long", state=name)
            try:
                state = self.state(name, body, language)
            except DefinitionError as err:
                raise err.located(state=name) from None
            compiled[name] = state
            self.all_states[name] = state
        for state in compiled.values():
            for field_name, target in _targets(state):
                if target not in compiled:
                    raise DefinitionError(f"{field_name} '{target}' does not name a state in the same "
                                          f"{'branch' if where else 'state machine'}",
                                          state=state.name, field=field_name)
        for name in [] if self.fragment else acceptance.unnamed_states(states, start):
            raise DefinitionError(acceptance.unreachable_message(name), state=name)
        if not self.fragment and not acceptance.has_terminal(states):
            raise DefinitionError(acceptance.no_terminal_message(
                f"the States of {where[:-1]}" if where else "the state machine"),
                field=f"{where}States")
        return Graph(start_at=start, states=compiled, query_language=language)

    # -- states -----------------------------------------------------------------------------
    def state(self, name: str, body: Any, parent_language: str):
        if not isinstance(body, dict):
            raise DefinitionError("a state must be a JSON object")
        kind = body.get("Type")
        language = body.get("QueryLanguage", parent_language)
        if language not in (JSONPATH, JSONATA):
            raise DefinitionError(f"QueryLanguage must be 'JSONPath' or 'JSONata', not {language!r}",
                                  field="QueryLanguage")
        if parent_language == JSONATA and language == JSONPATH:
            raise DefinitionError("a JSONPath state cannot be nested in a JSONata state machine; "
                                  "AWS accepts JSONata states in JSONPath machines, not the reverse",
                                  field="QueryLanguage")
        if not isinstance(kind, str) or (language, kind) not in STATE_FIELDS:
            raise DefinitionError(f"unknown state Type {kind!r}", field="Type")
        no_unknown_fields(body, STATE_FIELDS[(language, kind)], language, f"a {kind} state")
        if language == JSONATA:
            for path, value, _ in acceptance.jsonata_fields(body):
                for inner, text in acceptance.strings(value, path):
                    problem = acceptance.expression_problem(text)
                    if problem:
                        raise DefinitionError(problem, field=acceptance.field_label(inner))
        common = self.common(name, kind, body, language)
        return getattr(self, f"_{kind.lower()}")(body, language, common)

    def common(self, name, kind, body, language) -> dict:
        common = {"name": name, "type": kind, "query_language": language,
                  "comment": body.get("Comment")}
        if kind not in _TERMINAL:
            has_next, end = "Next" in body, body.get("End", False)
            if end not in (True, False):
                raise DefinitionError("End must be true or false", field="End")
            if has_next == bool(end):
                raise DefinitionError("a state must have exactly one of 'Next' or 'End': true",
                                      field="Next")
            if has_next and not isinstance(body["Next"], str):
                raise DefinitionError("Next must be a state name", field="Next")
            common["next"], common["end"] = body.get("Next"), bool(end)
        if language == JSONPATH:
            if "InputPath" in body:
                common["input_path"] = compile_path_or_null(body["InputPath"], "InputPath")
            if "OutputPath" in body:
                common["output_path"] = compile_path_or_null(body["OutputPath"], "OutputPath")
        elif "Output" in body:
            common["output"] = jsonata_template(body["Output"], "Output")
        if "Assign" in body:
            common["assign"] = compile_assign(body["Assign"], language)
        return common

    def _pass(self, body, language, common):
        return PassState(**common, parameters=compile_optional_template(body, "Parameters"),
                         result=body.get("Result"), has_result="Result" in body,
                         result_path=compile_result_path(body))

    def _task(self, body, language, common):
        resource = body.get("Resource")
        if not isinstance(resource, str) or not resource:
            raise DefinitionError("a Task needs a Resource string (an ARN)", field="Resource")
        problem = acceptance.arn_problem(resource)
        if problem:
            raise DefinitionError(problem, field="Resource")
        if "Credentials" in body and acceptance.credentials_problem(body["Credentials"]):
            raise DefinitionError(acceptance.credentials_problem(body["Credentials"]),
                                  field="Credentials")
        payload_field = "Arguments" if language == JSONATA else "Parameters"
        if self.check_resource is not None:
            self.check_resource(resource, body.get(payload_field), field=payload_field)
        timeout = compile_seconds_field(body, "TimeoutSeconds", language)
        heartbeat = compile_seconds_field(body, "HeartbeatSeconds", language)
        if isinstance(timeout, int) and isinstance(heartbeat, int) and heartbeat >= timeout:
            raise DefinitionError("HeartbeatSeconds must be smaller than TimeoutSeconds",
                                  field="HeartbeatSeconds")
        if language == JSONATA:
            parameters = jsonata_template(body["Arguments"], "Arguments") if "Arguments" in body else None
            credentials = jsonata_template(body["Credentials"], "Credentials") if "Credentials" in body else None
        else:
            parameters = compile_optional_template(body, "Parameters")
            credentials = compile_optional_template(body, "Credentials")
        return TaskState(**common, resource=resource, parameters=parameters,
                         result_selector=compile_optional_template(body, "ResultSelector"),
                         result_path=compile_result_path(body), retriers=_retriers(body),
                         catchers=_catchers(body, language), timeout_seconds=timeout,
                         heartbeat_seconds=heartbeat, credentials=credentials)

    def _choice(self, body, language, common):
        choices = body.get("Choices")
        if not isinstance(choices, list) or not choices:
            raise DefinitionError("Choices must be a non-empty array", field="Choices")
        rules = []
        for i, rule in enumerate(choices):
            where = f"Choices[{i}]"
            if not isinstance(rule, dict):
                raise DefinitionError("a Choice rule must be an object", field=where)
            if not isinstance(rule.get("Next"), str):
                raise DefinitionError("a top-level Choice rule needs a Next", field=f"{where}.Next")
            if language == JSONATA:
                extra = set(rule) - {"Condition", "Next", "Comment", "Assign", "Output"}
                if extra:
                    raise DefinitionError(f"field(s) {', '.join(sorted(extra))} are not allowed in a "
                                          "JSONata Choice rule (use Condition)", field=where)
                check_comment(rule, where)
                if "Condition" not in rule:
                    raise DefinitionError("a JSONata Choice rule needs a Condition", field=where)
                condition = jsonata_template(rule["Condition"], f"{where}.Condition")
                output = jsonata_template(rule["Output"], f"{where}.Output") if "Output" in rule else None
            else:
                if "Output" in rule or "Condition" in rule:
                    raise DefinitionError("Condition and Output are JSONata fields; this state uses JSONPath",
                                          field=where)
                condition = compile_condition(rule, where=where)
                output = None
            assign = compile_assign(rule["Assign"], language) if "Assign" in rule else None
            rules.append(ChoiceRule(condition=condition, next=rule["Next"], assign=assign, output=output))
        default = body.get("Default")
        if default is not None and not isinstance(default, str):
            raise DefinitionError("Default must be a state name", field="Default")
        return ChoiceState(**common, choices=tuple(rules), default=default)

    def _wait(self, body, language, common):
        given = [f for f in ("Seconds", "SecondsPath", "Timestamp", "TimestampPath") if f in body]
        if len(given) != 1:
            raise DefinitionError("a Wait state needs exactly one of Seconds, SecondsPath, Timestamp, "
                                  "TimestampPath", field=given[1] if len(given) > 1 else "Seconds")
        fields = {}
        if language == JSONATA and is_expression(body.get(given[0])):
            fields[given[0].lower()] = jsonata_template(body[given[0]], given[0])
        elif given[0] == "Seconds":
            fields["seconds"] = check_positive_int(body["Seconds"], None, "Seconds", allow_zero=True)
        elif given[0] == "Timestamp":
            value = body["Timestamp"]
            if not isinstance(value, str) or parse_timestamp(value) is None:
                raise DefinitionError(f"String does not match RFC3339 timestamp at /States/{common['name']}"
                                      "/Timestamp", field="Timestamp")
            fields["timestamp"] = value
        else:
            fields[{"SecondsPath": "seconds_path", "TimestampPath": "timestamp_path"}[given[0]]] = \
                compile_path_field(body[given[0]], given[0])
        return WaitState(**common, **fields)

    def _succeed(self, body, language, common):
        return SucceedState(**common)

    def _fail(self, body, language, common):
        fields = {}
        for name in ("Error", "Cause"):
            if name in body and f"{name}Path" in body:
                raise DefinitionError(f"a Fail state may have {name} or {name}Path, not both", field=name)
            if name in body:
                value = body[name]
                if language == JSONATA and is_expression(value):
                    value = jsonata_template(value, name)
                elif not isinstance(value, str):
                    raise DefinitionError(f"{name} must be a string", field=name)
                fields[name.lower()] = value
            if f"{name}Path" in body:
                fields[f"{name.lower()}_path"] = compile_dynamic_value(body[f"{name}Path"], f"{name}Path")
        return FailState(**common, **fields)

    def _parallel(self, body, language, common):
        branches = body.get("Branches")
        if not isinstance(branches, list) or not branches:
            raise DefinitionError("Branches must be a non-empty array", field="Branches")
        graphs = []
        for i, branch in enumerate(branches):
            if not isinstance(branch, dict):
                raise DefinitionError("a branch must be an object with StartAt and States",
                                      field=f"Branches[{i}]")
            no_unknown_fields(branch, {"StartAt", "States", "Comment", "QueryLanguage"}, None, "a branch")
            graphs.append(self.graph(branch, branch.get("QueryLanguage", language), f"Branches[{i}]."))
        if language == JSONATA:
            parameters = jsonata_template(body["Arguments"], "Arguments") if "Arguments" in body else None
        else:
            parameters = compile_optional_template(body, "Parameters")
        return ParallelState(**common, branches=tuple(graphs), parameters=parameters,
                             result_selector=compile_optional_template(body, "ResultSelector"),
                             result_path=compile_result_path(body), retriers=_retriers(body),
                             catchers=_catchers(body, language))

    def _map(self, body, language, common):
        if ("Iterator" in body) == ("ItemProcessor" in body):
            raise DefinitionError("a Map state needs exactly one of ItemProcessor or Iterator",
                                  field="ItemProcessor")
        if "ItemSelector" in body and "Parameters" in body:
            raise DefinitionError("a Map state may have ItemSelector or Parameters, not both",
                                  field="ItemSelector")
        processor_field = "ItemProcessor" if "ItemProcessor" in body else "Iterator"
        processor = body[processor_field]
        if not isinstance(processor, dict):
            raise DefinitionError(f"{processor_field} must be an object", field=processor_field)
        no_unknown_fields(processor, {"StartAt", "States", "Comment", "ProcessorConfig", "QueryLanguage"},
                    None, processor_field)
        mode, execution_type = compile_processor_config(processor.get("ProcessorConfig") or {},
                                                        processor_field)
        label = body.get("Label")
        if label is not None:
            if mode != "DISTRIBUTED":
                raise DefinitionError("Label is only allowed on a Distributed Map", field="Label")
            if not isinstance(label, str) or len(label) > 40:
                raise DefinitionError("Label cannot exceed 40 characters", field="Label")
        if mode != "DISTRIBUTED":
            for name in ("ItemReader", "ItemBatcher", "ResultWriter"):
                if name in body:
                    raise DefinitionError(f"{name} is only allowed on a Distributed Map "
                                          f"({processor_field}.ProcessorConfig.Mode: DISTRIBUTED)",
                                          field=name)
        graph = self.graph(processor, processor.get("QueryLanguage", language), f"{processor_field}.")
        fields = {}
        if language == JSONATA:
            if "Items" in body:
                fields["items"] = jsonata_template(body["Items"], "Items")
            if "ItemSelector" in body:
                fields["item_selector"] = jsonata_template(body["ItemSelector"], "ItemSelector")
        else:
            if "ItemsPath" in body:
                fields["items_path"] = compile_path_field(body["ItemsPath"], "ItemsPath")
            selector = "ItemSelector" if "ItemSelector" in body else "Parameters"
            fields["item_selector"] = compile_optional_template(body, selector)
        fields["max_concurrency"] = compile_count_field(body, "MaxConcurrency", language, low=0,
                                                        high=MAX_TIMEOUT, default=0)
        fields.update(compile_tolerated_failures(body, language))
        if "ItemReader" in body:
            fields["item_reader"] = compile_item_reader(body["ItemReader"], language)
        if "ItemBatcher" in body:
            fields["item_batcher"] = compile_item_batcher(body["ItemBatcher"], language)
        if "ResultWriter" in body:
            fields["result_writer"] = compile_result_writer(body["ResultWriter"], language)
        return MapState(**common, processor=graph, distributed=mode == "DISTRIBUTED",
                        execution_type=execution_type,
                        result_selector=compile_optional_template(body, "ResultSelector"),
                        result_path=compile_result_path(body), retriers=_retriers(body),
                        catchers=_catchers(body, language), label=label, **fields)


def _errors(item, where):
    errors = item.get("ErrorEquals")
    if not isinstance(errors, list) or not errors or not all(isinstance(e, str) for e in errors):
        raise DefinitionError("ErrorEquals must be a non-empty array of error names",
                              field=f"{where}.ErrorEquals")
    if "States.ALL" in errors and len(errors) > 1:
        raise DefinitionError("States.ALL must appear alone in ErrorEquals", field=f"{where}.ErrorEquals")
    return tuple(errors)


def _check_all_last(items, where):
    for i, item in enumerate(items[:-1]):
        if "States.ALL" in item.errors:
            raise DefinitionError("States.ALL must be in the last element of the array",
                                  field=f"{where}[{i}].ErrorEquals")


def _retriers(body):
    raw = body.get("Retry", [])
    if not isinstance(raw, list):
        raise DefinitionError("Retry must be an array", field="Retry")
    out = []
    for i, item in enumerate(raw):
        where = f"Retry[{i}]"
        if not isinstance(item, dict):
            raise DefinitionError("a retrier must be an object", field=where)
        no_unknown_fields(item, RETRY_FIELDS, None, "a retrier")
        interval = item.get("IntervalSeconds", 1)
        attempts = item.get("MaxAttempts", 3)
        backoff = item.get("BackoffRate", 2.0)
        max_delay = item.get("MaxDelaySeconds")
        jitter = item.get("JitterStrategy", "NONE")
        if isinstance(interval, bool) or not isinstance(interval, int) or not 1 <= interval <= MAX_TIMEOUT:
            raise DefinitionError("IntervalSeconds must be an integer from 1 to 99999999",
                                  field=f"{where}.IntervalSeconds")
        if isinstance(attempts, bool) or not isinstance(attempts, int) or not 0 <= attempts <= MAX_TIMEOUT:
            raise DefinitionError("MaxAttempts must be an integer from 0 to 99999999",
                                  field=f"{where}.MaxAttempts")
        if isinstance(backoff, bool) or not isinstance(backoff, (int, float)) or backoff < 1.0:
            raise DefinitionError("BackoffRate must be a number of at least 1.0", field=f"{where}.BackoffRate")
        if max_delay is not None and (isinstance(max_delay, bool) or not isinstance(max_delay, int)
                                      or not 1 <= max_delay <= 31622401):
            raise DefinitionError("MaxDelaySeconds must be an integer from 1 to 31622401",
                                  field=f"{where}.MaxDelaySeconds")
        if jitter not in ("FULL", "NONE"):
            raise DefinitionError("JitterStrategy must be FULL or NONE", field=f"{where}.JitterStrategy")
        out.append(Retrier(errors=_errors(item, where), interval_seconds=interval, max_attempts=attempts,
                           backoff_rate=backoff, max_delay_seconds=max_delay, jitter_full=jitter == "FULL"))
    _check_all_last(out, "Retry")
    return tuple(out)


def _catchers(body, language):
    raw = body.get("Catch", [])
    if not isinstance(raw, list):
        raise DefinitionError("Catch must be an array", field="Catch")
    out = []
    for i, item in enumerate(raw):
        where = f"Catch[{i}]"
        if not isinstance(item, dict):
            raise DefinitionError("a catcher must be an object", field=where)
        no_unknown_fields(item, CATCH_FIELDS[language], language, "a catcher")
        if not isinstance(item.get("Next"), str):
            raise DefinitionError("a catcher needs a Next", field=f"{where}.Next")
        result_path = None
        if "ResultPath" in item:
            result_path = NULL_PATH if item["ResultPath"] is None else compile_reference_path(item["ResultPath"])
        output = jsonata_template(item["Output"], f"{where}.Output") if "Output" in item else None
        assign = compile_assign(item["Assign"], language) if "Assign" in item else None
        out.append(Catcher(errors=_errors(item, where), next=item["Next"], result_path=result_path,
                           assign=assign, output=output))
    _check_all_last(out, "Catch")
    return tuple(out)


def _targets(state):
    if state.next is not None:
        yield "Next", state.next
    if isinstance(state, ChoiceState):
        for i, rule in enumerate(state.choices):
            yield f"Choices[{i}].Next", rule.next
        if state.default is not None:
            yield "Default", state.default
    for i, catcher in enumerate(getattr(state, "catchers", ())):
        yield f"Catch[{i}].Next", catcher.next


def compile_assign(source, language):
    """An Assign block: variable names checked, values compiled in the state's query language."""
    if not isinstance(source, dict):
        raise DefinitionError("Assign must be an object of variable names to values", field="Assign")
    for key in source:
        name = key[:-2] if language == JSONPATH and key.endswith(".$") else key
        problem = acceptance.variable_name_problem(name)
        if problem:
            raise DefinitionError(problem, field=f"Assign/{key}")
    if language == JSONATA:
        return jsonata_template(source, "Assign")
    return compile_template(source, "Assign")
