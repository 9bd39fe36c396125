"""Static checks of workflow variables, done once at load as AWS's CreateStateMachine does them.

- A JSONPath reference (``$name`` in a path field) to a variable that no state anywhere assigns
  is refused. A JSONata reference is not: AWS creates such machines and the expression returns
  nothing at run time (recorded: assign/test_undefined_reference, BASE_UNDEFINED_OUTPUT and
  friends, fail with States.QueryEvaluationError "... returned nothing (undefined)").
- An inner scope (a Parallel branch, an inline Map's iterations) may read the variables of the
  scopes around it but may not assign a name one of them assigns. The developer guide's page on
  variables (https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html, "Scope
  for variables") states the rule; no recording shows it, and we apply it at load because it is a
  property of the definition's names, not of a run. A Distributed Map's children start with no
  variables, so they are a fresh outer scope.
- ``variable_references`` lists the variables each state reads, as DescribeStateMachine's
  ``variableReferences`` does (recorded by LocalStack's test_sfn_api_variable_references on AWS:
  ``$name`` in ``.$`` values, intrinsic functions and path fields, nested states under their own
  names, names sorted, a state that reads none left out; JSONata's ``$states`` and functions are
  not variables).
- ``$states.result`` exists only in the Output and Assign of a Task, Parallel or Map state, and
  ``$states.errorOutput`` only in a Catcher's Output and Assign (developer guide, "Reserved
  variable: $states").
"""
from __future__ import annotations

import re

from ..errors import DefinitionError
from ..query.jsonata import JsonataError, JsonataSyntaxError, compile_expression
from ..query.templates import is_expression

_REFERENCE = re.compile(r"(?<![\w$])\$([^\W\d]\w*)")
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'")

NESTED_MACHINE_FIELDS = ("Branches", "ItemProcessor", "Iterator")

