"""JSONPath-mode Choice rules, compiled once into small closures.

``compile_condition(rule, where=...)`` checks a rule as CreateStateMachine does and returns a
``Condition`` whose ``matches(data, env)`` is a plain function: the paths are pre-walked step
tuples, literal operands are pre-parsed (timestamps, StringMatches patterns), and the type tests are
set lookups, so a simple rule costs about a microsecond.

AWS semantics (states-language spec, developer guide, recorded executions):
- no coercion: an operator whose value is of the wrong JSON type does not match (``true`` is not
  ``1``; a numeric string is not a number); ``1`` equals ``1.0``;
- a missing ``Variable`` (or ``...Path`` operand) fails the execution with States.Runtime, except
  for ``IsPresent``, which is false there;
- strings order as Java's ``String.compareTo`` (UTF-16 code units), as the developer guide says;
- timestamps compare as instants; a value that is not an RFC 3339 timestamp does not match;
- ``And``/``Or`` stop at the first operand that decides the result, so
  ``And: [IsPresent, StringEquals]`` never fails on a missing field.
"""
from __future__ import annotations

import re
from typing import Any, Callable

from ..errors import DefinitionError, runtime_error
from ..query.jsonpath import CONTEXT, INPUT, VARIABLE, compile_path
from .timestamps import parse_timestamp

__all__ = ["Condition", "compile_condition", "OPERATORS"]

# Keys of a top-level rule that belong to the Choice state, not to the boolean expression.
_TOP_LEVEL_ONLY = frozenset({"Next", "Assign", "Output"})

_NUMBER = frozenset({int, float})
_MISSING = object()

_STRING, _NUMERIC, _BOOLEAN, _TIMESTAMP = "String", "Numeric", "Boolean", "Timestamp"


def _lt(a, b): return a < b
def _gt(a, b): return a > b
def _le(a, b): return a <= b
def _ge(a, b): return a >= b
def _eq(a, b): return a == b


_RELATIONS = {"Equals": _eq, "LessThan": _lt, "GreaterThan": _gt,
              "LessThanEquals": _le, "GreaterThanEquals": _ge}

# operator name -> (family, relation); the ...Path variants take a path instead of a literal.
_COMPARISONS: dict[str, tuple[str, Callable]] = {}
for _family in (_STRING, _NUMERIC, _TIMESTAMP):
    for _suffix, _relation in _RELATIONS.items():
        _COMPARISONS[_family + _suffix] = (_family, _relation)
_COMPARISONS["BooleanEquals"] = (_BOOLEAN, _eq)
_PATH_COMPARISONS = {name + "Path": spec for name, spec in _COMPARISONS.items()}
_TYPE_TESTS = ("IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp")
_BOOLEANS = ("And", "Or", "Not")

OPERATORS = frozenset(_COMPARISONS) | frozenset(_PATH_COMPARISONS) | {"StringMatches"} \
    | frozenset(_TYPE_TESTS) | frozenset(_BOOLEANS)


class Condition:
    """A compiled rule: ``matches(data, env) -> bool``, raising States.Runtime on a missing path."""

    __slots__ = ("matches", "where")

    def __init__(self, matches: Callable[[Any, Any], bool], where: str):
        self.matches = matches
        self.where = where

    def __repr__(self) -> str:
        return f"Condition({self.where})"


def compile_condition(rule: dict, *, where: str) -> Condition:
    """Check and compile one JSONPath-mode Choice rule (a data test or And/Or/Not)."""
    return Condition(_compile(rule, where, top=True), where)


# ---------------------------------------------------------------------------------------------
# Load time: checking a rule

def _error(message: str, field: str) -> DefinitionError:
    return DefinitionError(f"SCHEMA_VALIDATION_FAILED: {message}", field=field)


