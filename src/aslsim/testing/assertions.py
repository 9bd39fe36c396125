"""Assertions on a finished execution whose failures say what happened.

Every ``assert_*`` function takes the ``Execution`` first and raises ``WorkflowAssertionError``
(an ``AssertionError``) whose message starts with one line on what was expected, then the
details (a JSON diff, the first step where two paths part), then a report of the run: status,
error and cause, the state that failed with its input, the path, the service calls and the last
events of the history. ``expect(execution)`` offers the same checks as chainable methods.

Matching rules shared by the functions:

- a call *target* is a Task state's name, a resource ARN or a Lambda function name, as for mocks;
- ``inside=("State", n)`` scopes a path assertion to branch ``n`` of a Parallel state or
  iteration ``n`` of a Map state (its first visit), counted from 0;
- "contains" comparisons are recursive subsets: every expected key must be present with a
  matching value, lists must have the same length and match item by item;
- values compare as JSON (``True`` is not ``1``); non-JSON objects such as ``unittest.mock.ANY``
  or ``pytest.approx`` compare with their own ``==``.

This module needs nothing but the standard library, so ``aslsim test`` and non-pytest runners can
use it too; pytest hides these frames from tracebacks (``__tracebackhide__``).
"""
from __future__ import annotations

import difflib
import json
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, NoReturn

from ..definition.timestamps import epoch_ms, iso_ms, parse_timestamp
from ..engine.events import Event
from ..engine.paths import states_entered
from ..services.calls import lambda_function_name
from ..services.regions import mismatch_hints

__all__ = [
    "WorkflowAssertionError", "describe", "format_path", "calls_to", "expect", "Expect",
    "assert_status", "assert_succeeded", "assert_failed", "assert_error", "assert_cause",
    "assert_output", "assert_output_contains",
    "assert_path", "assert_path_starts_with", "assert_visited_in_order", "assert_visited",
    "assert_not_visited",
    "assert_called", "assert_called_with", "assert_not_called", "assert_calls",
    "assert_calls_in_order", "assert_call_time",
    "assert_variables", "assert_variable",
]

STATUSES = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
ARROW = " → "
LAST_EVENTS = 8
MAX_CALLS_SHOWN = 10
MAX_SUBPATHS_SHOWN = 5


class WorkflowAssertionError(AssertionError):
    """An expectation on an execution did not hold; the message tells what happened instead."""


WorkflowAssertionError.__module__ = "aslsim.testing"   # where users import it; pytest prints it


# -- reporting --------------------------------------------------------------------------------

def _fail(execution, headline: str, details: Iterable[str] = ()) -> NoReturn:
    __tracebackhide__ = True
    lines = [headline, *("  " + line if line else "" for line in details), "", describe(execution)]
    raise WorkflowAssertionError("\n".join(lines))


def describe(execution, *, events: int = LAST_EVENTS) -> str:
    """A readable account of an execution: status, error, failing state, path, calls, last events."""
    lines = ["what happened:", f"  status  {execution.status}"]
    if execution.status != "SUCCEEDED":
        lines.append(f"  error   {execution.error}")
        lines.append(f"  cause   {_short(execution.cause, 300) if execution.cause else None}")
        failed = _failing_state(execution)
        if failed is not None:
            name, state_input = failed
            lines.append(f"  failed in state '{name}', whose input was {_short(state_input, 200)}")
        lines.extend(f"  hint    {hint}" for hint in mismatch_hints(execution.calls, execution.execution_arn))
    else:
        lines.append(f"  output  {_short(_json(execution.output), 200)}")
    lines.append(f"  path    {format_path(execution.path) or '(no state entered)'}")
    lines.extend(_describe_calls(execution))
    logged = execution.events
    shown = logged[-events:]
    lines.append(f"  last {len(shown)} of {len(logged)} events:")
    lines.extend("    " + _describe_event(event, execution.start_ms) for event in shown)
    return "\n".join(lines)


