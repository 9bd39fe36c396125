"""TestState offline: one state of a definition executed alone, with AWS's request and response.

    result = aslsim.test_state(definition, input={"a": 1}, mock={"result": '{"Payload": 1}'},
                               inspection_level="DEBUG")
    result.status, result.output, result.next_state, result.inspection_data

What AWS documents and records, and aslsim follows:

- ``definition`` is one state, or a whole machine with ``state_name``.
- ``mock`` is ``{"result": "<JSON text>"}`` or ``{"errorOutput": {"error", "cause"}}`` with an
  optional ``fieldValidationMode`` (STRICT, the default: the result is checked against the
  service's API model, required members included; PRESENT: only the members given; NONE).
  Pass, Fail and Succeed refuse a mock (recorded: "State type 'Pass' is not supported when a
  mock is specified"); Map and Parallel require one (recorded InvalidDefinition), as do
  activities, ``.sync`` and ``.waitForTaskToken``.
- ``state_configuration``: ``retrierRetryCount`` (retries already made), ``errorCausedByState``,
  ``mapIterationFailureCount`` (failed iterations, checked against the tolerated thresholds).
- ``status``: SUCCEEDED, FAILED, RETRIABLE (a retrier would run the state again: errorDetails
  has its index and backoff) or CAUGHT_ERROR (a catcher took the error: nextState is its Next).
- ``inspection_level``: INFO gives status, output, error, cause, nextState; DEBUG and TRACE add
  the data-flow stages (TRACE adds HTTP request and response, for HTTP Tasks only).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from .definition.parse import parse_machine
from .errors import DefinitionError, InputError, StatesError
from .query.jsonpath import dumps
from .run_setup import clock_start_ms, task_services
from .services import api_models

LEVELS = ("INFO", "DEBUG", "TRACE")
_SUPPORTED = "[Task, Wait, Pass, Succeed, Fail, Choice]"
_ABSENT = object()
_MACHINE_NAME = "TestStateMachine"     # the one-state machine's name, in its ARNs


class TestStateError(InputError):
    """A request TestState refuses: ``code`` is AWS's error (ValidationException,
    InvalidDefinition, InvalidExecutionInput)."""
    __test__ = False

    def __init__(self, code: str, message: str):
        self.code = code
        super().__init__(message)


@dataclass
class TestStateResult:
    """TestState's answer: values are JSON values here; ``to_api()`` gives the wire shape."""
    __test__ = False          # not a pytest test class, whatever it is imported as
    status: str
    output: Any = _ABSENT
    error: str | None = None
    cause: str | None = None
    next_state: str | None = None
    inspection_data: dict | None = None
    variables: dict = field(default_factory=dict)

    @property
    def has_output(self) -> bool:
        return self.output is not _ABSENT

    def to_api(self) -> dict:
        out: dict[str, Any] = {"status": self.status}
        if self.has_output:
            out["output"] = dumps(self.output)
        for key, value in (("error", self.error), ("cause", self.cause), ("nextState", self.next_state)):
            if value is not None:
                out[key] = value
        if self.inspection_data is not None:
            out["inspectionData"] = {k: (v if k in _PLAIN else dumps(v)) for k, v in self.inspection_data.items()}
        return out


# inspectionData members that are not JSON text on the wire
_PLAIN = {"errorDetails", "maxConcurrency", "toleratedFailureCount", "toleratedFailurePercentage",
          "request", "response"}


