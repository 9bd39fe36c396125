"""The execution report: one self-contained HTML page showing where an execution went.

The page is the machine's graph (render.svg) with the path taken drawn over it, a header with
the execution's status, error and cause, a timeline of virtual time per state visit, and a side
panel showing a clicked state's input, output, variables and service calls. Everything is read
from the finished ``Execution`` (its typed events, calls and trace), embedded as JSON, and
drawn by a little vanilla JavaScript: no network, no CDN.
"""
from __future__ import annotations

import html
import json
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ..engine.events import Event
from ..engine.paths import states_entered

# Only so many visits of one state keep their payloads (a Map of 10,000 items visits its inner
# states 10,000 times): the first and the last ones, where a failure usually is.
VISITS_KEPT_EACH_END = 10
# The timeline draws one bar per visit up to this many; the rest are counted, not drawn.
TIMELINE_BARS = 400

_ENDS = ("ExecutionFailed", "ExecutionTimedOut", "ExecutionAborted")
# Events that end one attempt of a Task in failure (Task*, LambdaFunction*, Activity*).
_ATTEMPT_FAILED = ("Failed", "TimedOut", "StartFailed", "SubmitFailed", "ScheduleFailed")
_SCHEDULED = ("TaskScheduled", "LambdaFunctionScheduled", "ActivityScheduled")


@dataclass(eq=False)   # visits are told apart by identity: two may hold the same values
class Visit:
    """One entry into a state, from its ...StateEntered event to its ...StateExited (if any)."""
    state: str
    type: str                        # the state's type as the event names it: Task, Map, ...
    entered_id: int
    start_ms: int
    end_ms: int
    input: Any = None
    output: Any = None
    exited: bool = False
    assigned: dict = field(default_factory=dict)
    attempts: int = 0                # service calls scheduled during this visit
    failed: bool = False             # the last attempt failed (a Map/Parallel: the state failed)
    aborted: bool = False            # stopped because a sibling branch or iteration failed
    error: str | None = None         # the last failed attempt's error and cause
    cause: str | None = None
    status: str = "open"             # succeeded | caught | failed | aborted | open
    parent: "Visit | None" = None    # the Parallel or Map visit this one runs inside
    lane: "Visit | None" = None      # the first visit of its branch or iteration

    def to_json(self, origin_ms: int) -> dict:
        return {"state": self.state, "type": self.type, "start": self.start_ms - origin_ms,
                "duration": self.end_ms - self.start_ms, "status": self.status,
                "input": self.input, "output": self.output, "exited": self.exited,
                "variables": self.assigned, "attempts": self.attempts, "error": self.error,
                "cause": self.cause}


# -- from the typed events to visits -----------------------------------------------------------------

def read_visits(events: list[Event]) -> tuple[list[Visit], dict[int, Visit]]:
    """Every state visit in history order, and the visit each event belongs to (by event id).

    An event belongs to the visit its previousEventId chain leads back to, so concurrent Map
    iterations and Parallel branches keep their own attempts apart. An Exited event closes the
    nearest open visit of its state up its chain (a Parallel's Exited follows its branches').
    """
    by_id = {e.id: e for e in events}
    visits: list[Visit] = []
    owner: dict[int, Visit] = {}
    for event in events:
        kind, details = event.type, event.details or {}
        if kind.endswith("StateEntered"):
            visit = Visit(details.get("name", "?"), kind[:-len("StateEntered")], event.id,
                          event.time_ms, event.time_ms, input=details.get("input"))
            _place(visit, owner.get(event.previous_id))
            visits.append(visit)
            owner[event.id] = visit
            continue
        if kind.endswith("StateExited"):
            visit = _open_visit_up_chain(event, details.get("name"), by_id, owner)
            if visit is not None:
                visit.exited, visit.end_ms = True, event.time_ms
                visit.output = details.get("output")
                visit.assigned = dict(details.get("assignedVariables") or {})
                owner[event.id] = visit
            continue
        if kind.startswith(("Map", "Parallel")):
            # a Map's or Parallel's own events follow its last inner event: find it by type
            state_type = "Map" if kind.startswith("Map") else "Parallel"
            visit = _open_visit_up_chain(event, None, by_id, owner, kind=state_type)
        else:
            visit = owner.get(event.previous_id)
        if visit is None or visit.exited:
            continue   # execution events, events after an inner state's Exited
        owner[event.id] = visit
        visit.end_ms = max(visit.end_ms, event.time_ms)
        if kind in _SCHEDULED:
            visit.attempts += 1
            visit.failed = False       # a retry: the earlier attempt's error stays on show
        elif kind.endswith(_ATTEMPT_FAILED) and not kind.startswith("MapIteration"):
            visit.failed = True
            visit.error, visit.cause = details.get("error"), details.get("cause")
        elif kind.endswith("Succeeded") and not kind.startswith("MapIteration"):
            visit.failed, visit.error, visit.cause = False, None, None
        elif kind.endswith("Aborted") and not kind.startswith("MapIteration"):
            visit.aborted = True
    return visits, owner