def _compile(rule: Any, where: str, top: bool) -> Callable[[Any, Any], bool]:
    if not isinstance(rule, dict):
        raise _error("a Choice rule must be a JSON object", where)
    operators = []
    for key in rule:
        if key in OPERATORS:
            operators.append(key)
        elif key == "Comment" and type(rule[key]) is not str:
            raise _error("Expected value of type String", f"{where}.Comment")
        elif key == "Variable" or key == "Comment" or (top and key in _TOP_LEVEL_ONLY):
            continue
        elif key in _TOP_LEVEL_ONLY:
            # the spec: rules inside And/Or/Not "MUST NOT contain Next fields"
            raise _error(f"Field '{key}' is not supported in a nested Choice rule", f"{where}.{key}")
        else:
            raise _error(f"Field '{key}' is not supported: it is not a Choice rule operator",
                         f"{where}.{key}")
    if not operators:
        raise _error("a Choice rule needs exactly one comparison operator (or And, Or, Not)", where)
    if len(operators) > 1:
        raise _error("Each Choice Rule can only have one comparison operator: found "
                     + ", ".join(operators), where)
    operator = operators[0]
    if operator in _BOOLEANS:
        if "Variable" in rule:
            raise _error(f"Field 'Variable' is not supported with {operator}", f"{where}.Variable")
        return _compile_boolean(operator, rule[operator], f"{where}.{operator}")
    if "Variable" not in rule:
        raise _error("These fields are required: [Variable]", where)
    read = _reader(rule["Variable"], f"{where}.Variable")
    variable = rule["Variable"]
    operand = rule[operator]
    field = f"{where}.{operator}"
    if operator in _TYPE_TESTS:
        if type(operand) is not bool:
            raise _error("Expected value of type Boolean", field)
        return _type_test(operator, operand, read, variable)
    if operator == "StringMatches":
        if type(operand) is not str:
            raise _error("Expected value of type String", field)
        return _string_matches(operand, read, variable)
    if operator in _PATH_COMPARISONS:
        family, relation = _PATH_COMPARISONS[operator]
        read_operand = _reader(operand, field)
        return _path_comparison(family, relation, read, variable, read_operand, operand)
    family, relation = _COMPARISONS[operator]
    return _literal_comparison(family, relation, read, variable, _literal(family, operand, field))


def _literal(family: str, operand: Any, field: str) -> Any:
    """The operand of a literal comparison, checked and pre-parsed (timestamps)."""
    if family == _STRING:
        if type(operand) is not str:
            raise _error("Expected value of type String", field)
    elif family == _NUMERIC:
        if type(operand) not in _NUMBER:
            raise _error("Expected value of type Number", field)
    elif family == _BOOLEAN:
        if type(operand) is not bool:
            raise _error("Expected value of type Boolean", field)
    else:
        moment = parse_timestamp(operand) if type(operand) is str else None
        if moment is None:
            raise _error("String does not match RFC3339 timestamp", field)
        return moment
    return operand


def _compile_boolean(operator: str, operand: Any, where: str) -> Callable[[Any, Any], bool]:
    if operator == "Not":
        if not isinstance(operand, dict):
            raise _error("Not must be a single Choice rule (a JSON object)", where)
        inner = _compile(operand, where, top=False)
        return lambda data, env: not inner(data, env)
    if not isinstance(operand, list) or not operand:
        raise _error(f"{operator} must be a non-empty array of Choice rules", where)
    parts = tuple(_compile(sub, f"{where}[{i}]", top=False) for i, sub in enumerate(operand))
    if len(parts) == 1:
        return parts[0]
    if operator == "And":
        if len(parts) == 2:
            first, second = parts
            return lambda data, env: first(data, env) and second(data, env)

        def all_of(data, env):
            for part in parts:
                if not part(data, env):
                    return False
            return True
        return all_of
    if len(parts) == 2:
        first, second = parts
        return lambda data, env: first(data, env) or second(data, env)

    def any_of(data, env):
        for part in parts:
            if part(data, env):
                return True
        return False
    return any_of


# ---------------------------------------------------------------------------------------------
# Run time: reading paths

def _reader(text: Any, field: str) -> Callable[[Any, Any], Any]:
    """A function (data, env) -> the value at ``text``, or _MISSING when the path matches nothing."""
    if not isinstance(text, str):
        raise _error("Expected value of type String (a Reference Path)", field)
    try:
        path = compile_path(text)
    except DefinitionError as err:
        raise _error(f"Value is not a Reference Path: {err.message}", field) from None
    if not path.definite:
        # Variable and the ...Path operands are Reference Paths: one node, no wildcards or filters
        raise _error(f"Value is not a Reference Path: '{text}' can select more than one node", field)
    steps = path.steps
    if path.root is INPUT:
        if not steps:
            return lambda data, env: data
        if len(steps) == 1 and type(steps[0]) is str:
            key = steps[0]

            def read_key(data, env):
                if isinstance(data, dict):
                    return data.get(key, _MISSING)
                return _MISSING
            return read_key
        return lambda data, env: _walk(data, steps)
    if path.root is CONTEXT:
        return lambda data, env: _walk(env.context, steps)
    name = path.variable
    assert path.root is VARIABLE

    def read_variable(data, env):
        variables = env.variables
        if name not in variables:
            return _MISSING
        return _walk(variables[name], steps)
    return read_variable


def _walk(value: Any, steps: tuple) -> Any:
    for step in steps:
        if type(step) is str:
            if not isinstance(value, dict):
                return _MISSING
            value = value.get(step, _MISSING)
            if value is _MISSING:
                return _MISSING
        elif isinstance(value, list) and step < len(value):
            value = value[step]
        else:
            return _MISSING
    return value


def _invalid_path(text: str):
    # AWS's wording for a Choice Variable (or ...Path operand) that selects nothing
    return runtime_error(f"Invalid path '{text}': The choice state's condition path references "
                         "an invalid value.")


