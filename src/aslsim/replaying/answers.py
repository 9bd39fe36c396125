"""What the outside world told a recorded execution, read from its history: the input and the start
time, every Task attempt's answer (result or error, how long it took, what the service said when
it started a job or took a task token), and when the execution was stopped."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..services.recorded import RecordedAttempt
from .reading import Event, HistoryError, RecordedHistory
from .threads import Threads

_SCHEDULED = ("TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled")
_PREFIXES = ("Task", "LambdaFunction", "Activity")
_OUTCOMES = {"Succeeded": "succeeded", "Failed": "failed", "TimedOut": "timed-out",
             "StartFailed": "failed", "SubmitFailed": "failed", "ScheduleFailed": "failed"}
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")


@dataclass
class Recording:
    """How to run the definition as the recorded execution ran."""
    input: Any
    start_ms: int | None
    region: str | None
    attempts: list[RecordedAttempt]
    stopped_ms: int | None = None     # a StopExecution this long after the start (None: unknown)
    stopped: bool = False
    notes: list[str] = field(default_factory=list)


def read_recording(history: RecordedHistory, threads: Threads) -> Recording:
    started = history.started
    details = started.details or {}
    if "input" not in details:
        raise HistoryError(f"{history.source}: ExecutionStarted has no input (was the history fetched "
                           "with --no-include-execution-data?): give the input with --input")
    last = history.last
    stopped = last.type == "ExecutionAborted"
    stopped_ms = None
    if stopped and last.time_ms is not None and started.time_ms is not None:
        stopped_ms = last.time_ms - started.time_ms
    return Recording(input=details["input"], start_ms=started.time_ms, region=_region(history.events),
                     attempts=task_attempts(history.events, threads), stopped_ms=stopped_ms,
                     stopped=stopped)


def _region(events: list[Event]) -> str | None:
    for event in events:
        region = (event.details or {}).get("region") if event.type == "TaskScheduled" else None
        if isinstance(region, str) and _REGION.fullmatch(region):
            return region
    return None


def task_attempts(events: list[Event], threads: Threads) -> list[RecordedAttempt]:
    """Every Task attempt, from its Scheduled event to its outcome, in the recorded order."""
    attempts: list[RecordedAttempt] = []
    current: dict[int, RecordedAttempt] = {}           # thread -> its attempt under way
    scheduled_at: dict[int, int | None] = {}          # attempt -> time of its Scheduled event
    for index, event in enumerate(events):
        stage = _stage(event.type)
        if stage is None:
            continue
        thread = threads.of[index]
        if stage == "Scheduled":
            open_state = threads.open_at[index]
            state = open_state[0] if open_state and open_state[1] == "Task" and event.id is not None else None
            details = event.details or {}
            parameters = details.get("parameters", details.get("input"))
            attempt = RecordedAttempt(state=state, parameters=parameters, event_id=event.id)
            attempts.append(attempt)
            scheduled_at[id(attempt)] = event.time_ms
            current[id(thread)] = attempt
            continue
        attempt = current.get(id(thread)) if event.id is not None else None
        if attempt is None or attempt.outcome:
            # a snapshot that lost the order: the earliest attempt still waiting for this stage
            attempt = next((a for a in attempts if not a.outcome and
                            (stage != "Submitted" or not a.has_submitted)), None)
        if attempt is None:
            continue
        details = event.details or {}
        if stage == "Submitted":
            attempt.submitted, attempt.has_submitted = details.get("output"), True
        elif stage in _OUTCOMES:
            attempt.outcome = _OUTCOMES[stage]
            attempt.result = details.get("output")
            attempt.error, attempt.cause = details.get("error"), details.get("cause")
            begun = scheduled_at.get(id(attempt))
            attempt.ends_ms = event.time_ms
            if begun is not None and event.time_ms is not None:
                attempt.duration_ms = max(0, event.time_ms - begun)
    return attempts


def _stage(event_type: str) -> str | None:
    if event_type in _SCHEDULED:
        return "Scheduled"
    for prefix in _PREFIXES:
        if event_type.startswith(prefix) and not event_type.startswith("TaskState"):
            rest = event_type[len(prefix):]
            if rest in _OUTCOMES or rest in ("Started", "Submitted"):
                return rest
    return None