def format_path(path: list) -> str:
    """``A → P [B → C | D] → E``: Parallel branches and Map iterations in brackets."""
    parts: list[str] = []
    for item in path:
        if isinstance(item, list):
            shown = [format_path(sub) or "(nothing)" for sub in item[:MAX_SUBPATHS_SHOWN]]
            if len(item) > MAX_SUBPATHS_SHOWN:
                shown.append(f"… {len(item) - MAX_SUBPATHS_SHOWN} more")
            text = " [" + " | ".join(shown) + "]"
            if parts:
                parts[-1] += text
            else:
                parts.append(text.strip())
        else:
            parts.append(item)
    return ARROW.join(parts)


def _failing_state(execution) -> tuple[str, str] | None:
    """The state the failure came from: follow previousEventId back from the last event to the
    nearest StateEntered event (the only way to find it inside parallel branches)."""
    events = execution.events
    by_id = {event.id: event for event in events}
    event = events[-1] if events else None
    while event is not None:
        if event.type.endswith("StateEntered"):
            details = event.details or {}
            return details.get("name"), _json(details.get("input")) if "input" in details else ""
        event = by_id.get(event.previous_id)
    return None


def _describe_calls(execution) -> list[str]:
    calls = execution.calls
    if not calls:
        return ["  calls   (none)"]
    lines = [f"  calls   {len(calls)}:"]
    skipped = max(0, len(calls) - MAX_CALLS_SHOWN)
    if skipped:
        lines.append(f"    … {skipped} earlier calls")
    for call in calls[skipped:]:
        lines.append("    " + _describe_call(call, execution.start_ms))
    return lines


def _describe_call(call: dict, start_ms: int) -> str:
    if "error" in call:
        outcome = f"✗ {call['error']}"
        if call.get("cause"):
            outcome += f": {_short(call['cause'], 80)}"
    elif "result" in call:
        outcome = "→ " + _short(_json(call["result"]), 80)
    else:
        outcome = "(no answer)"
    return (f"{_offset(call['time'], start_ms)}  {call['state']}  {_short(call['resource'], 70)}  "
            f"{outcome}")


def _describe_event(event: Event, start_ms: int) -> str:
    details = event.details or {}
    summary = []
    if "name" in details:
        summary.append(str(details["name"]))
    if details.get("error") is not None:     # AWS leaves an absent error out of the history
        summary.append(f"error={details['error']}")
    if details.get("cause"):
        summary.append(f"cause={_short(details['cause'], 60)}")
    for key in ("input", "output", "parameters"):
        if key in details:
            summary.append(f"{key}={_short(_json(details[key]), 60)}")
            break
    time = _offset(event.time_ms, start_ms)
    return f"{event.id:>4}  {time}  {event.type:<26} {'  '.join(summary)}".rstrip()


def _offset(ms: int, start_ms: int) -> str:
    return f"+{(ms - start_ms) / 1000:.3f}s"


def _json(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return repr(value)


def _pretty(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)
    except (TypeError, ValueError):
        return repr(value)


def _short(text: Any, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- comparing JSON -----------------------------------------------------------------------------

def _is_json(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str, list, dict))


def _same(expected: Any, actual: Any) -> bool:
    """JSON equality: bool and numbers never mix; non-JSON expected values use their own ==."""
    if not _is_json(expected):
        return expected == actual
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, dict):
        return (isinstance(actual, dict) and expected.keys() == actual.keys()
                and all(_same(v, actual[k]) for k, v in expected.items()))
    if isinstance(expected, list):
        return (isinstance(actual, list) and len(expected) == len(actual)
                and all(_same(e, a) for e, a in zip(expected, actual)))
    return expected == actual


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")   # written $.key; others $["a key"]