# ---------------------------------------------------------------------------------------------
# Run time: the operators

def _is_timestamp(value: Any) -> bool:
    return type(value) is str and parse_timestamp(value) is not None


_IS = {
    "IsNull": lambda value: value is None,
    "IsNumeric": lambda value: type(value) in _NUMBER,
    "IsString": lambda value: type(value) is str,
    "IsBoolean": lambda value: type(value) is bool,
    "IsTimestamp": _is_timestamp,
}


def _type_test(operator: str, expected: bool, read, variable: str):
    if operator == "IsPresent":
        if expected:
            return lambda data, env: read(data, env) is not _MISSING
        return lambda data, env: read(data, env) is _MISSING
    test = _IS[operator]

    def is_type(data, env):
        value = read(data, env)
        if value is _MISSING:
            raise _invalid_path(variable)
        return test(value) is expected
    return is_type


def _java_order(a: str, b: str):
    """Keys that order ``a`` and ``b`` as Java's String.compareTo does (UTF-16 code units).

    Python orders by code point; the two differ only between a character above U+FFFF and one in
    U+E000..U+FFFF, which needs both strings to hold non-ASCII text.
    """
    if a.isascii() or b.isascii():
        return a, b
    return a.encode("utf-16-be", "surrogatepass"), b.encode("utf-16-be", "surrogatepass")


def _string_relation(relation):
    if relation is _eq:
        return _eq
    return lambda a, b: relation(*_java_order(a, b))


def _literal_comparison(family: str, relation, read, variable: str, operand: Any):
    if family == _STRING:
        compare = _string_relation(relation)

        def test(value):
            return type(value) is str and compare(value, operand)
    elif family == _NUMERIC:
        def test(value):
            return type(value) in _NUMBER and relation(value, operand)
    elif family == _BOOLEAN:
        def test(value):
            return value is operand
    else:
        def test(value):
            moment = parse_timestamp(value) if type(value) is str else None
            return moment is not None and relation(moment, operand)

    def compare_literal(data, env):
        value = read(data, env)
        if value is _MISSING:
            raise _invalid_path(variable)
        return test(value)
    return compare_literal


def _path_comparison(family: str, relation, read, variable: str, read_operand, operand_text: str):
    # Both sides must have the family's type; an operand of the wrong type makes the rule false
    # (states-language spec: "if the values are not both of the appropriate type ... false").
    if family == _STRING:
        compare = _string_relation(relation)

        def test(value, operand):
            return type(value) is str and type(operand) is str and compare(value, operand)
    elif family == _NUMERIC:
        def test(value, operand):
            return type(value) in _NUMBER and type(operand) in _NUMBER and relation(value, operand)
    elif family == _BOOLEAN:
        def test(value, operand):
            return type(value) is bool and value is operand
    else:
        def test(value, operand):
            if type(value) is not str or type(operand) is not str:
                return False
            left, right = parse_timestamp(value), parse_timestamp(operand)
            return left is not None and right is not None and relation(left, right)

    def compare_paths(data, env):
        value = read(data, env)
        if value is _MISSING:
            raise _invalid_path(variable)
        operand = read_operand(data, env)
        if operand is _MISSING:
            raise _invalid_path(operand_text)
        return test(value, operand)
    return compare_paths


def _string_matches(pattern: str, read, variable: str):
    """``*`` matches any run of characters; ``\\*`` is a literal star and ``\\\\`` a backslash."""
    segments, literal, i = [], [], 0
    open_escape = False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            if i + 1 == len(pattern):
                open_escape = True
                break
            literal.append(pattern[i + 1])
            i += 2
            continue
        if char == "*":
            segments.append("".join(literal))
            literal = []
        else:
            literal.append(char)
        i += 1
    segments.append("".join(literal))

    if open_escape:
        # The spec: "If an open escape backslash \ is found in the StringMatches string, the
        # interpreter will throw a runtime error."
        def broken(data, env):
            if read(data, env) is _MISSING:
                raise _invalid_path(variable)
            raise runtime_error(f"The StringMatches pattern '{pattern}' ends with an open escape "
                                "character '\\'.")
        return broken

    if len(segments) == 1:
        exact = segments[0]

        def equals(data, env):
            value = read(data, env)
            if value is _MISSING:
                raise _invalid_path(variable)
            return type(value) is str and value == exact
        return equals

    # "a**b" is "a*b": dropping empty middle segments keeps the regex free of ".*.*" backtracking
    segments = [segments[0], *(s for s in segments[1:-1] if s), segments[-1]]
    fullmatch = re.compile(".*".join(map(re.escape, segments)), re.DOTALL).fullmatch

    def matches(data, env):
        value = read(data, env)
        if value is _MISSING:
            raise _invalid_path(variable)
        return type(value) is str and fullmatch(value) is not None
    return matches