def test_state(definition: Any, input: Any = None, *, state_name: str | None = None,
               inspection_level: str = "INFO", variables: dict | None = None,
               context: dict | None = None, mock: dict | None = None,
               state_configuration: dict | None = None, reveal_secrets: bool = False,
               role_arn: str | None = None, mocks=None, lambdas=None, aws: str | None = None,
               region: str = "us-east-1") -> TestStateResult:
    """Execute one state alone as AWS's TestState does; see the module documentation.

    Without ``mock`` a Task is answered as in ``run`` (``mocks``, ``lambdas``, ``aws``).
    Raises TestStateError where AWS refuses the request.
    """
    if inspection_level not in LEVELS:
        raise TestStateError("ValidationException", f"inspectionLevel must be one of {', '.join(LEVELS)}")
    configuration = dict(state_configuration or {})
    name, body, compiled = _the_state(definition, state_name)
    state = compiled.all_states[name]
    mocked = _check_mock(state, mock, reveal_secrets)
    if variables is not None and not isinstance(variables, dict):
        raise TestStateError("ValidationException", "variables must be a JSON object of variable values")
    from .engine.tester import Retriable, StateTester
    from .services.mocks import Mocks
    spec = {} if mocked is None else {name: mocked}
    options = dict(mocks=Mocks(spec) if mocked is not None else mocks, mock_config=None, test_case=None,
                   lambdas=None if mocked is not None else lambdas, aws=None if mocked is not None else aws,
                   callbacks=None, machines=None, region=region, s3=None, answers=None)
    services = task_services(options, machine_name=_MACHINE_NAME).session()
    tester = StateTester(compiled, input, services=services, start_ms=clock_start_ms(None), seed=0,
                         execution_type="EXPRESS", name="TestState", machine_name=_MACHINE_NAME,
                         region=region, role_arn=role_arn,
                         retries=configuration.get("retrierRetryCount", 0))
    tester.top.scope.values.update(variables or {})
    executor = _mocked_container(mocked, configuration) if state.type in ("Map", "Parallel") else None
    try:
        output, next_name, assigned = tester.run_state(state, input, executor, context)
    except Retriable as retry:
        result = TestStateResult("RETRIABLE", error=retry.error.error, cause=retry.error.cause,
                                 next_state=name)
        errors = {"retryIndex": retry.index, "retryBackoffIntervalSeconds": retry.delay_ms // 1000}
        return _inspected(result, tester, state, inspection_level, errors)
    except StatesError as err:
        return _inspected(TestStateResult("FAILED", error=err.error, cause=err.cause), tester, state,
                          inspection_level)
    finally:
        services.close()
    visible = {**tester.top.scope.values, **(assigned or {})}
    if tester.caught is not None:
        index, err = tester.caught
        result = TestStateResult("CAUGHT_ERROR", output=output, error=err.error, cause=err.cause,
                                 next_state=next_name, variables=visible)
        return _inspected(result, tester, state, inspection_level, {"catchIndex": index})
    result = TestStateResult("SUCCEEDED", output=output, next_state=next_name, variables=visible)
    return _inspected(result, tester, state, inspection_level)


test_state.__test__ = False     # a test helper's name, not a pytest test


def _the_state(definition: Any, state_name: str | None):
    """(name, body, compiled machine): the state alone in a machine of its own, its transitions
    ending in stand-in Succeed states, its query language the definition's. It is not a whole
    deployable machine: CreateStateMachine's rules on unreachable and terminal states do not
    apply to it; every other rule does."""
    document = definition
    if isinstance(definition, str):
        try:
            document = json.loads(definition)
        except json.JSONDecodeError as err:
            raise TestStateError("InvalidDefinition", f"Invalid State Machine Definition: "
                                 f"'INVALID_JSON_DESCRIPTION: {err.msg} at line {err.lineno} column {err.colno}'") from None
    if not isinstance(document, dict):
        raise TestStateError("InvalidDefinition", "Invalid State Machine Definition: 'the definition must be a JSON object'")
    language = document.get("QueryLanguage", "JSONPath")
    if "States" in document:
        if state_name is None:
            raise TestStateError("ValidationException", "stateName is required when the definition is a "
                                 "state machine")
        states = document["States"]
        if not isinstance(states, dict) or state_name not in states:
            raise TestStateError("ValidationException", f"The state '{state_name}' is not in the definition")
        name, body = state_name, states[state_name]
    else:
        name, body = state_name or "TestState", document
    if not isinstance(body, dict):
        raise TestStateError("InvalidDefinition", f"Invalid State Machine Definition: 'the state '{name}' must be an object'")
    stand_ins = {target: {"Type": "Succeed"} for target in _targets(body) if target != name}
    assigned: dict = {}     # variables the state reads, which its own machine never assigns
    for _ in range(100):
        states = {name: body, **stand_ins}
        if assigned:
            states[_ASSIGNER] = {"Type": "Pass", "Assign": assigned, "End": True}
        try:
            compiled = parse_machine({"QueryLanguage": language, "StartAt": name, "States": states},
                                     check_resource=api_models.check_definition_resource, fragment=True)
            return name, body, compiled
        except DefinitionError as err:
            unassigned = _UNASSIGNED.match(err.message)
            if unassigned is None or unassigned.group(1) in assigned:
                raise TestStateError("InvalidDefinition", f"Invalid State Machine Definition: '{err}'") from None
            assigned[unassigned.group(1)] = None
    raise TestStateError("InvalidDefinition", "Invalid State Machine Definition: 'too many variables'")


# The state reads variables that TestState's ``variables`` (or nothing) provides: a state that is
# never entered assigns them, so that loading the state alone accepts the references.
_ASSIGNER = "aslsim:TestState:variables"
_UNASSIGNED = re.compile(r"the variable '\$([^']+)' is referenced but no state assigns it")


def _targets(body: dict) -> list[str]:
    found = [body.get("Next"), body.get("Default")]
    found += [c.get("Next") for c in body.get("Choices") or [] if isinstance(c, dict)]
    found += [c.get("Next") for c in body.get("Catch") or [] if isinstance(c, dict)]
    return [t for t in found if isinstance(t, str)]


def _check_mock(state, mock: dict | None, reveal_secrets: bool):
    """The mock as an aslsim Mocks entry, after AWS's checks (recorded messages)."""
    needs_mock = state.type in ("Map", "Parallel") or (
        state.type == "Task" and (state.resource.split(":")[5:6] == ["activity"]
                                  or state.resource.endswith((".sync", ".sync:2", ".waitForTaskToken"))))
    if mock is None:
        if state.type in ("Map", "Parallel"):
            raise TestStateError("InvalidDefinition", "TestState API does not support Map or Parallel states. "
                                 f"Supported state types include: {_SUPPORTED}")
        if needs_mock:
            raise TestStateError("ValidationException", "TestState only supports activities, .sync and "
                                 ".waitForTaskToken integrations when a mock is specified")
        return None
    if state.type in ("Pass", "Fail", "Succeed", "Choice", "Wait"):
        raise TestStateError("ValidationException", f"State type '{state.type}' is not supported when a mock is specified")
    if reveal_secrets:
        raise TestStateError("ValidationException", "TestState does not support RevealSecrets when a mock is specified.")
    if ("result" in mock) == ("errorOutput" in mock):
        raise TestStateError("ValidationException", "A test mock should have only one of the following fields: "
                             "[result, errorOutput].")
    if "errorOutput" in mock:
        error = mock["errorOutput"] or {}
        return {"throw": {"Error": error.get("error"), "Cause": error.get("cause")}}
    try:
        result = json.loads(mock["result"]) if isinstance(mock["result"], str) else mock["result"]
    except json.JSONDecodeError as err:
        raise TestStateError("ValidationException", f"Mocked result must be a valid JSON string: {err.msg}") from None
    if state.type == "Parallel":
        if not isinstance(result, list):
            raise TestStateError("ValidationException", "Mocked result must be an array.")
        if len(result) != len(state.branches):
            raise TestStateError("ValidationException", "Mocked result must contain the same number of items as "
                                 "number of Parallel branches.")
    if state.type == "Map":
        if state.result_writer is not None and not isinstance(result, dict):
            raise TestStateError("ValidationException", "Mocked result must be a JSON object.")
        if state.result_writer is None and not isinstance(result, list):
            raise TestStateError("ValidationException", "Mocked result must be an array.")
    if state.type == "Task":
        from .services.mock_results import mock_result_problems
        problems = mock_result_problems(state.resource, result, mock.get("fieldValidationMode", "STRICT"))
        if problems:
            raise TestStateError("ValidationException", "Mock result schema validation error: " + "; ".join(problems))
    return {"return": result}


def _mocked_container(mocked: dict, configuration: dict):
    """A Map or Parallel state whose branches or iterations the mock stands for."""
    from .engine.attempts import run_attempts

    def attempt(ctx):
        if "throw" in mocked:
            raise StatesError(mocked["throw"]["Error"], mocked["throw"]["Cause"])
        _check_tolerated(ctx.state, configuration)
        result = mocked["return"]
        ctx.inspect("result", result)
        flow = ctx.plan.flow
        assigned = flow.assigned(ctx, result, result=result)
        return flow.with_result(ctx, result), ctx.state.next, assigned
        yield  # a generator, as the engine's attempts are

    def execute(ctx):
        if ctx.state.type == "Map":
            _inspect_map(ctx)
        return (yield from run_attempts(ctx, attempt))
    return execute


def _inspect_map(ctx) -> None:
    state = ctx.state
    ctx.inspect("maxConcurrency", ctx.plan.max_concurrency.resolve(ctx))
    for attribute, key in (("tolerated_failure_count", "toleratedFailureCount"),
                           ("tolerated_failure_percentage", "toleratedFailurePercentage")):
        value = getattr(state, attribute, None)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            ctx.inspect(key, value)


def _check_tolerated(state, configuration: dict) -> None:
    failed = configuration.get("mapIterationFailureCount")
    if state.type != "Map" or not failed:
        return
    count, percentage = state.tolerated_failure_count, state.tolerated_failure_percentage
    exceeded = (count is None and percentage is None) or (isinstance(count, int) and failed > count)
    if exceeded:
        raise StatesError("States.ExceedToleratedFailureThreshold",
                          "The specified tolerated failure threshold was exceeded")


_STAGES = {   # which stages AWS shows, per state type (recorded for Pass, Choice, Succeed, Fail)
    "Pass": ("input", "afterInputPath", "afterParameters", "afterResultSelector", "afterResultPath"),
    "PassResult": ("input", "result", "afterResultSelector", "afterResultPath"),
    "Choice": ("input", "afterInputPath"),
    "Succeed": ("input", "afterInputPath"),
    "Fail": ("input", "afterInputPath"),
    "Wait": ("input", "afterInputPath"),
    "Task": ("input", "afterInputPath", "afterParameters", "afterArguments", "result", "afterResultSelector",
             "afterResultPath"),
    "Map": ("input", "afterInputPath", "afterItemsPath", "afterItemSelector", "afterItemBatcher",
            "maxConcurrency", "toleratedFailureCount", "toleratedFailurePercentage"),
    "Parallel": ("input", "afterInputPath", "afterParameters", "afterArguments", "result",
                 "afterResultSelector", "afterResultPath"),
}


def _inspected(result: TestStateResult, tester, state, level: str, errors: dict | None = None) -> TestStateResult:
    if level == "INFO":
        return result
    recorded = dict(tester.inspection)
    kind = state.type
    if kind == "Pass" and state.has_result:
        kind = "PassResult"
        recorded["result"] = state.result
        recorded.setdefault("afterResultSelector", state.result)
    elif kind == "Pass":
        recorded.setdefault("afterParameters", recorded.get("afterInputPath"))
        recorded.setdefault("afterResultSelector", recorded.get("afterParameters"))
    elif kind == "Fail":
        recorded.setdefault("afterInputPath", recorded["input"])    # recorded: shown though Fail has no InputPath
    if state.jsonata:
        recorded.pop("afterInputPath", None)
        recorded.pop("afterResultPath", None)
    data = {k: recorded[k] for k in _STAGES[kind] if k in recorded}
    if result.variables and result.status in ("SUCCEEDED", "CAUGHT_ERROR"):
        data["variables"] = result.variables
    if errors is not None:
        data["errorDetails"] = errors
    result.inspection_data = data
    return result