def _subset_differences(expected: Any, actual: Any, where: str = "$") -> list[str]:
    """Where ``actual`` does not contain ``expected``, one line per difference."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for key, value in expected.items():
            step = f"{where}.{key}" if _PLAIN_KEY.fullmatch(str(key)) else f"{where}[{json.dumps(key)}]"
            if key not in actual:
                out.append(f"{step}: missing (expected {_short(_json(value), 80)})")
            else:
                out.extend(_subset_differences(value, actual[key], step))
        return out
    if isinstance(expected, list) and isinstance(actual, list) and len(expected) == len(actual):
        out = []
        for i, (e, a) in enumerate(zip(expected, actual)):
            out.extend(_subset_differences(e, a, f"{where}[{i}]"))
        return out
    if isinstance(expected, (dict, list)) or not _same(expected, actual):
        return [f"{where}: expected {_short(_json(expected), 80)}, got {_short(_json(actual), 80)}"]
    return []


def _diff(expected: Any, actual: Any) -> list[str]:
    return list(difflib.unified_diff(_pretty(expected).splitlines(), _pretty(actual).splitlines(),
                                     "expected", "actual", lineterm=""))


# -- status, error, output ---------------------------------------------------------------------

def assert_status(execution, status: str) -> None:
    """The execution ended with this status (SUCCEEDED, FAILED, TIMED_OUT or ABORTED)."""
    __tracebackhide__ = True
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    if execution.status != status:
        _fail(execution, f"expected status {status}, got {execution.status}")


def assert_succeeded(execution) -> None:
    __tracebackhide__ = True
    assert_status(execution, "SUCCEEDED")


def assert_failed(execution, error: str | None = None, cause: str | re.Pattern | None = None) -> None:
    """The execution FAILED, with this error and cause when given."""
    __tracebackhide__ = True
    assert_status(execution, "FAILED")
    if error is not None:
        assert_error(execution, error)
    if cause is not None:
        assert_cause(execution, cause)


def assert_error(execution, error: str, cause: str | re.Pattern | None = None) -> None:
    """The execution ended with this error name (and cause when given)."""
    __tracebackhide__ = True
    if execution.error != error:
        if execution.status == "SUCCEEDED":
            _fail(execution, f"expected error {error!r}, but the execution SUCCEEDED")
        _fail(execution, f"expected error {error!r}, got {execution.error!r}")
    if cause is not None:
        assert_cause(execution, cause)


def assert_cause(execution, cause: str | re.Pattern) -> None:
    """The cause equals this text, or matches this compiled regular expression (re.search)."""
    __tracebackhide__ = True
    actual = execution.cause
    if isinstance(cause, re.Pattern):
        if actual is None or not cause.search(actual):
            _fail(execution, f"the cause does not match /{cause.pattern}/",
                  [f"cause: {actual!r}"])
    elif actual != cause:
        _fail(execution, "the cause is not as expected", [f"expected: {cause!r}", f"actual:   {actual!r}"])


def assert_output(execution, expected: Any) -> None:
    """The execution's output equals ``expected`` (as JSON)."""
    __tracebackhide__ = True
    if not _same(expected, execution.output):
        headline = "the output is not as expected"
        if execution.status != "SUCCEEDED":
            headline += f" (the execution {execution.status}, so it has no output)"
        _fail(execution, headline, ["-expected +actual:", *_diff(expected, execution.output)[2:]])


def assert_output_contains(execution, expected: Any) -> None:
    """The output contains these keys and values (a recursive subset)."""
    __tracebackhide__ = True
    differences = _subset_differences(expected, execution.output)
    if differences:
        _fail(execution, "the output does not contain the expected values", differences)


# -- the path ------------------------------------------------------------------------------------


def _children(path: list, state: str) -> list | None:
    """The branch or iteration paths of the first visit of ``state``, searched depth first."""
    for i, item in enumerate(path):
        if isinstance(item, list):
            for sub in item:
                found = _children(sub, state)
                if found is not None:
                    return found
        elif item == state and i + 1 < len(path) and isinstance(path[i + 1], list):
            return path[i + 1]
    return None