def _place(visit: Visit, before: Visit | None) -> None:
    # The first state of a branch or iteration follows its open Parallel's or Map's own event
    # (ParallelStateStarted, MapIterationStarted); any other follows its sibling's last event.
    if before is not None and not before.exited and before.type in ("Map", "Parallel"):
        visit.parent, visit.lane = before, visit
    elif before is not None:
        visit.parent, visit.lane = before.parent, before.lane
    else:
        visit.lane = visit


def _tree_order(visits: list[Visit]) -> list[tuple[Visit, int]]:
    """The visits as a tree, each with its depth: a Parallel's or Map's inner visits right
    after it, grouped by branch or iteration (concurrent ones interleave in the history)."""
    inner: dict[Visit | None, list[Visit]] = {}
    for visit in visits:
        inner.setdefault(visit.parent, []).append(visit)
    ordered: list[tuple[Visit, int]] = []
    stack = [(visit, 0) for visit in reversed(inner.get(None, []))]
    while stack:
        visit, depth = stack.pop()
        ordered.append((visit, depth))
        below = sorted(inner.get(visit, []), key=lambda v: (v.lane.entered_id, v.entered_id))
        stack.extend((child, depth + 1) for child in reversed(below))
    return ordered


def _open_visit_up_chain(event: Event, name: str | None, by_id: dict, owner: dict,
                         kind: str | None = None) -> Visit | None:
    """The nearest visit up ``event``'s chain that is still open, of state ``name`` (or of
    state type ``kind``)."""
    seen = set()
    previous = event.previous_id
    while previous and previous not in seen:
        seen.add(previous)
        visit = owner.get(previous)
        if visit is not None and not visit.exited and (visit.state == name if kind is None
                                                       else visit.type == kind):
            return visit
        previous = _previous(by_id, previous)
    return None


def _previous(by_id: dict, event_id: int) -> int:
    event = by_id.get(event_id)
    return event.previous_id if event is not None else 0


def _failure_chain(events: list[Event], by_id: dict, owner: dict) -> list[Visit]:
    """The visits still open on the chain that ends the execution, innermost first."""
    end = next((e for e in reversed(events) if e.type in _ENDS), None)
    chain: list[Visit] = []
    previous = end.previous_id if end else None
    seen = set()
    while previous and previous not in seen:
        seen.add(previous)
        visit = owner.get(previous)
        if visit is not None and not visit.exited and visit not in chain:
            chain.append(visit)
        previous = _previous(by_id, previous)
    # a Parallel's or Map's own events come first on the chain; its inner states were entered later
    return sorted(chain, key=lambda visit: -visit.entered_id)


# -- what the page shows -----------------------------------------------------------------------------

def summarise(execution) -> dict:
    """The report's data, JSON-ready: execution, per-state summaries, timeline, edges taken."""
    events = execution.events
    origin = execution.start_ms
    visits, failed = judge_visits(execution)
    states = _state_entries(visits, origin)
    _count_retries_from_trace(execution, states)
    _count_map_iterations(execution, events, states)
    for run in getattr(execution, "map_runs", None) or ():
        _add_child_states(run, states, origin)
    for call in execution.calls:
        if call.get("state") in states:
            states[call["state"]]["calls"].append(_call_json(call, origin))
    for entry in states.values():
        entry["omitted"] = max(len(entry["runs"]) - 2 * VISITS_KEPT_EACH_END, 0)
        entry["runs"] = _first_and_last(entry["runs"])
        entry["callsOmitted"] = max(len(entry["calls"]) - 2 * VISITS_KEPT_EACH_END, 0)
        entry["calls"] = _first_and_last(entry["calls"])

    timeline = [{"state": v.state, "start": v.start_ms - origin, "duration": v.end_ms - v.start_ms,
                 "status": v.status, "depth": depth}
                for v, depth in _tree_order(visits)[:TIMELINE_BARS]]
    return {
        "execution": {"name": execution.name, "arn": execution.execution_arn,
                      "status": execution.status, "error": execution.error,
                      "cause": execution.cause, "startDate": execution.start_date,
                      "stopDate": execution.stop_date, "duration": execution.stop_ms - origin,
                      "input": execution.input, "output": execution.output,
                      "variables": execution.variables},
        "failedState": failed[0].state if failed else None,
        "states": states,
        "timeline": timeline,
        "timelineOmitted": max(len(visits) - TIMELINE_BARS, 0),
        "edges": edges_taken(execution) + _fail_state_end(failed),
    }


