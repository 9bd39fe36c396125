"""What CreateStateMachine refuses beyond the fields of each state, written once: ``parse``
raises on the first violation, ``aslsim validate`` reports every one (with its own code and
position). Each rule reads the raw definition, so both callers see the same thing.
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterator

from .limits import DEFINITION_BYTES

# arn:partition:service:region:account:resource (region and account may be empty)
PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f",
              "aws-eusc")
ARN = re.compile(r"^arn:(" + "|".join(re.escape(p) for p in PARTITIONS)
                 + r"):[a-z0-9-]+:[^:]*:[^:]*:.+$")
_TERMINAL_TYPES = ("Succeed", "Fail")


def definition_size(definition: Any) -> int:
    """The definition's size as CreateStateMachine counts it: its JSON text, in UTF-8 bytes."""
    return len(json.dumps(definition, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def size_problem(definition: Any) -> str | None:
    size = definition_size(definition)
    if size <= DEFINITION_BYTES:
        return None
    return (f"the definition is {size} bytes, over the {DEFINITION_BYTES}-byte (1 MiB) limit of "
            "CreateStateMachine")


def arn_problem(arn: str) -> str | None:
    """Why AWS refuses ``arn`` as a Resource, or None (the partition must be one AWS has)."""
    if ARN.match(arn):
        return None
    return f"Resource '{arn}' is not a valid ARN"


def transitions(body: Any) -> Iterator[tuple[tuple, str]]:
    """(path of the field, target) for every transition a raw state declares: ("Next",),
    ("Choices", i, "Next"), ("Default",), ("Catch", i, "Next")."""
    if not isinstance(body, dict):
        return
    if isinstance(body.get("Next"), str):
        yield ("Next",), body["Next"]
    if body.get("Type") == "Choice":
        choices = body.get("Choices")
        for i, rule in enumerate(choices if isinstance(choices, list) else []):
            if isinstance(rule, dict) and isinstance(rule.get("Next"), str):
                yield ("Choices", i, "Next"), rule["Next"]
        if isinstance(body.get("Default"), str):
            yield ("Default",), body["Default"]
    catchers = body.get("Catch")
    for i, catcher in enumerate(catchers if isinstance(catchers, list) else []):
        if isinstance(catcher, dict) and isinstance(catcher.get("Next"), str):
            yield ("Catch", i, "Next"), catcher["Next"]


def field_label(path: tuple) -> str:
    """("Choices", 0, "Next") as users write fields: "Choices[0].Next"."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def is_terminal(body: Any) -> bool:
    return isinstance(body, dict) and (body.get("Type") in _TERMINAL_TYPES or (
        body.get("End") is True and body.get("Type") != "Choice"))


def unnamed_states(states: dict, start: Any) -> list[str]:
    """States of one States object that neither StartAt nor any transition of that object names:
    AWS refuses them (MISSING_TRANSITION_TARGET: State "X" is not reachable.)."""
    named = {start} | {target for body in states.values() for _, target in transitions(body)}
    return [name for name in states if name not in named]


def has_terminal(states: dict) -> bool:
    return any(is_terminal(body) for body in states.values())


def unreachable_message(name: str) -> str:
    return f'State "{name}" is not reachable: no transition leads to it'


def no_terminal_message(where: str) -> str:
    return (f"{where} has no terminal state: no state has \"End\": true and there is no Succeed "
            "or Fail state")


def credentials_problem(value: Any) -> str | None:
    return None if isinstance(value, dict) else "Credentials must be an object"


MAX_VARIABLE_NAME = 80


def variable_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a variable, or None. The developer guide (workflow-variables.md,
    "Variable name syntax"): Unicode identifiers (UAX #31: an ID_Start character, then
    ID_Continue characters), at most 80 characters; ``states`` is reserved for ``$states``."""
    if name == "states":
        return "'states' is reserved for $states and cannot be assigned"
    if not name.isidentifier():
        return (f"'{name}' is not a valid variable name: a letter or underscore, then letters, "
                "digits and underscores (Unicode identifier characters)")
    if len(name) > MAX_VARIABLE_NAME:
        return (f"the variable name '{name[:20]}...' is {len(name)} characters long; variable "
                f"names are at most {MAX_VARIABLE_NAME}")
    return None


# Fields of a JSONata state that hold names, not values: never expressions.
NOT_VALUES = frozenset({"Type", "Comment", "Next", "End", "QueryLanguage", "Resource", "Default",
                        "Branches", "ItemProcessor", "Iterator", "Retry", "Choices", "Catch"})
_HAS_RESULT = ("Task", "Parallel", "Map")


def jsonata_fields(body: dict) -> Iterator[tuple[tuple, Any, set]]:
    """(path, value, $states members it may read besides input/context) of every value field of a
    JSONata state: its own fields, its Choice rules' Condition/Output/Assign, its Catchers'
    Output/Assign."""
    kind = body.get("Type")
    result = {"result"} if kind in _HAS_RESULT else set()
    for key, value in body.items():
        if key not in NOT_VALUES:
            yield (key,), value, result if key in ("Output", "Assign") else set()
    choices = body.get("Choices") if kind == "Choice" else None
    for i, rule in enumerate(choices if isinstance(choices, list) else []):
        if isinstance(rule, dict):
            for key in ("Condition", "Output", "Assign"):
                if key in rule:
                    yield ("Choices", i, key), rule[key], set()
    catchers = body.get("Catch")
    for i, catcher in enumerate(catchers if isinstance(catchers, list) else []):
        if isinstance(catcher, dict):
            for key in ("Output", "Assign"):
                if key in catcher:
                    yield ("Catch", i, key), catcher[key], {"errorOutput"}


def strings(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every string inside a JSON value, with its path (keys are not visited)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, sub in value.items():
            yield from strings(sub, path + (key,))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from strings(sub, path + (i,))


def expression_problem(text: str) -> str | None:
    """A string that opens like a JSONata expression must close like one (developer guide,
    "Transforming data with JSONata": an expression is written {% ... %})."""
    if text.startswith("{%") and not (text.endswith("%}") and len(text) >= 4):
        return (f"'{text[:40]}{'...' if len(text) > 40 else ''}' starts like a JSONata "
                "expression but does not end with %}")
    return None


# What to write instead of a field of the other query language, per field (and state type).
_IN_JSONATA = {
    "InputPath": "read the input as $states.input in Arguments or Output",
    "Parameters": "write Arguments (its values may be {% %} expressions)",
    ("Map", "Parameters"): "write ItemSelector (each item is $states.context.Map.Item.Value)",
    ("Pass", "Parameters"): "write Output (its values may be {% %} expressions)",
    "Result": "write Output",
    "ResultSelector": "write Output, reading the result as $states.result",
    "ResultPath": "write Output (combine $states.input and $states.result) or Assign",
    "OutputPath": "write Output",
    "ItemsPath": "write Items: \"{% $states.input.items %}\"",
    "Iterator": "write ItemProcessor",
    "SecondsPath": "write Seconds: \"{% ... %}\"",
    "TimestampPath": "write Timestamp: \"{% ... %}\"",
    "TimeoutSecondsPath": "write TimeoutSeconds: \"{% ... %}\"",
    "HeartbeatSecondsPath": "write HeartbeatSeconds: \"{% ... %}\"",
    "MaxConcurrencyPath": "write MaxConcurrency: \"{% ... %}\"",
    "ToleratedFailureCountPath": "write ToleratedFailureCount: \"{% ... %}\"",
    "ToleratedFailurePercentagePath": "write ToleratedFailurePercentage: \"{% ... %}\"",
    "ErrorPath": "write Error: \"{% ... %}\"",
    "CausePath": "write Cause: \"{% ... %}\"",
}
OTHER_LANGUAGE_FIELDS = frozenset(k if isinstance(k, str) else k[1] for k in _IN_JSONATA)
_IN_JSONPATH = {"Arguments": "Parameters", "Output": "OutputPath (or ResultSelector)",
                "Items": "ItemsPath"}


def other_language_hint(language: str, kind: str, key: str) -> str:
    """What to write instead of ``key``, a field of the other query language, in a ``kind`` state."""
    if language == "JSONata":
        instead = _IN_JSONATA.get((kind, key)) or _IN_JSONATA.get(key, "remove it")
        return f"in a JSONata state, {instead}"
    return (f"set \"QueryLanguage\": \"JSONata\" on the state or the machine, or write "
            f"{_IN_JSONPATH.get(key, 'the JSONPath field')} instead")
