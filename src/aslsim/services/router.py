"""Which answerer answers a Task: the first of declared mocks, a Step Functions Local mock file's
test case, local Lambda handlers, and moto's in-memory AWS that claims the call.

Each answerer (``Answerer``) has a ``session()`` per execution (``AnswerSession``).
"""
from __future__ import annotations

from typing import Any, Callable, Protocol

from .calls import Answer, MockMissing, TaskCall, TaskFailure, TaskSuccess


class AnswerSession(Protocol):
    """One execution's use of an answerer. ``answer(call)`` returns an ``Answer`` or None ("not
    mine"); ``describe()`` says what it holds, for the message when nothing answers. A session
    may also have ``close()`` (the run is over: let go of what it holds) and ``unused()`` (the
    mocks it never answered with)."""

    def answer(self, call: TaskCall) -> Answer | None: ...

    def describe(self) -> str: ...


class Answerer(Protocol):
    """Something that can answer Tasks: declared mocks, a mock file's test case, local Lambda
    handlers, moto, child executions, a recorded history's answers."""

    def session(self) -> AnswerSession: ...


class Services:
    """Everything that can answer a Task in one run, in the order it is asked."""

    def __init__(self, answerers: list[Answerer | None], *, callbacks: dict | None = None,
                 check_parameters: Callable[[TaskCall], None] | None = None, outside=None):
        self.answerers = [a for a in answerers if a is not None]
        self.callbacks = dict(callbacks or {})
        self.check_parameters = check_parameters
        # the outside world (the server): ``outside.wait(call, kind) -> Outside`` for activities
        # and callbacks nothing declared answers
        self.outside = outside

    def session(self) -> "ServiceSession":
        return ServiceSession(self)


class ServiceSession:
    def __init__(self, services: Services):
        self.services = services
        self.sessions: list[AnswerSession] = [a.session() for a in services.answerers]

    def check(self, call: TaskCall) -> None:
        """Refuse parameters the service's API model refuses, before anything is scheduled."""
        if self.services.check_parameters is not None:
            self.services.check_parameters(call)

    def answer(self, call: TaskCall) -> Answer:
        for session in self.sessions:
            answer = session.answer(call)
            if answer is not None:
                return answer
        outside = self.services.outside
        if outside is not None and (call.resource.kind == "activity" or call.pattern == ".waitForTaskToken"):
            # an activity worker polls for it, or whoever got the token calls back
            return Answer(outside=outside.wait(call, "activity" if call.resource.kind == "activity"
                                               else "callback"))
        held = "; ".join(d for d in (s.describe() for s in self.sessions) if d) or "nothing is registered"
        raise MockMissing(f"nothing answers the Task state '{call.state}' (resource "
                          f"{call.resource.arn}); registered: {held}")

    def callback(self, call: TaskCall) -> Answer | None:
        """For a .waitForTaskToken Task whose token a real service received: the callback the
        test declared for it (by state name), or None when nobody will ever call back."""
        spec: Any = None
        for key in call.keys():
            if key is not None and key in self.services.callbacks:
                spec = self.services.callbacks[key]
                break
        if spec is None:
            if self.services.outside is not None:
                return Answer(outside=self.services.outside.wait(call, "callback"))
            return None
        if callable(spec) and not isinstance(spec, (TaskSuccess, TaskFailure)):
            spec = spec(call)
        if isinstance(spec, (TaskSuccess, TaskFailure)):
            return spec.answer()
        raise TypeError(f"the callback for Task state '{call.state}' must be aslsim.TaskSuccess or "
                        f"aslsim.TaskFailure (or a function returning one), not {type(spec).__name__}")

    def close(self) -> None:
        """The run is over: answerers that hold resources (moto's mock scope) let them go."""
        for session in self.sessions:
            close = getattr(session, "close", None)
            if close is not None:
                close()

    def unused_mocks(self) -> list[str]:
        out: list[str] = []
        for session in self.sessions:
            if hasattr(session, "unused"):
                out.extend(session.unused())
        return out