def judge_visits(execution) -> tuple[list[Visit], list[Visit]]:
    """The visits of ``execution`` (or of a Distributed Map's child) with their final status,
    and the visits on the chain that failed it, innermost first."""
    events = execution.events
    visits, owner = read_visits(events)
    failed = _failure_chain(events, {e.id: e for e in events}, owner) \
        if execution.status != "SUCCEEDED" else []
    for visit in visits:
        if visit in failed:
            visit.status, visit.end_ms = "failed", max(visit.end_ms, execution.stop_ms)
        elif visit.exited:
            visit.status = "caught" if visit.failed else "succeeded"
        elif visit.failed:
            visit.status = "failed"    # inside a Parallel or Map whose failure was caught
        elif visit.aborted:
            visit.status = "aborted"
    if failed and failed[0].error is None:
        failed[0].error, failed[0].cause = execution.error, execution.cause
    return visits, failed


def _state_entries(visits: list[Visit], origin: int) -> dict[str, dict]:
    """Per state: its visits (each with payloads), virtual time, retries and the worst outcome."""
    states: dict[str, dict] = {}
    for visit in visits:
        entry = states.setdefault(visit.state, {"type": visit.type, "visits": 0, "time": 0,
                                                "retries": 0, "status": "aborted", "calls": [],
                                                "runs": []})
        entry["visits"] += 1
        entry["time"] += visit.end_ms - visit.start_ms
        entry["retries"] += max(visit.attempts - 1, 0)
        entry["runs"].append({"index": entry["visits"], **visit.to_json(origin)})
        # the worst outcome shows; a state only ever stopped by a failing sibling branch or
        # iteration is drawn aborted (grey), one that also ran to its end visited
        if visit.status == "failed" or (visit.status == "caught" and entry["status"] != "failed"):
            entry["status"] = visit.status
        elif visit.status != "aborted" and entry["status"] == "aborted":
            entry["status"] = "visited"
    return states


def _first_and_last(items: list) -> list:
    if len(items) <= 2 * VISITS_KEPT_EACH_END:
        return items
    return items[:VISITS_KEPT_EACH_END] + items[-VISITS_KEPT_EACH_END:]


def _fail_state_end(failed: list[Visit]) -> list[list[str]]:
    # A Fail state ends the execution along its edge to End; a failing Task does not take its own.
    return [[failed[0].state, ""]] if failed and failed[0].type == "Fail" else []


def _count_retries_from_trace(execution, states: dict) -> None:
    # The trace records every retry, Parallel and Map retries too, which schedule no Task.
    counted: dict[str, int] = {}
    for kind, state, _ in getattr(execution, "trace", ()):
        if kind == "retry":
            counted[state] = counted.get(state, 0) + 1
    for state, retries in counted.items():
        if state in states:
            states[state]["retries"] = max(states[state]["retries"], retries)


def _count_map_iterations(execution, events: list[Event], states: dict) -> None:
    for event in events:
        kind = event.type
        if kind.startswith("MapIteration") and kind != "MapIterationStarted":
            name = (event.details or {}).get("name")
            if name in states:
                counts = states[name].setdefault("map", {"succeeded": 0, "failed": 0, "aborted": 0})
                outcome = kind[len("MapIteration"):].lower()
                counts[outcome] = counts.get(outcome, 0) + 1
    # A Distributed Map records no iteration events: its Map Runs count the items by how their
    # child execution ended (DescribeMapRun's itemCounts), summed over the state's runs.
    for run in getattr(execution, "map_runs", None) or ():
        name = getattr(run, "state_name", None)
        if name not in states:
            continue
        counts = states[name].setdefault("map", {"succeeded": 0, "failed": 0, "aborted": 0})
        items = run.item_counts()
        counts["succeeded"] += items["succeeded"]
        counts["failed"] += items["failed"] + items["timedOut"]
        counts["aborted"] += items["aborted"]


# -- a Distributed Map's child executions ----------------------------------------------------------

