"""Sizes: a definition over CreateStateMachine's 1 MiB (ASL702, an error: the rule is
definition/acceptance.py's, which ``aslsim.load`` applies too), and payload templates that are
constant and already over Step Functions' 256 KiB payload limit (ASL701): every execution that
reaches the state fails with States.DataLimitExceeded, a warning since AWS accepts the definition.
"""
from __future__ import annotations

import json

from ...definition.acceptance import size_problem
from ...definition.limits import PAYLOAD_BYTES
from ...query.templates import is_expression
from ..tree import JSONATA, Tree, walk_strings

LIMIT = PAYLOAD_BYTES
_FIELDS = ("Result", "Parameters", "Arguments", "ItemSelector", "ResultSelector", "Output")


def _constant(value, language: str) -> bool:
    if language == JSONATA:
        return not any(is_expression(text) for _, text in walk_strings(value, ""))
    return not _has_dynamic_key(value)


def _has_dynamic_key(value) -> bool:
    if isinstance(value, dict):
        return any(k.endswith(".$") or _has_dynamic_key(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_dynamic_key(v) for v in value)
    return False


def check(tree: Tree, out) -> None:
    problem = size_problem(tree.root.source)
    if problem:
        out.add("ASL702", "", problem)
    for state in tree.states:
        if not isinstance(state.body, dict):
            continue
        for key in _FIELDS:
            if key not in state.body:
                continue
            value = state.body[key]
            if key != "Result" and not _constant(value, state.language):
                continue
            size = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())
            if size > LIMIT:
                out.add("ASL701", state.at(key), f"this constant {key} is {size} bytes, over the "
                        f"{LIMIT}-byte (256 KiB) payload limit: every execution reaching the state "
                        "fails with States.DataLimitExceeded", state=state.name,
                        hint="keep large data in S3 and pass its location")
