"""Running a definition with a recorded execution's answers and comparing the two histories."""
from __future__ import annotations

from typing import Any

from ..errors import InputError
from ..machine import StateMachine, load
from ..services.recorded import RecordedAnswers
from .answers import Recording, read_recording
from .compare import compare
from .reading import RecordedHistory, read_history
from .result import ReplayResult
from .threads import Threads
from .values import PLACEHOLDER, Matcher

_UNSET = object()


def replay(machine, history, *, mocks=None, input: Any = _UNSET, express: bool = False,
           placeholders=(), time_tolerance: float = 1.0, seed: int = 0, s3=None,
           aws: str | None = None, lambdas=None, machines=None) -> ReplayResult:
    """Run ``machine`` with what a recorded execution's outside world answered, and compare.

    ``history`` is a file path, JSON text, a GetExecutionHistory response or a list of events
    (see ``aslsim.replaying.reading``). The input and the start time come from ExecutionStarted
    (``input=`` replaces an input the recording holds only as placeholders), every Task answer
    from the recording; ``mocks`` answer Tasks the recording never ran. ``placeholders`` are words
    that stand for any value in the recording; times agree within ``time_tolerance`` seconds.
    """
    if not isinstance(machine, StateMachine):
        machine = load(machine)
    recorded = history if isinstance(history, RecordedHistory) else read_history(history)
    if isinstance(time_tolerance, bool) or not isinstance(time_tolerance, (int, float)) or time_tolerance < 0:
        raise InputError("time_tolerance must be a number of seconds >= 0")
    recording = read_recording(recorded, Threads(recorded.events, machine))
    if input is not _UNSET:
        # where the recording's input differs from the real one, it holds masks: they match anything
        placeholders = set(placeholders) | _masked(recording.input, input)
    matcher = Matcher(masks=placeholders, tolerance_ms=int(time_tolerance * 1000),
                      loose=recorded.form == "parsed")
    execution_input = recording.input if input is _UNSET else input
    notes = _input_notes(recording, matcher, input is not _UNSET)
    options = dict(mocks=mocks, seed=seed, s3=s3, aws=aws, lambdas=lambdas, machines=machines,
                   execution_type="EXPRESS" if express else "STANDARD",
                   region=recording.region or "us-east-1")
    if recording.start_ms is not None:
        options["start_time"] = recording.start_ms
    stop_ms = recording.stopped_ms
    given = input is not _UNSET
    outcome = _run_and_compare(machine, recorded, recording, matcher, execution_input, options, stop_ms, given)
    comparison = outcome[1]
    if recording.stopped and stop_ms is None and comparison.stop_window is not None:
        # a StopExecution at an unknown time: stop where the recording stops, and run again
        stop_ms = comparison.stop_window
        matcher = Matcher(masks=matcher.masks, tolerance_ms=matcher.tolerance_ms, loose=matcher.loose)
        outcome = _run_and_compare(machine, recorded, recording, matcher, execution_input, options, stop_ms,
                                   given)
    execution, comparison, session = outcome
    unanswered = sorted({call.state for call in session.unanswered
                         if any(c.get("error") == "aslsim.MockMissing" and c["state"] == call.state
                                for c in execution.calls)})
    divergence = comparison.divergence
    if divergence is not None and unanswered:
        divergence.note = ((divergence.note + "\n") if divergence.note else "") + (
            "the recording never answered the Task state" + ("s " if len(unanswered) > 1 else " ")
            + ", ".join(f"'{s}'" for s in unanswered) + ": answer it with --mocks (mocks=)")
    if comparison.skipped:
        notes.append(f"{comparison.skipped} local event(s) stand where the recording lost events "
                     "(ids it skips): not compared")
    return ReplayResult(divergence=divergence, execution=execution, recorded=recorded,
                        compared=comparison.compared, threads=comparison.threads,
                        answered=len(session.given), skipped=comparison.skipped,
                        unanswered=unanswered, notes=notes, answers=session.given,
                        pairs=comparison.pairs)


def _run_and_compare(machine, recorded: RecordedHistory, recording: Recording, matcher: Matcher,
                     execution_input, options: dict, stop_ms, given_input: bool):
    def same(recorded_value, local_value, call):
        if call.task_token:
            matcher.identities.add(call.task_token)
        return matcher.same(recorded_value, local_value)

    answers = RecordedAnswers(recording.attempts, same=same, localize=matcher.localize)
    stop_after = None if stop_ms is None else max(0, stop_ms) / 1000
    execution = machine.run(execution_input, answers=answers, stop_after=stop_after, **options)
    session = answers.sessions[0]
    local = read_history(execution.history, name="the local history")
    matcher.identities |= _local_ids(execution, local)
    comparison = compare(recorded.events, local.events, Threads(local.events, machine), matcher,
                         matcher.tolerance_ms, given_input=given_input)
    return execution, comparison, session


def _local_ids(execution, local: RecordedHistory) -> set:
    """Values the local run made up where AWS had its own: ARNs, names, tokens."""
    ids = {execution.execution_arn, execution.name}
    arn = execution.execution_arn.split(":")
    if len(arn) > 6:
        ids.add(":".join(arn[:5] + ["stateMachine", arn[6]]))
    for event in local.events:
        details = event.details or {}
        for key in ("roleArn", "mapRunArn"):
            if isinstance(details.get(key), str):
                ids.add(details[key])
    for call in execution.calls:
        if call.get("task_token"):
            ids.add(call["task_token"])
    for run in execution.map_runs:
        ids.add(getattr(run, "arn", None))
    ids.discard(None)
    return ids


def _input_notes(recording: Recording, matcher: Matcher, replaced: bool) -> list[str]:
    if replaced:
        return ["the input was given: the recorded one was not used"]
    held = sorted(_placeholders(recording.input, matcher))
    if held:
        return [f"the recorded input holds placeholders ({', '.join(held)}): the run used them as they "
                "are; give the real input (--input) to replay with it"]
    return []


def _masked(recorded, given) -> set:
    """Strings of the recorded input standing where the given input has other values."""
    if isinstance(recorded, dict) and isinstance(given, dict):
        return set().union(set(), *(_masked(v, given[k]) for k, v in recorded.items() if k in given))
    if isinstance(recorded, list) and isinstance(given, list) and len(recorded) == len(given):
        return set().union(set(), *(_masked(r, g) for r, g in zip(recorded, given)))
    return {recorded} if isinstance(recorded, str) and recorded != given else set()


def _placeholders(value, matcher: Matcher) -> set:
    if isinstance(value, str):
        return {value} if value in matcher.masks or PLACEHOLDER.search(value) else set()
    if isinstance(value, dict):
        return set().union(*(_placeholders(v, matcher) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_placeholders(v, matcher) for v in value)) if value else set()
    return set()