# A Distributed Map may start 100,000 children: their states are counted from the children's
# paths (shared by children that took the same way), and only these few have their histories
# read for the panel: the first failed and succeeded ones, and the first visitor of each state.
CHILDREN_SAMPLED_FAILED = 3
CHILDREN_SAMPLED_SUCCEEDED = 3
_CHILD_OUTCOME = {"SUCCEEDED": "succeeded", "FAILED": "failed", "TIMED_OUT": "failed",
                  "ABORTED": "aborted", "RUNNING": "aborted"}


def _path_counts(path: list) -> tuple[dict[str, int], str | None]:
    """Visits per state in a child's path, and the state entered last (where it stopped)."""
    visits: dict[str, int] = {}
    last = None
    for name in states_entered(path):
        visits[name] = visits.get(name, 0) + 1
        last = name
    return visits, last


def _add_child_states(run, states: dict, origin: int) -> None:
    """The states of a Distributed Map's ItemProcessor, as its child executions visited them:
    per state, the children that went through it (✓), failed in it (✗) or were stopped in it."""
    children = [child for child in run.children if child is not None and child.status != "RUNNING"]
    by_path: dict[int, tuple] = {}
    counted: dict[str, dict] = {}
    first_visitor: dict[str, Any] = {}
    for child in children:
        visits, last = by_path.setdefault(id(child.path), _path_counts(child.path))
        outcome = _CHILD_OUTCOME[child.status]
        for name, times in visits.items():
            counts = counted.setdefault(name, {"visits": 0, "succeeded": 0, "failed": 0, "aborted": 0})
            counts["visits"] += times
            # a child that failed or was stopped did so in the state it entered last (a Parallel
            # inside a child may have entered a sibling since: the sampled histories say exactly)
            counts[outcome if name == last else "succeeded"] += 1
            first_visitor.setdefault(name, child)
    failed = [c for c in children if c.status != "SUCCEEDED"][:CHILDREN_SAMPLED_FAILED]
    succeeded = [c for c in children if c.status == "SUCCEEDED"][:CHILDREN_SAMPLED_SUCCEEDED]
    sampled = {child.index: child for child in failed + succeeded + list(first_visitor.values())}
    runs: dict[str, list] = {}
    kinds: dict[str, str] = {}
    for index in sorted(sampled):
        child = sampled[index]
        visits, _ = judge_visits(child)
        for visit in visits:
            kinds.setdefault(visit.state, visit.type)
            runs.setdefault(visit.state, []).append(
                {"child": {"index": child.index, "name": child.name, "status": child.status},
                 **visit.to_json(origin)})
    for name, counts in counted.items():
        entry = states.setdefault(name, {"type": kinds.get(name, "?"), "visits": 0, "time": 0,
                                         "retries": 0, "status": "visited", "calls": [], "runs": []})
        entry["visits"] += counts["visits"]
        children_counts = entry.setdefault("children", {"mapState": run.state_name, "succeeded": 0,
                                                        "failed": 0, "aborted": 0, "sampled": 0})
        for key in ("succeeded", "failed", "aborted"):
            children_counts[key] += counts[key]
        entry["runs"] += runs.get(name, [])
        children_counts["sampled"] = len(entry["runs"])
        if children_counts["failed"]:
            entry["status"] = "failed"
    for entry in states.values():
        for number, sample in enumerate(entry["runs"], 1):
            sample.setdefault("index", number)


def _call_json(call: dict, origin: int) -> dict:
    out = {"resource": call.get("resource"), "parameters": call.get("parameters"),
           "start": call.get("time", origin) - origin}
    if "time_done" in call:
        out["duration"] = call["time_done"] - call.get("time", call["time_done"])
    if "error" in call:
        out["error"], out["cause"] = call["error"], call.get("cause")
    else:
        out["result"] = call.get("result")
    return out


def edges_taken(execution) -> list[list[str]]:
    """[from, to] of every transition taken, once each, as render.graph_model names edges:
    "" -> StartAt, a Parallel/Map -> its branch's first state, state -> itself for a retry,
    a state -> "" where it ended the execution."""
    taken: list[list[str]] = []
    seen = set()

    def add(pair):
        if pair not in seen:
            seen.add(pair)
            taken.append(list(pair))

    def walk(sequence, parent):
        # the path: states in order; a list after a state holds its branches or iterations
        if sequence and isinstance(sequence[0], str):
            add((parent, sequence[0]))
        current = parent
        for item in sequence:
            if isinstance(item, str):
                current = item
            else:
                for inner in item:
                    walk(inner, current)
    walk(execution.path, "")
    for kind, source, target in getattr(execution, "trace", ()):
        if kind == "transition":
            add((source, target or ""))
        elif kind == "retry":
            add((source, source))
    return taken