# JSONata lexing: strings, backtick names and comments never hold a $states reference.
_JSONATA_SKIP = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|`[^`]*`|/\*.*?\*/", re.S)
_STATES_MEMBER = re.compile(r"(?<![\w$])\$states\s*\.\s*([A-Za-z_]\w*)")


def _is_path_field(key: str) -> bool:
    """A JSONPath-mode field whose string value is a path: every ``...Path`` and Choice ``Variable``."""
    return key == "Variable" or key.endswith("Path")


def check_variables(definition: dict):
    """Raise DefinitionError for the first variable problem the definition has."""
    assigned: set[str] = set()
    references: list[tuple[str, str, str]] = []   # (variable, state, field)
    _walk_scope(definition, "JSONPath", frozenset(), assigned, references)
    for name, state, field in references:
        if name not in assigned:
            raise DefinitionError(f"the variable '${name}' is referenced but no state assigns it",
                                  state=state, field=field)


def assigned_names(body: dict, *, catchers: bool = True) -> dict[str, str]:
    """Names a state assigns (in its own Assign, its Choice rules and, unless ``catchers`` is
    False, its Catchers) -> field."""
    names: dict[str, str] = {}

    def take(block, where):
        if isinstance(block, dict):
            for key in block:
                names.setdefault(key[:-2] if key.endswith(".$") else key, where)
    take(body.get("Assign"), "Assign")
    for i, rule in enumerate(body.get("Choices") or []):
        if isinstance(rule, dict):
            take(rule.get("Assign"), f"Choices[{i}]/Assign")
    for i, catcher in enumerate(body.get("Catch") or [] if catchers else []):
        if isinstance(catcher, dict):
            take(catcher.get("Assign"), f"Catch[{i}]/Assign")
    return names


def outer_for_children(state: str, assigned: dict[str, dict], outer: frozenset) -> frozenset:
    """What the branches or iterations of ``state`` may not assign: the outer scopes' names and
    this scope's, except those only ``state``'s own Catchers assign. A Catcher runs once the
    branches have ended, so AWS accepts a state inside them assigning the same name."""
    names = set(outer)
    for name, (everything, without_catchers) in assigned.items():
        names.update(without_catchers if name == state else everything)
    return frozenset(names)


def _walk_scope(container: dict, language: str, outer: frozenset, assigned: set, references: list):
    """One scope: the states of a machine, a Parallel branch or an inline Map's processor."""
    language = container.get("QueryLanguage", language)
    states = {n: b for n, b in (container.get("States") or {}).items() if isinstance(b, dict)}
    here: dict[str, tuple] = {}
    for name, body in states.items():
        names = assigned_names(body)
        for variable, field in names.items():
            if variable in outer:
                raise DefinitionError(
                    f"the variable '{variable}' is assigned in an outer scope; states inside a "
                    "Parallel branch or a Map may read outer variables but not assign them "
                    "(return data with Output instead)", state=name, field=field)
        here[name] = (set(names), set(assigned_names(body, catchers=False)))
        assigned.update(names)
    for name, body in states.items():
        state_language = body.get("QueryLanguage", language)
        _collect_state(body, name, state_language, references)
        inner = outer_for_children(name, here, outer)
        for branch in body.get("Branches") or []:
            if isinstance(branch, dict):
                _walk_scope(branch, state_language, inner, assigned, references)
        for key in ("ItemProcessor", "Iterator"):
            processor = body.get(key)
            if isinstance(processor, dict):
                distributed = (processor.get("ProcessorConfig") or {}).get("Mode") == "DISTRIBUTED"
                _walk_scope(processor, state_language, frozenset() if distributed else inner,
                            assigned, references)


def _collect_state(body: dict, state: str, language: str, references: list):
    kind = body.get("Type")
    for key, value in body.items():
        if key in NESTED_MACHINE_FIELDS:
            continue
        if language == "JSONata":
            if key == "Catch" and isinstance(value, list):
                for i, catcher in enumerate(value):
                    if isinstance(catcher, dict):
                        for sub in ("Output", "Assign"):
                            if sub in catcher:
                                _collect_jsonata(catcher[sub], state, f"Catch[{i}]/{sub}",
                                                 allowed={"errorOutput"})
                continue
            allowed = {"result"} if key in ("Output", "Assign") and kind in ("Task", "Parallel", "Map") else set()
            _collect_jsonata(value, state, key, allowed=allowed)
        else:
            collect_jsonpath_references(value, state, key, references)


def collect_jsonpath_references(value, state, field, references):
    if isinstance(value, dict):
        for key, sub in value.items():
            where = f"{field}/{key}"
            if isinstance(sub, str) and (key.endswith(".$") or _is_path_field(key)):
                _jsonpath_names(sub, state, where, references)
            else:
                collect_jsonpath_references(sub, state, where, references)
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            collect_jsonpath_references(sub, state, f"{field}[{i}]", references)
    elif isinstance(value, str) and _is_path_field(field):
        _jsonpath_names(value, state, field, references)


def _jsonpath_names(text, state, field, references):
    for name in _REFERENCE.findall(_QUOTED.sub("''", text)):
        references.append((name, state, field))


def _collect_jsonata(value, state, field, *, allowed: set):
    """JSONata fields: only the $states members are checked (see the module docstring)."""
    if isinstance(value, dict):
        for key, sub in value.items():
            _collect_jsonata(sub, state, f"{field}/{key}", allowed=allowed)
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            _collect_jsonata(sub, state, f"{field}[{i}]", allowed=allowed)
    elif isinstance(value, str):
        text = value.strip()
        if is_expression(text):
            check_states_members(text[2:-2], state, field, allowed)


def check_states_members(expression, state, field, allowed):
    code = _JSONATA_SKIP.sub(" ", expression)
    for member in _STATES_MEMBER.findall(code):
        if member in ("result", "errorOutput") and member not in allowed:
            where = ("the Output and Assign of a Task, Parallel or Map state"
                     if member == "result" else "a Catcher's Output and Assign")
            raise DefinitionError(f"$states.{member} is not available here: it exists only in {where}",
                                  state=state, field=field)


def variable_references(definition: dict) -> dict[str, list[str]]:
    """State name -> the workflow variables it reads, sorted; states that read none are left out."""
    out: dict[str, list[str]] = {}
    containers = [(definition, definition.get("QueryLanguage", "JSONPath"))]
    while containers:
        container, language = containers.pop(0)
        for name, body in (container.get("States") or {}).items():
            if not isinstance(body, dict):
                continue
            state_language = body.get("QueryLanguage", language)
            names = _state_reads(body, name, state_language)
            if names:
                out[name] = sorted(names)
            for key in NESTED_MACHINE_FIELDS:
                inner = body.get(key)
                for graph in inner if isinstance(inner, list) else [inner]:
                    if isinstance(graph, dict):
                        containers.append((graph, state_language))
    return out


def _state_reads(body: dict, state: str, language: str) -> set[str]:
    fields = {k: v for k, v in body.items() if k not in NESTED_MACHINE_FIELDS and k != "Result"}
    if language != "JSONata":
        references: list = []
        for key, value in fields.items():
            collect_jsonpath_references(value, state, key, references)
        return {name for name, _, _ in references}
    names: set[str] = set()
    strings = list(fields.values())
    while strings:
        value = strings.pop()
        if isinstance(value, dict):
            strings.extend(value.values())
        elif isinstance(value, list):
            strings.extend(value)
        elif isinstance(value, str) and value.strip().startswith("{%") and value.strip().endswith("%}"):
            names |= _jsonata_reads(value.strip()[2:-2])
    return names


def _jsonata_reads(expression: str) -> set[str]:
    try:
        return compile_expression(expression).variables_read() or set()
    except (JsonataError, JsonataSyntaxError):       # load refuses it first; nothing to list
        return set()
