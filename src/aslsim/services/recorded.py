"""Answers that the outside world already gave once: every Task attempt of a recorded execution,
each with its result or error, how long it took and what the service answered when it started.

``aslsim.replay`` reads them from a history and asks this answerer before anything else. A call
takes the first unused attempt of its state whose recorded parameters are the call's (so Map
iterations and Parallel branches get their own answers, whatever order they run in), else the
first unused attempt of its state; a state the recording never ran is "not mine", so the
declared mocks can answer it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .calls import Answer, TaskCall


@dataclass
class RecordedAttempt:
    """One recorded attempt of a Task state, from its Scheduled event to its outcome."""
    state: str | None                # the Task state's name (None when the recording cannot say)
    parameters: Any = None           # what the Scheduled event says the state sent
    outcome: str = ""                # "succeeded", "failed", "timed-out" or "" (never finished)
    result: Any = None
    error: str | None = None
    cause: str | None = None
    duration_ms: int | None = None   # Scheduled to outcome, when both times are known
    ends_ms: int | None = None       # when the outcome came (epoch ms), when known
    submitted: Any = None
    has_submitted: bool = False
    event_id: int | None = None      # the Scheduled event's id, for messages


@dataclass
class GivenAnswer:
    """What one call got: the call, the attempt that answered it and the answer."""
    call: TaskCall
    attempt: RecordedAttempt
    answer: Answer


class RecordedAnswers:
    """An answerer over recorded attempts. ``same(recorded, local, call)`` says whether recorded
    parameters are the call's (placeholders and ids allowed); ``localize(value)`` turns recorded
    values into this run's (a recorded task token into the local one, say)."""

    def __init__(self, attempts: list[RecordedAttempt], *,
                 same: Callable[[Any, Any, TaskCall], bool] | None = None,
                 localize: Callable[[Any], Any] | None = None):
        self.attempts = attempts
        self.same = same or (lambda recorded, local, call: recorded == local)
        self.localize = localize or (lambda value: value)
        self.sessions: list[RecordedSession] = []   # the first is the top-level execution's

    def session(self) -> "RecordedSession":
        session = RecordedSession(self)
        self.sessions.append(session)
        return session


class RecordedSession:
    """One execution's use of the recorded attempts."""

    def __init__(self, answers: RecordedAnswers):
        self._answers = answers
        self._used: set[int] = set()
        self.given: list[GivenAnswer] = []       # in call order, for replay's report and case file
        self.unanswered: list[TaskCall] = []     # calls of states the recording never ran

    def describe(self) -> str:
        states = sorted({a.state for a in self._answers.attempts if a.state})
        return ("the recorded answers of " + ", ".join(f"'{s}'" for s in states)) if states else ""

    def answer(self, call: TaskCall) -> Answer | None:
        attempt = self._pick(call)
        if attempt is None:
            self.unanswered.append(call)
            return None
        self._used.add(id(attempt))
        answer = _answer(attempt, call, self._answers.localize)
        self.given.append(GivenAnswer(call, attempt, answer))
        return answer

    def _pick(self, call: TaskCall) -> RecordedAttempt | None:
        free = [a for a in self._answers.attempts if id(a) not in self._used]
        mine = [a for a in free if a.state == call.state]
        unnamed = [a for a in free if a.state is None]
        same = self._answers.same
        for attempt in mine + unnamed:
            if same(attempt.parameters, call.parameters, call):
                return attempt
        return mine[0] if mine else None


def _answer(attempt: RecordedAttempt, call: TaskCall, localize) -> Answer:
    limits = [s * 1000 for s in (call.timeout_s, call.heartbeat_s) if s is not None]
    duration = attempt.duration_ms
    if attempt.ends_ms is not None and attempt.outcome in ("succeeded", "failed"):
        # the answer comes when it came on AWS: the local clock, which AWS's own latency and its
        # own retry jitter set apart, is brought back in step (never past its TimeoutSeconds)
        duration = max(0, attempt.ends_ms - call.time_ms)
        if call.timeout_s is not None:
            duration = min(duration, call.timeout_s * 1000)
    extra: dict = {"source": "recorded"}
    if attempt.has_submitted:
        extra.update(submitted=localize(attempt.submitted), has_submitted=True)
    if attempt.outcome == "timed-out":
        if limits:
            # no answer in time: the state's own limit ends the attempt, as it did on AWS
            return Answer(duration_ms=max(duration or 0, min(limits) + 1), **extra)
        return Answer(error=attempt.error or "States.Timeout", cause=attempt.cause or "", failed=True,
                      duration_ms=duration or 0, **extra)
    if call.heartbeat_s is not None:
        # it did not time out, so the worker's heartbeats came in time (they are not in histories)
        extra["heartbeat_ms"] = call.heartbeat_s * 1000
    if duration is None:
        duration = 0
    if attempt.outcome == "failed":
        return Answer(error=attempt.error, cause=attempt.cause, failed=True, duration_ms=duration,
                      **extra)
    if attempt.outcome == "succeeded":
        return Answer(result=localize(attempt.result), duration_ms=duration, **extra)
    # the recording ends while the attempt runs (a stopped execution): it never answers
    return Answer(duration_ms=max([duration, *limits, _NEVER_MS]), **extra)


# longer than any execution may run: an attempt still running when the recording ends
_NEVER_MS = 400 * 24 * 3600 * 1000
