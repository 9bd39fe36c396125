"""Workflow variables: valid names (ASL406), JSONPath reads of variables nobody assigns (ASL404),
and inner scopes assigning an outer scope's variable (ASL405). The rules, and the helpers that
find assigned names and path references, are the loader's (definition/variables.py); here every
occurrence is reported instead of the first.
"""
from __future__ import annotations

import re

from ...definition import acceptance
from ...definition.variables import (NESTED_MACHINE_FIELDS, assigned_names,
                                     collect_jsonpath_references, outer_for_children)
from ..diagnostics import escape
from ..tree import JSONPATH, Scope, State, Tree



def check(tree: Tree, out) -> None:
    assigned: set[str] = set()
    for state in tree.states:
        if isinstance(state.body, dict):
            _names(state, out)
            assigned.update(assigned_by(state))
    _scopes(tree.root, frozenset(), out)
    for state in tree.states:
        if state.language == JSONPATH and isinstance(state.body, dict) and state.kind is not None:
            _references(state, assigned, out)


def _assign_blocks(state: State):
    """(pointer, value) of every Assign the state has: its own, its Choice rules', its catchers'."""
    body = state.body
    if "Assign" in body:
        yield state.at("Assign"), body["Assign"]
    choices = body.get("Choices") if state.kind == "Choice" else None
    for i, rule in enumerate(choices if isinstance(choices, list) else []):
        if isinstance(rule, dict) and "Assign" in rule:
            yield state.at("Choices", i, "Assign"), rule["Assign"]
    catchers = body.get("Catch")
    for i, catcher in enumerate(catchers if isinstance(catchers, list) else []):
        if isinstance(catcher, dict) and "Assign" in catcher:
            yield state.at("Catch", i, "Assign"), catcher["Assign"]


def _names(state: State, out):
    for where, block in _assign_blocks(state):
        if not isinstance(block, dict):
            out.add("ASL103", where, "Assign must be an object of variable names to values",
                    state=state.name)
            continue
        for key in block:
            name = key[:-2] if state.language == JSONPATH and key.endswith(".$") else key
            problem = acceptance.variable_name_problem(name)
            if problem:
                out.add("ASL406", f"{where}/{escape(key)}", problem, state=state.name, at_key=True)


def _scopes(scope: Scope, outer: frozenset, out):
    here: dict[str, tuple] = {}
    for state in scope.states.values():
        names = assigned_by(state)
        for variable, field in names.items():
            if variable in outer:
                tokens = _tokens(field)
                key = variable if variable in _block(state.body, tokens) else variable + ".$"
                out.add("ASL405", state.at(*tokens, key), f"the variable '{variable}' is assigned "
                        "by an enclosing scope; states in a Parallel branch or an inline Map may "
                        "read outer variables but not assign them", state=state.name, at_key=True,
                        hint="return the value in the branch's output and assign it after the "
                             "Parallel or Map state")
        here[state.name] = (set(names), set(assigned_by(state, catchers=False)))
    for child in scope.children:
        inner = outer_for_children(child.owner.name, here, outer)
        _scopes(child, frozenset() if child.distributed else inner, out)


def assigned_by(state: State, *, catchers: bool = True) -> dict[str, str]:
    """The loader's ``assigned_names``, for a body whose Choices and Catch have usable types."""
    body = state.body
    if not isinstance(body, dict) or any(
            not isinstance(body.get(k) or [], list) for k in ("Choices", "Catch")):
        return {}
    return assigned_names(body, catchers=catchers)


def _block(value, tokens) -> dict:
    for token in tokens:
        value = value[int(token)] if isinstance(value, list) else value.get(token, {})
    return value if isinstance(value, dict) else {}


def _references(state: State, assigned: set, out):
    found: list[tuple[str, str, str]] = []
    for key, value in state.body.items():
        if key not in NESTED_MACHINE_FIELDS:
            collect_jsonpath_references(value, state.name, key, found)
    reported = set()
    for name, _, field in found:
        if name in assigned or (name, field) in reported:
            continue
        reported.add((name, field))
        out.add("ASL404", state.at(*_tokens(field)), f"the variable '${name}' is read here but no "
                "state assigns it", state=state.name,
                hint=f"assign {name} in an earlier state's Assign, or fix the name")


def _tokens(field: str) -> list[str]:
    """The loader's field names ("Parameters/a.$", "Choices[0]/Variable") as pointer tokens."""
    tokens = []
    for part in field.split("/"):
        m = re.fullmatch(r"(.*?)((?:\[\d+\])+)", part)
        if m:
            tokens.append(m.group(1))
            tokens.extend(re.findall(r"\d+", m.group(2)))
        else:
            tokens.append(part)
    return [t for t in tokens if t != ""]