def overlay(summary: dict, model=None) -> dict:
    """The graph overlay (render.svg's contract): a css class and a badge per state, and the
    edges taken; with the graph ``model``, what was not taken is marked ``unvisited``."""
    drawn: dict[Any, Any] = {}
    for name, entry in summary["states"].items():
        drawn[name] = {"css": entry["status"], "badge": badge(entry)}
    edges = {tuple(pair): "visited" for pair in summary["edges"]}
    if model is not None:
        for name in model.nodes:
            drawn.setdefault(name, {"css": "unvisited"})
        for edge in model.edges:
            edges.setdefault((edge.source, edge.target), "unvisited")
    drawn["edges"] = edges
    return drawn


def badge(entry: dict) -> str:
    """A state's small label: visits, retries, Map iterations (e.g. "×3 ↻2", "5✓ 1✗"), or for a
    Distributed Map's inner state the child executions through it ("✓ 3 ✗ 1")."""
    parts = []
    children = entry.get("children")
    if children:
        # a Distributed Map's inner state: how many child executions went through it
        return " ".join([f"✓ {children['succeeded']}", f"✗ {children['failed']}"]
                        + ([f"⊘ {children['aborted']}"] if children["aborted"] else []))
    if entry["visits"] > 1 and "map" not in entry:
        parts.append(f"×{entry['visits']}")
    if entry["retries"]:
        parts.append(f"↻{entry['retries']}")
    counts = entry.get("map")
    if counts:
        parts.append(f"{counts['succeeded']}✓ {counts['failed']}✗"
                     + (f" {counts['aborted']}⊘" if counts.get("aborted") else ""))
    return " ".join(parts)


# -- the page ---------------------------------------------------------------------------------------

def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("report_assets", name).read_text(encoding="utf-8")


def embed_json(value: Any) -> str:
    """JSON safe inside a <script> element: no "</script>", no "<!--" (every "<" escaped)."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def render_html(execution, machine) -> str:
    """The report page of ``execution`` of ``machine`` as one HTML string."""
    from . import graph_model, svg
    summary = summarise(execution)
    model = graph_model.build(machine)
    graph = svg.render(model, overlay=overlay(summary, model))
    info = summary["execution"]
    status = info["status"]
    error_lines = ""
    if status != "SUCCEEDED":
        error_lines = (f'<div class="error"><span class="label">Error</span> '
                       f'<code id="error">{html.escape(str(info["error"]))}</code></div>')
        if info["cause"]:
            error_lines += (f'<div class="cause"><span class="label">Cause</span> '
                            f'<code id="cause">{html.escape(str(info["cause"]))}</code></div>')
        if summary["failedState"]:
            error_lines += (f'<div class="failed-state"><span class="label">Failed in</span> '
                            f'<a href="#" data-select="{html.escape(summary["failedState"])}">'
                            f'{html.escape(summary["failedState"])}</a></div>')
    title = f"{machine.name} · {info['name']} · {status}"
    return _asset("report.html").format(
        title=html.escape(title), machine=html.escape(str(machine.name)),
        name=html.escape(str(info["name"])), status=html.escape(status),
        status_class=html.escape(status.lower()), errors=error_lines,
        start=html.escape(info["startDate"]), duration=html.escape(format_ms(info["duration"])),
        css=_asset("report.css"), js=_asset("report.js"), svg=graph, data=embed_json(summary))


def format_ms(ms: int) -> str:
    """Virtual time for people: 850 ms, 38.5 s, 2 min 5 s, 3 h 20 min, 2 d 4 h."""
    if ms < 1000:
        return f"{ms} ms"
    if ms < 60_000:
        return f"{ms / 1000:g} s"
    seconds = ms // 1000
    for unit, size, sub, sub_size in (("d", 86400, "h", 3600), ("h", 3600, "min", 60),
                                      ("min", 60, "s", 1)):
        if seconds >= size:
            rest = (seconds % size) // sub_size
            return f"{seconds // size} {unit}" + (f" {rest} {sub}" if rest else "")
    return f"{seconds} s"


def write_report(execution, path: str | os.PathLike, machine=None) -> Path:
    """Write the report of ``execution`` to ``path`` (its folders made); returns the path."""
    machine = machine if machine is not None else getattr(execution, "machine", None)
    if machine is None:
        raise ValueError("this execution does not know its state machine: pass machine=")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # a lone surrogate (States.StringToJson can make one) is written as its \ud800 escape,
    # which the page's JSON and HTML read back as the same text
    path.write_text(render_html(execution, machine), encoding="utf-8", errors="backslashreplace")
    return path