def _scoped_path(execution, inside) -> tuple[list, str]:
    """The path to check and how to name it in messages."""
    __tracebackhide__ = True
    if inside is None:
        return execution.path, "the path"
    if not (isinstance(inside, (tuple, list)) and len(inside) == 2 and isinstance(inside[1], int)):
        raise ValueError("inside must be (state name, branch or iteration index), e.g. ('Copy', 0)")
    state, index = inside
    children = _children(execution.path, state)
    kind = _kind_of_children(execution, state)
    if children is None:
        _fail(execution, f"'{state}' ran no branches or iterations: it was not entered, or it is "
                         "not a Parallel or Map state")
    if not 0 <= index < len(children):
        _fail(execution, f"'{state}' ran {len(children)} {kind}(es), there is no {kind} {index}")
    return children[index], f"the path of {kind} {index} of '{state}'"


def _kind_of_children(execution, state: str) -> str:
    for event in execution.events:
        if event.type in ("ParallelStateEntered", "MapStateEntered") and event.details["name"] == state:
            return "branch" if event.type == "ParallelStateEntered" else "iteration"
    return "branch"


def _has_nesting(path: list) -> bool:
    return any(isinstance(item, list) for item in path)


def assert_path(execution, expected: list, *, inside=None) -> None:
    """The states entered are exactly these. A flat list is compared with the flattened path
    (branches and iterations inlined, depth first); a list with nested lists with the nested one."""
    __tracebackhide__ = True
    path, what = _scoped_path(execution, inside)
    actual = path if _has_nesting(expected) else states_entered(path)
    if actual == list(expected):
        return
    details = [f"expected: {format_path(expected)}", f"actual:   {format_path(actual)}"]
    for step, (e, a) in enumerate(zip(expected, actual), 1):
        if e != a:
            details.append(f"first difference at step {step}: expected {_json(e)}, got {_json(a)}")
            break
    else:
        shorter = "actual path stops" if len(actual) < len(expected) else "actual path goes on"
        details.append(f"the {shorter} after step {min(len(actual), len(expected))}")
    _fail(execution, f"{what} is not as expected", details)


def assert_path_starts_with(execution, *states: str, inside=None) -> None:
    __tracebackhide__ = True
    path, what = _scoped_path(execution, inside)
    flat = states_entered(path)
    if flat[: len(states)] != list(states):
        _fail(execution, f"{what} does not start with {ARROW.join(states)}",
              [f"it starts with {ARROW.join(flat[: len(states)]) or '(nothing)'}"])


def assert_visited_in_order(execution, *states: str, inside=None) -> None:
    """These states were entered in this order, other states possibly in between."""
    __tracebackhide__ = True
    path, what = _scoped_path(execution, inside)
    flat = states_entered(path)
    position = 0
    for n, state in enumerate(states):
        try:
            position = flat.index(state, position) + 1
        except ValueError:
            if n == 0 or state not in flat:
                reason = f"'{state}' was never entered"
            else:
                reason = f"'{state}' was not entered after '{states[n - 1]}' (step {position})"
            _fail(execution, f"{what} does not visit {ARROW.join(states)} in this order", [reason])


def assert_visited(execution, state: str, *, times: int | None = None, inside=None) -> None:
    """The state was entered (exactly ``times`` times when given)."""
    __tracebackhide__ = True
    path, what = _scoped_path(execution, inside)
    count = states_entered(path).count(state)
    if times is None and count == 0:
        _fail(execution, f"'{state}' was never entered ({what})")
    if times is not None and count != times:
        _fail(execution, f"'{state}' was entered {_times(count)}, expected {_times(times)} ({what})")


def assert_not_visited(execution, *states: str, inside=None) -> None:
    """None of these states was entered."""
    __tracebackhide__ = True
    path, what = _scoped_path(execution, inside)
    flat = states_entered(path)
    visited = [f"'{s}' (step {flat.index(s) + 1})" for s in states if s in flat]
    if visited:
        _fail(execution, f"expected never to enter {', '.join(repr(s) for s in states)} ({what})",
              [f"entered: {', '.join(visited)}"])


def _times(n: int) -> str:
    return "once" if n == 1 else f"{n} times"


# -- service calls --------------------------------------------------------------------------------

