"""Retry and Catch: fields, ranges, the States.ALL rule and handlers that can never run
(ASL101-103 for their shape, ASL402, ASL501-503).
"""
from __future__ import annotations

from ...definition.parse import CATCH_FIELDS, RETRY_FIELDS
from ..tree import JSONATA, JSONPATH, State, Tree
from .structure import MAX_SECONDS, is_int

MAX_DELAY = 31622401
_WITH_HANDLERS = ("Task", "Parallel", "Map")


def check(tree: Tree, out) -> None:
    for state in tree.states:
        if state.kind not in _WITH_HANDLERS:
            continue
        for key in ("Retry", "Catch"):
            if key not in state.body:
                continue
            handlers = state.body[key]
            if not isinstance(handlers, list):
                out.add("ASL103", state.at(key), f"{key} must be an array", state=state.name)
                continue
            for i, handler in enumerate(handlers):
                if not isinstance(handler, dict):
                    out.add("ASL103", state.at(key, i), f"each {key} item must be an object",
                            state=state.name)
                elif key == "Retry":
                    _retrier(state, i, handler, out)
                else:
                    _catcher(state, i, handler, out)
            _order(state, key, handlers, out)


def _fields(state: State, key: str, i: int, handler: dict, allowed, out):
    for field in handler:
        if field in allowed:
            continue
        other = CATCH_FIELDS[JSONPATH if state.language == JSONATA else JSONATA]
        if key == "Catch" and field in other:
            out.add("ASL402", state.at(key, i, field), f"'{field}' is not available in a catcher of "
                    f"a {state.language} state", state=state.name, at_key=True,
                    hint="JSONata catchers use Output; JSONPath catchers use ResultPath")
        else:
            out.add("ASL102", state.at(key, i, field), f"unknown field '{field}' in a "
                    f"{'retrier' if key == 'Retry' else 'catcher'}", state=state.name, at_key=True)
    errors = handler.get("ErrorEquals")
    if "ErrorEquals" not in handler:
        out.add("ASL101", state.at(key, i), "ErrorEquals is required: the error names this "
                f"{'retrier' if key == 'Retry' else 'catcher'} handles", state=state.name)
    elif not isinstance(errors, list) or not errors or not all(isinstance(e, str) for e in errors):
        out.add("ASL502", state.at(key, i, "ErrorEquals"), "ErrorEquals must be a non-empty array "
                "of error names", state=state.name)
    elif "States.ALL" in errors and len(errors) > 1:
        out.add("ASL501", state.at(key, i, "ErrorEquals"), "States.ALL must appear alone in "
                "ErrorEquals", state=state.name, hint="States.ALL already matches the other names")


def _retrier(state: State, i: int, retrier: dict, out):
    _fields(state, "Retry", i, retrier, RETRY_FIELDS, out)
    ranges = (("IntervalSeconds", 1, MAX_SECONDS), ("MaxAttempts", 0, MAX_SECONDS),
              ("MaxDelaySeconds", 1, MAX_DELAY))
    for field, low, high in ranges:
        if field in retrier and not is_int(retrier[field], low, high):
            out.add("ASL502", state.at("Retry", i, field), f"{field} must be an integer from {low} "
                    f"to {high}, not {retrier[field]!r}", state=state.name)
    backoff = retrier.get("BackoffRate")
    if "BackoffRate" in retrier and (type(backoff) not in (int, float) or backoff < 1):
        out.add("ASL502", state.at("Retry", i, "BackoffRate"), "BackoffRate must be a number of at "
                f"least 1.0, not {backoff!r}", state=state.name)
    if "JitterStrategy" in retrier and retrier["JitterStrategy"] not in ("FULL", "NONE"):
        out.add("ASL502", state.at("Retry", i, "JitterStrategy"), "JitterStrategy must be FULL or "
                f"NONE, not {retrier['JitterStrategy']!r}", state=state.name)


def _catcher(state: State, i: int, catcher: dict, out):
    _fields(state, "Catch", i, catcher, CATCH_FIELDS[state.language], out)
    if "Next" not in catcher:
        out.add("ASL101", state.at("Catch", i), "a catcher needs Next: the state to go to",
                state=state.name)
    elif not isinstance(catcher["Next"], str):
        out.add("ASL103", state.at("Catch", i, "Next"), "Next must be a state name (a string)",
                state=state.name)


def _order(state: State, key: str, handlers: list, out):
    """States.ALL only in the last handler; a handler whose errors are all handled earlier."""
    handled: set[str] = set()
    catch_all_at = None
    for i, handler in enumerate(handlers):
        errors = handler.get("ErrorEquals") if isinstance(handler, dict) else None
        if not isinstance(errors, list) or not all(isinstance(e, str) for e in errors):
            continue
        what = "retrier" if key == "Retry" else "catcher"
        if catch_all_at is not None:
            out.add("ASL501", state.at(key, catch_all_at, "ErrorEquals"), f"States.ALL must be in "
                    f"the last {what}: the {what}s after it can never be used", state=state.name)
            catch_all_at = None
        elif errors and all(_covered(e, handled) for e in errors):
            out.add("ASL503", state.at(key, i), f"this {what} can never be used: every error it "
                    "names is handled by an earlier one", state=state.name)
        if "States.ALL" in errors:
            catch_all_at = i
        handled.update(errors)


def _covered(error: str, handled: set) -> bool:
    if error in handled or "States.ALL" in handled:
        return True
    # States.TaskFailed matches every error a task raises except States.Timeout; names outside
    # the States. namespace are such errors.
    return "States.TaskFailed" in handled and not error.startswith("States.")
