"""Executions that a ``states:startExecution`` Task starts on the server: started as
StartExecution starts them (the same checks, names, versions and aliases, idempotency), so they
are listed and described under their own state machine, as AWS shows them.

Request-response answers at once with the child's ARN and start date. ``.sync`` and ``.sync:2``
answer at once when the child ended at once (virtual time), else the parent waits, like on an
activity, until the child ends (a worker or a callback moves it on): then it gets the child's
description, or States.TaskFailed with it as cause. ``.waitForTaskToken`` waits for the callback
whoever holds the token sends. A start AWS refuses fails the Task with the service's error, as
recorded: StepFunctions.StateMachineDoesNotExistException, "State Machine Does Not Exist: '...'
(Service: AWSStepFunctions; Status Code: 400; Error Code: StateMachineDoesNotExist; ...)".
"""
from __future__ import annotations

import secrets
import uuid
from dataclasses import replace

from ..query.jsonpath import dumps
from ..services import api_models
from ..services.calls import Answer, Outside, TaskCall
from ..services.nested import ended_child_answer
from .executions import start
from .protocol import ApiError
from .registry import Call

SOURCE = "server"


class ChildExecutions:
    """The answerer of one server execution's ``states:startExecution`` Tasks."""

    def __init__(self, backend, parent):
        self.backend = backend
        self.parent = parent                  # the ExecutionRecord whose Tasks start children

    def session(self) -> "ChildExecutions":
        return self

    def describe(self) -> str:
        return "the server's state machines, for states:startExecution"

    def answer(self, call: TaskCall) -> Answer | None:
        resource = call.resource
        if resource.resource_type != "states" or resource.action != "startExecution":
            return None
        parameters = call.parameters if isinstance(call.parameters, dict) else {}
        region = self.parent.arn.split(":")[3]
        try:
            child = start(Call(self.backend, region), _request(parameters), sync=False, start_ms=call.time_ms)
        except ApiError as err:
            error, cause = api_models.task_error(api_models.operation_for(resource), err.code, err.message,
                                                 err.status, str(uuid.uuid4()))
            return Answer(error=error, cause=cause, failed=True, source=SOURCE)
        started = {"ExecutionArn": child.arn, "StartDate": child.start_ms}
        if not call.pattern:
            return Answer(result=started, source=SOURCE)
        if call.pattern == ".waitForTaskToken":
            world = self.backend.tasks.for_execution(self.backend, self.parent)
            return Answer(submitted=started, has_submitted=True, outside=world.wait(call, "callback"),
                          source=SOURCE)
        machine_arn = parameters.get("StateMachineArn")
        with child.lock:
            if child.closed:
                return replace(_ended(child, machine_arn, call.pattern), submitted=started, has_submitted=True,
                               duration_ms=max(0, child.stop_ms - child.start_ms))
            waiting = Outside(secrets.token_urlsafe(16), call, "child")
            child.on_end.append(lambda: self._wake(waiting, child, machine_arn, call.pattern))
        return Answer(submitted=started, has_submitted=True, outside=waiting, source=SOURCE)

    def _wake(self, waiting: Outside, child, machine_arn, pattern: str) -> None:
        """The child has ended: the parent's Task goes on with its outcome (unless the Task
        stopped waiting meanwhile: timed out, or the parent was stopped)."""
        if waiting.closed:
            return
        answer = _ended(child, machine_arn, pattern)
        message = ("failure", answer.error, answer.cause) if answer.failed else ("success", answer.result)
        try:
            self.backend.deliver(self.parent, waiting, message)
        except ApiError:
            pass          # the parent no longer waits on it


def _ended(child, machine_arn, pattern: str) -> Answer:
    if child.result is None:        # it could not run at all (an aslsim error, reported)
        return Answer(error="States.TaskFailed", cause=child.cause, failed=True, source=SOURCE)
    return ended_child_answer(child.result, machine_arn, pattern, SOURCE)


def _request(parameters: dict) -> dict:
    """The Task's parameters as the StartExecution request they are (Input a JSON value or text)."""
    request = {"stateMachineArn": parameters.get("StateMachineArn")}
    if "Input" in parameters:
        given = parameters["Input"]
        request["input"] = given if isinstance(given, str) else dumps(given)
    for key, member in (("Name", "name"), ("TraceHeader", "traceHeader")):
        if parameters.get(key) is not None:
            request[member] = parameters[key]
    return request
