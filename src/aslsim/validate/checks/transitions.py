"""Transitions: targets exist in the same scope, every state is reachable, every scope can end,
no state name is used twice, no loop is closed (ASL201-207).

Reachability is a graph search from StartAt per scope (the reference tools only check that a name
is mentioned somewhere). AWS refuses a state no transition names; a state named only by states
that are themselves unreachable is reported as a warning, since AWS's rule there is not recorded.
"""
from __future__ import annotations

import difflib
import re

from ...definition import acceptance
from ..tree import Scope, State, Tree


def edges(state: State):
    """(pointer of the field, target name) for every transition a state declares."""
    for path, target in acceptance.transitions(state.body):
        yield state.at(*path), target


def is_terminal(state: State) -> bool:
    return acceptance.is_terminal(state.body)


def check(tree: Tree, out) -> None:
    owners = _scope_of_names(tree)
    for scope in tree.scopes:
        _targets(scope, owners, out)
        _reachability(scope, out)
        if scope.states and not acceptance.has_terminal(scope.source["States"]):
            out.add("ASL203", scope.at("States"), acceptance.no_terminal_message(_describe(scope)),
                    state=scope.owner.name if scope.owner else None, at_key=True)
    _duplicates(tree, out)


def field_label(relative: str) -> str:
    """A pointer relative to a state as users write fields: "Choices/0/Next" -> "Choices[0].Next"."""
    return re.sub(r"/(\d+)(?=/|$)", r"[\1]", relative).replace("/", ".")


def _describe(scope: Scope) -> str:
    if scope.kind == "machine":
        return "the state machine"
    if scope.kind == "branch":
        return f"branch {scope.pointer.rsplit('/', 1)[-1]} of Parallel state '{scope.owner.name}'"
    return f"the processor of Map state '{scope.owner.name}'"


def _scope_of_names(tree: Tree) -> dict[str, Scope]:
    owners: dict[str, Scope] = {}
    for state in tree.states:
        owners.setdefault(state.name, state.scope)
    return owners


def _targets(scope: Scope, owners: dict[str, Scope], out):
    start = scope.source.get("StartAt")
    if isinstance(start, str) and scope.states and start not in scope.states:
        _missing(scope, scope.at("StartAt"), "StartAt", start, owners, None, out)
    for state in scope.states.values():
        for where, target in edges(state):
            if target not in scope.states:
                _missing(scope, where, field_label(where[len(state.pointer) + 1:]), target,
                         owners, state, out)


def _missing(scope: Scope, where: str, field: str, target: str, owners, state: State | None, out):
    name = state.name if state else (scope.owner.name if scope.owner else None)
    elsewhere = owners.get(target)
    if elsewhere is not None:
        out.add("ASL205", where, f"{field} '{target}' names a state of {_describe(elsewhere)}, not "
                f"of {_describe(scope)}; a transition cannot cross a Parallel branch or Map "
                "processor boundary", state=name,
                hint="end the branch and continue from the Parallel or Map state's Next")
        return
    close = _close_name(target, scope.states)
    out.add("ASL201", where, f"{field} '{target}' does not name a state in "
            f"{'the state machine' if scope.kind == 'machine' else 'the same ' + scope.kind}",
            state=name, hint=f"did you mean '{close}'?" if close else None)


def _close_name(name: str, names) -> str | None:
    close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.8)
    return close[0] if close else None


def _reachability(scope: Scope, out):
    start = scope.source.get("StartAt")
    if not isinstance(start, str) or start not in scope.states:
        return
    graph = {name: [t for _, t in edges(state) if t in scope.states]
             for name, state in scope.states.items()}
    unnamed = set(acceptance.unnamed_states(scope.source["States"], start))
    reached = _reach(graph, start)
    for name, state in scope.states.items():
        if name in reached:
            continue
        if name in unnamed:
            out.add("ASL202", state.pointer, acceptance.unreachable_message(name), state=name,
                    at_key=True, hint="remove it, or add a Next, Default or Catch that goes to it")
        else:
            out.add("ASL202", state.pointer, f"state '{name}' is not reachable: only unreachable "
                    "states lead to it", state=name, at_key=True, severity="warning")
    _closed_loops(scope, graph, reached, out)


def _reach(graph: dict, start: str) -> set:
    seen, todo = {start}, [start]
    while todo:
        for target in graph[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _closed_loops(scope: Scope, graph: dict, reached: set, out):
    """A strongly connected set of reachable states with no edge out and no terminal state."""
    for component in strongly_connected_components({n: targets for n, targets in graph.items() if n in reached}):
        first = component[0]
        if len(component) == 1 and first not in graph[first]:
            continue
        members = set(component)
        leaves = any(t not in members for n in component for t in graph[n])
        if leaves or any(is_terminal(scope.states[n]) for n in component):
            continue
        names = ", ".join(f"'{n}'" for n in component)
        state = scope.states[first]
        out.add("ASL207", state.pointer, f"the states {names} only lead to each other: once "
                "entered, the execution never ends normally", state=first, at_key=True,
                hint="add a Choice rule or Default that leaves the loop")


def strongly_connected_components(graph: dict) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively (machines can be deep)."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            advanced = False
            for target in targets:
                if target not in graph:
                    continue
                if target not in index:
                    index[target] = low[target] = counter
                    counter += 1
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(graph[target])))
                    advanced = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(sorted(component, key=list(graph).index))
    return result


def _duplicates(tree: Tree, out):
    seen: dict[str, State] = {}
    for state in tree.states:
        first = seen.setdefault(state.name, state)
        if first is not state:
            out.add("ASL206", state.pointer, f"the state name '{state.name}' is already used at "
                    f"{first.pointer}; state names must be unique across the whole state machine",
                    state=state.name, at_key=True)
