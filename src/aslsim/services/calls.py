"""The seam between the interpreter and whatever answers a Task: one call in, one answer out.

The interpreter builds a ``TaskCall`` and asks the execution's service session for an ``Answer``.
Behind the session sit the answerers (declared mocks, a Step Functions Local mock file, local
Lambda handlers, moto's in-memory AWS); the interpreter never knows which one answered.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import errors
from ..arns import ACCOUNT, DEFAULT_REGION
from .resources import Resource


@dataclass
class TaskCall:
    """One attempt of a Task state, as the service sees it."""
    state: str                       # the Task state's name
    resource: Resource               # the parsed Resource ARN
    parameters: Any                  # resolved Parameters / Arguments (None when the state has none)
    time_ms: int                     # virtual time of the call (epoch milliseconds)
    attempt: int = 0                 # 0 for the first try, then one per retry
    timeout_s: int | None = None     # TimeoutSeconds, resolved
    heartbeat_s: int | None = None   # HeartbeatSeconds, resolved
    task_token: str | None = None    # $$.Task.Token for .waitForTaskToken
    execution_arn: str = ""
    region: str = DEFAULT_REGION     # the execution's region: services answer there
    account: str = ACCOUNT
    role_arn: str | None = None      # Credentials' RoleArn, resolved: the role the call is made as

    @property
    def pattern(self) -> str:
        return self.resource.pattern

    @property
    def function_name(self) -> str | None:
        """The Lambda function a lambda target names: from the ARN or the FunctionName parameter."""
        if self.resource.function_name:
            return self.resource.function_name
        if self.resource.resource_type == "lambda" and isinstance(self.parameters, dict):
            name = self.parameters.get("FunctionName")
            if isinstance(name, str):
                return lambda_function_name(name)
        return None

    def keys(self) -> tuple:
        """What a mock or a callback may be keyed by, most specific first: the state's name,
        the Resource ARN, the Lambda function invoked."""
        return (self.state, self.resource.arn, self.function_name)


def lambda_function_name(name: str) -> str:
    """``my-fn``, ``my-fn:alias``, ``123456789012:function:my-fn`` or a full ARN -> ``my-fn``."""
    if name.startswith("arn:"):
        parts = name.split(":")
        return parts[6] if len(parts) > 6 else name
    if ":function:" in name:
        return name.split(":function:", 1)[1].split(":", 1)[0]
    return name.split(":", 1)[0]


@dataclass(frozen=True)
class Answer:
    """What a service did: a result, or an error and cause, after ``duration_ms`` of virtual time.

    For ``.waitForTaskToken`` the answer is the callback that ends the wait (SendTaskSuccess /
    SendTaskFailure): ``submitted`` then holds the response of the call that sent the token, when
    the answerer really made one, and ``heartbeat_ms`` how often the worker sends heartbeats.
    """
    result: Any = None
    error: str | None = None
    cause: str | None = None
    failed: bool = False
    duration_ms: int = 0
    submitted: Any = None
    has_submitted: bool = False
    heartbeat_ms: int | None = None
    source: str = ""                 # which answerer gave it: "mock", "mock-config", "lambda", "moto"
    # .waitForTaskToken: a real service took the token, so a callback must still end the wait.
    # A declared answer (mock, mock config) is the callback itself, as in Step Functions Local.
    awaits_callback: bool = False
    # The outside world answers, later: an activity worker or a callback by task token
    # (the server's SendTask* operations). The engine awaits this Outside.
    outside: "Outside | None" = None


class Outside:
    """A Task attempt waiting on the outside world, by task token.

    The engine awaits it; whoever holds the token wakes the execution with one of the messages
    ``("started", worker_name)``, ``("heartbeat",)``, ``("success", output)`` or
    ``("failure", error, cause)``. ``closed`` once the attempt is over, whichever way.
    """
    __slots__ = ("token", "call", "kind", "closed", "on_close")

    def __init__(self, token: str, call: "TaskCall", kind: str, on_close=None):
        self.token = token
        self.call = call
        self.kind = kind            # "activity" or "callback"
        self.closed = False
        self.on_close = on_close

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            if self.on_close is not None:
                self.on_close(self)


class ServiceError(Exception):
    """Raised by a callable mock or a local handler to fail the Task with AWS's error and cause."""

    def __init__(self, error: str, cause: str | None = None):
        self.error = error
        self.cause = cause
        super().__init__(f"{error}: {cause}")


# No answerer answers a call: raised by answerers with a message listing what is registered.
MockMissing = errors.MockMissing


class TaskSuccess:
    """A callback for a ``.waitForTaskToken`` Task: SendTaskSuccess with ``output`` after ``after``
    seconds of virtual time, sending a heartbeat every ``heartbeat_every`` seconds meanwhile."""

    def __init__(self, output: Any, *, after: float = 0, heartbeat_every: float | None = None):
        self.output = output
        self.after = after
        self.heartbeat_every = heartbeat_every

    def answer(self) -> Answer:
        return Answer(result=self.output, duration_ms=_ms(self.after),
                      heartbeat_ms=None if self.heartbeat_every is None else _ms(self.heartbeat_every))


class TaskFailure:
    """A callback for a ``.waitForTaskToken`` Task: SendTaskFailure with ``error`` and ``cause``."""

    def __init__(self, error: str | None = None, cause: str | None = None, *, after: float = 0,
                 heartbeat_every: float | None = None):
        self.error = error
        self.cause = cause
        self.after = after
        self.heartbeat_every = heartbeat_every

    def answer(self) -> Answer:
        return Answer(error=self.error, cause=self.cause, failed=True, duration_ms=_ms(self.after),
                      heartbeat_ms=None if self.heartbeat_every is None else _ms(self.heartbeat_every))


def _ms(seconds: float) -> int:
    return int(round(seconds * 1000))
