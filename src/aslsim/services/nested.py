"""``states:startExecution`` answered by running the child state machine in aslsim itself.

The test registers the child machines (``machines={"Child": child}`` or by ARN); the child runs
on the same virtual clock from the moment of the call, with the same answerers as its parent.
Request-response returns at once; ``.sync`` and ``.sync:2`` wait for the child and return the
DescribeExecution-style result (recorded shape, SNAP ``SFN_SYNC`` / ``SFN_SYNC2``): with ``.sync``
the Input and Output are JSON text, with ``.sync:2`` JSON values. A child that does not succeed
fails the Task with ``States.TaskFailed`` and that description as JSON cause.
"""
from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, Callable

from ..query.jsonpath import dumps
from .calls import Answer, TaskCall

_REDRIVE_REASON = {"SUCCEEDED": "Execution is SUCCEEDED and cannot be redriven"}


class NestedExecutions:
    """Answers ``arn:aws:states:::states:startExecution[.sync[:2]]`` for registered machines."""

    def __init__(self, machines: dict, run_child: Callable[[Any, Any, str | None, int], Any]):
        # run_child(machine, input, name, start_ms) -> Execution
        self.machines = dict(machines)
        self.run_child = run_child

    def session(self):
        return self

    def find(self, arn: Any):
        if not isinstance(arn, str):
            return None
        if arn in self.machines:
            return self.machines[arn]
        name = arn.rsplit(":", 1)[-1]
        return self.machines.get(name)

    def answer(self, call: TaskCall) -> Answer | None:
        resource = call.resource
        if resource.resource_type != "states" or resource.action != "startExecution":
            return None
        parameters = call.parameters if isinstance(call.parameters, dict) else {}
        machine = self.find(parameters.get("StateMachineArn"))
        if machine is None:
            return None
        child_input = parameters.get("Input", {})
        if isinstance(child_input, str):
            try:
                child_input = json.loads(child_input)
            except json.JSONDecodeError:
                return Answer(error="StepFunctions.InvalidExecutionInputException", failed=True,
                              cause="Invalid State Machine Execution Input: 'Input is not valid JSON'",
                              source="machines")
        child = self.run_child(machine, child_input, parameters.get("Name"), call.time_ms)
        started = {"ExecutionArn": child.execution_arn, "StartDate": child.start_ms}
        if not call.pattern:
            return Answer(result=started, source="machines")
        answer = ended_child_answer(child, parameters.get("StateMachineArn"), call.pattern, "machines")
        return replace(answer, duration_ms=child.stop_ms - child.start_ms, submitted=started,
                       has_submitted=True)

    def describe(self) -> str:
        return "machines " + ", ".join(f"'{k}'" for k in sorted(self.machines)) if self.machines else ""


def ended_child_answer(child, machine_arn, pattern: str, source: str) -> Answer:
    """What a ``.sync`` / ``.sync:2`` Task gets once its child (an ended Execution) has ended:
    the description when it succeeded, else States.TaskFailed with the description as cause."""
    description = _describe(child, machine_arn, text=pattern == ".sync")
    if child.status != "SUCCEEDED":
        return Answer(error="States.TaskFailed", cause=dumps(description), failed=True, source=source)
    return Answer(result=description, source=source)


def _describe(child, machine_arn, *, text: bool) -> dict:
    """What DescribeExecution says of the child, as the .sync integrations return it."""
    def value(v):
        return dumps(v) if text else v
    out: dict[str, Any] = {"ExecutionArn": child.execution_arn, "Input": value(child.input),
                           "InputDetails": {"Included": True}, "Name": child.name}
    if child.status == "SUCCEEDED":
        out["Output"] = value(child.output)
        out["OutputDetails"] = {"Included": True}
    else:
        if child.error is not None:
            out["Error"] = child.error
        if child.cause is not None:
            out["Cause"] = child.cause
    out["RedriveCount"] = 0
    out["RedriveStatus"] = "NOT_REDRIVABLE" if child.status == "SUCCEEDED" else "REDRIVABLE"
    if child.status in _REDRIVE_REASON:
        out["RedriveStatusReason"] = _REDRIVE_REASON[child.status]
    out.update({"StartDate": child.start_ms, "StateMachineArn": machine_arn or "",
                "Status": child.status, "StopDate": child.stop_ms})
    return out