def _matches(call: dict, target: str) -> bool:
    if target in (call["state"], call["resource"]):
        return True
    resource = call["resource"]
    if ":function:" in resource:
        return lambda_function_name(resource) == target
    parameters = call.get("parameters")
    if ":lambda:invoke" in resource and isinstance(parameters, dict) and \
            isinstance(parameters.get("FunctionName"), str):
        return lambda_function_name(parameters["FunctionName"]) == target
    return False


def calls_to(execution, target: str) -> list[dict]:
    """The calls (``execution.calls`` entries) to a state name, resource ARN or Lambda function."""
    return [call for call in execution.calls if _matches(call, target)]


def _nth_call(execution, target: str, call: int) -> dict:
    __tracebackhide__ = True
    found = calls_to(execution, target)
    if not -len(found) <= call < len(found):
        _fail(execution, f"expected a call number {call} to '{target}' (counted from 0), "
                         f"there were {len(found)}")
    return found[call]


def assert_called(execution, target: str, *, times: int | None = None) -> None:
    """The target was called (exactly ``times`` times when given; retries count)."""
    __tracebackhide__ = True
    count = len(calls_to(execution, target))
    if times is None and count == 0:
        _fail(execution, f"expected a call to '{target}', there was none")
    if times is not None and count != times:
        _fail(execution, f"expected '{target}' to be called {_times(times)}, it was called {_times(count)}")


def assert_not_called(execution, *targets: str) -> None:
    __tracebackhide__ = True
    called = [f"'{t}' ({_times(len(calls_to(execution, t)))})" for t in targets if calls_to(execution, t)]
    if called:
        _fail(execution, f"expected no call to {', '.join(repr(t) for t in targets)}",
              [f"called: {', '.join(called)}"])


def assert_called_with(execution, target: str, parameters: Any, *, call: int | None = None) -> None:
    """Some call to the target (or call number ``call``, from 0) had parameters containing these."""
    __tracebackhide__ = True
    candidates = calls_to(execution, target) if call is None else [_nth_call(execution, target, call)]
    if not candidates:
        _fail(execution, f"expected a call to '{target}', there was none")
    if any(not _subset_differences(parameters, c.get("parameters")) for c in candidates):
        return
    details = [f"expected parameters containing: {_short(_json(parameters), 200)}"]
    for c in candidates[:5]:
        details.append(f"call at {_offset(c['time'], execution.start_ms)} differs:")
        details.extend("  " + line for line in _subset_differences(parameters, c.get("parameters")))
    which = "no call" if call is None else f"call {call}"
    _fail(execution, f"{which} to '{target}' has the expected parameters", details)


def assert_calls(execution, expected: list[str]) -> None:
    """The calls made were exactly these, in this order (each a state name, ARN or function)."""
    __tracebackhide__ = True
    actual = execution.calls
    if len(actual) == len(expected) and all(_matches(c, t) for c, t in zip(actual, expected)):
        return
    _fail(execution, "the calls are not as expected",
          [f"expected: {', '.join(expected) or '(none)'}",
           f"actual:   {', '.join(c['state'] for c in actual) or '(none)'}"])


def assert_calls_in_order(execution, *targets: str) -> None:
    """Calls to these targets happened in this order, other calls possibly in between."""
    __tracebackhide__ = True
    calls = execution.calls
    position = 0
    for n, target in enumerate(targets):
        index = next((i for i in range(position, len(calls)) if _matches(calls[i], target)), None)
        if index is None:
            reason = (f"'{target}' was never called" if not calls_to(execution, target) else
                      f"'{target}' was not called after '{targets[n - 1]}'")
            _fail(execution, f"the calls do not happen in the order {', '.join(targets)}", [reason])
        position = index + 1


