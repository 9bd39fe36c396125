"""JSONata-mode fields: every ``{% %}`` string compiles (ASL401), and ``$states.result`` /
``$states.errorOutput`` appear only where AWS provides them (ASL403).
"""
from __future__ import annotations

from ...definition.variables import check_states_members
from ...errors import DefinitionError
from ...query import jsonata
from ...query.jsonata_template import is_expression
from ..tree import JSONATA, State, Tree, walk_strings

# Fields that hold names, not values: never expressions.
_NOT_VALUES = frozenset({"Type", "Comment", "Next", "End", "QueryLanguage", "Resource", "Default",
                         "Branches", "ItemProcessor", "Iterator", "Retry", "Choices", "Catch"})
_HAS_RESULT = ("Task", "Parallel", "Map")


def check(tree: Tree, out) -> None:
    for state in tree.states:
        if state.language != JSONATA or not isinstance(state.body, dict) or state.kind is None:
            continue
        body = state.body
        result = {"result"} if state.kind in _HAS_RESULT else set()
        for key, value in body.items():
            if key not in _NOT_VALUES:
                _field(state, state.at(key), value, result if key in ("Output", "Assign") else set(), out)
        choices = body.get("Choices") if state.kind == "Choice" else None
        for i, rule in enumerate(choices if isinstance(choices, list) else []):
            if isinstance(rule, dict):
                for key in ("Condition", "Output", "Assign"):
                    if key in rule:
                        _field(state, state.at("Choices", i, key), rule[key], set(), out)
        catchers = body.get("Catch")
        for i, catcher in enumerate(catchers if isinstance(catchers, list) else []):
            if isinstance(catcher, dict):
                for key in ("Output", "Assign"):
                    if key in catcher:
                        _field(state, state.at("Catch", i, key), catcher[key], {"errorOutput"}, out)


def _field(state: State, where: str, value, allowed: set, out):
    for pointer, text in walk_strings(value, where):
        if not is_expression(text):
            continue
        expression = text[2:-2].strip()
        try:
            jsonata.compile_expression(expression)
        except jsonata.JsonataSyntaxError as err:
            out.add("ASL401", pointer, f"JSONata syntax error: {err.code}: {err.message}"
                    + (f" (at character {err.position} of the expression)" if err.position else ""),
                    state=state.name)
            continue
        try:
            check_states_members(expression, state.name, pointer, allowed)
        except DefinitionError as err:
            out.add("ASL403", pointer, err.message, state=state.name)
