"""Static check of workflow variables: a JSONPath reference to a variable no state assigns.

AWS refuses such a definition at creation. Only JSONPath-mode references are checked: in JSONata
a ``$name`` may equally be a local binding, a function parameter or a built-in function.
"""
from __future__ import annotations

import re

from ..errors import DefinitionError

_REFERENCE = re.compile(r"(?<![\w$])\$([A-Za-z_][A-Za-z0-9_]*)")
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'")
_PATH_FIELDS = {"InputPath", "OutputPath", "ItemsPath", "SecondsPath", "TimestampPath",
                "TimeoutSecondsPath", "HeartbeatSecondsPath", "ErrorPath", "CausePath",
                "MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath",
                "Variable"}


def check_variable_references(definition: dict):
    assigned: set[str] = set()
    references: list[tuple[str, str, str]] = []   # (variable, state, field)
    _walk_states(definition, "JSONPath", assigned, references)
    for name, state, field in references:
        if name not in assigned:
            raise DefinitionError(f"the variable '${name}' is referenced but no state assigns it",
                                  state=state, field=field)


def _walk_states(container: dict, language: str, assigned: set, references: list):
    language = container.get("QueryLanguage", language)
    for name, body in (container.get("States") or {}).items():
        if not isinstance(body, dict):
            continue
        state_language = body.get("QueryLanguage", language)
        _collect(body, name, state_language, assigned, references, top=True)
        for branch in body.get("Branches") or []:
            if isinstance(branch, dict):
                _walk_states(branch, state_language, assigned, references)
        for key in ("ItemProcessor", "Iterator"):
            if isinstance(body.get(key), dict):
                _walk_states(body[key], state_language, assigned, references)


def _collect(value, state, language, assigned, references, *, top=False, field=""):
    if isinstance(value, dict):
        for key, sub in value.items():
            if top and key in ("Branches", "ItemProcessor", "Iterator"):
                continue
            if key == "Assign" and isinstance(sub, dict):
                assigned.update(k[:-2] if k.endswith(".$") else k for k in sub)
            where = f"{field}/{key}" if field else key
            if language == "JSONPath" and isinstance(sub, str) and (key.endswith(".$") or key in _PATH_FIELDS
                                                                    or key.endswith("Path")):
                for name in _REFERENCE.findall(_QUOTED.sub("''", sub)):
                    references.append((name, state, where))
            else:
                _collect(sub, state, language, assigned, references, field=where)
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            _collect(sub, state, language, assigned, references, field=f"{field}[{i}]")