def assert_call_time(execution, target: str, at, *, call: int = 0) -> None:
    """Call number ``call`` (from 0) to the target happened at this virtual time: an ISO-8601
    string or a datetime, or seconds (a number or a timedelta) after the execution started."""
    __tracebackhide__ = True
    found = _nth_call(execution, target, call)
    expected_ms = _time_ms(at, execution.start_ms)
    if found["time"] != expected_ms:
        _fail(execution, f"call {call} to '{target}' happened at {iso_ms(found['time'])} "
                         f"({_offset(found['time'], execution.start_ms)}), expected {iso_ms(expected_ms)} "
                         f"({_offset(expected_ms, execution.start_ms)})")


def _time_ms(at, start_ms: int) -> int:
    if isinstance(at, timedelta):
        return start_ms + round(at.total_seconds() * 1000)
    if isinstance(at, (int, float)) and not isinstance(at, bool):
        return start_ms + round(at * 1000)
    if isinstance(at, datetime):
        return epoch_ms(at if at.tzinfo else at.replace(tzinfo=timezone.utc))
    if isinstance(at, str) and parse_timestamp(at) is not None:
        return epoch_ms(parse_timestamp(at))
    raise ValueError(f"at must be an ISO-8601 string, a datetime, or seconds (a number or a "
                     f"timedelta) after the start, not {at!r}")


# -- variables ------------------------------------------------------------------------------------

def assert_variables(execution, expected: dict) -> None:
    """The workflow variables at the end are exactly these."""
    __tracebackhide__ = True
    if not _same(expected, execution.variables):
        _fail(execution, "the variables are not as expected",
              ["-expected +actual:", *_diff(expected, execution.variables)[2:]])


def assert_variable(execution, name: str, value: Any) -> None:
    """The workflow variable ``$name`` holds this value at the end."""
    __tracebackhide__ = True
    variables = execution.variables
    if name not in variables:
        _fail(execution, f"variable ${name} was never assigned",
              [f"variables: {', '.join('$' + n for n in variables) or '(none)'}"])
    if not _same(value, variables[name]):
        _fail(execution, f"variable ${name} is {_short(_json(variables[name]), 200)}, "
                         f"expected {_short(_json(value), 200)}")


# -- the fluent form ------------------------------------------------------------------------------

def _chained(check, *, scoped: bool = False):
    """A method of Expect that runs ``check`` on the wrapped execution and returns the wrapper."""
    def method(self, *args, **kwargs):
        __tracebackhide__ = True
        if scoped:
            kwargs.setdefault("inside", self._inside)
        check(self.execution, *args, **kwargs)
        return self
    method.__name__ = check.__name__.removeprefix("assert_")
    method.__doc__ = check.__doc__
    return method


class Expect:
    """``expect(execution).succeeded().visited_in_order("A", "B").called("C", times=2)``:
    each method runs the ``assert_*`` function of the same name and returns the wrapper, so
    checks chain; ``inside(state, n)`` scopes the path checks that follow it."""

    def __init__(self, execution, inside=None):
        self.execution = execution
        self._inside = inside

    def inside(self, state: str, index: int) -> "Expect":
        """Path checks that follow look at branch/iteration ``index`` of ``state`` only."""
        return Expect(self.execution, (state, index))

    status = _chained(assert_status)
    succeeded = _chained(assert_succeeded)
    failed = _chained(assert_failed)
    error = _chained(assert_error)
    cause = _chained(assert_cause)
    output = _chained(assert_output)
    output_contains = _chained(assert_output_contains)
    path = _chained(assert_path, scoped=True)
    path_starts_with = _chained(assert_path_starts_with, scoped=True)
    visited_in_order = _chained(assert_visited_in_order, scoped=True)
    visited = _chained(assert_visited, scoped=True)
    not_visited = _chained(assert_not_visited, scoped=True)
    called = _chained(assert_called)
    called_with = _chained(assert_called_with)
    not_called = _chained(assert_not_called)
    calls = _chained(assert_calls)
    calls_in_order = _chained(assert_calls_in_order)
    call_time = _chained(assert_call_time)
    variables = _chained(assert_variables)
    variable = _chained(assert_variable)


def expect(execution) -> Expect:
    """Chainable checks on an execution; see ``Expect``."""
    return Expect(execution)
