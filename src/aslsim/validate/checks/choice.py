"""Choice rules: their shape (operators, Variable, operand types; JSONata Condition), rules that
can never match (ASL504) and rules an earlier rule shadows (ASL505).

The logic checks decide only what is decidable from literals: a rule is read as a conjunction of
intervals per (variable, operator family) plus opaque parts (Or, Not, type tests, ...) compared by
their text. A rule that contradicts itself (x < 3 and x > 5; a string and a number at once) never
matches; a rule whose conjunction implies an earlier rule's is never chosen.
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass

from ...definition.choice import OPERATORS
from ...definition.timestamps import parse_timestamp
from ...errors import DefinitionError
from ...query.templates import is_expression
from ...query.jsonpath import compile_path
from ..tree import JSONATA, State, Tree
from .paths import first_line

_FAMILIES = ("String", "Numeric", "Timestamp", "Boolean")
_RELATIONS = ("Equals", "LessThan", "GreaterThan", "LessThanEquals", "GreaterThanEquals")
_TYPE_TESTS = ("IsNull", "IsPresent", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp")
_BOOLEANS = ("And", "Or", "Not")
_TOP_ONLY = ("Next", "Assign")
_JSONATA_RULE = ("Condition", "Next", "Comment", "Assign", "Output")
# the JSON type a family's values have: a variable cannot hold two at once
_VALUE_TYPE = {"String": "string", "Timestamp": "string", "Numeric": "number", "Boolean": "boolean"}


def check(tree: Tree, out) -> None:
    for state in tree.states:
        if state.kind != "Choice" or not isinstance(state.body.get("Choices"), list):
            continue
        rules = state.body["Choices"]
        for i, rule in enumerate(rules):
            where = state.at("Choices", i)
            if not isinstance(rule, dict):
                out.add("ASL103", where, "a Choice rule must be an object", state=state.name)
                continue
            if "Next" not in rule:
                out.add("ASL101", where, "a Choice rule needs Next: the state to go to when it "
                        "matches", state=state.name)
            elif not isinstance(rule["Next"], str):
                out.add("ASL103", f"{where}/Next", "Next must be a state name (a string)",
                        state=state.name)
            if state.language == JSONATA:
                _jsonata_rule(state, where, rule, out)
            else:
                _rule(state, where, rule, out, top=True)
        if state.language == JSONATA:
            _jsonata_logic(state, rules, out)
        else:
            _logic(state, rules, out)


# ---- shape -----------------------------------------------------------------------------------

def _jsonata_rule(state: State, where: str, rule: dict, out):
    for key in rule:
        if key in _JSONATA_RULE:
            continue
        if key in OPERATORS or key == "Variable":
            out.add("ASL402", f"{where}/{key}", f"'{key}' belongs to JSONPath Choice rules; JSONata "
                    "rules use Condition", state=state.name, at_key=True,
                    hint='"Condition": "{% $states.input.x > 3 %}"')
        else:
            out.add("ASL102", f"{where}/{key}", f"unknown field '{key}' in a JSONata Choice rule",
                    state=state.name, at_key=True)
    if "Condition" not in rule:
        out.add("ASL101", where, "a JSONata Choice rule needs a Condition", state=state.name)
    elif not isinstance(rule["Condition"], bool) and not is_expression(rule["Condition"]):
        out.add("ASL103", f"{where}/Condition", "Condition must be a JSONata expression "
                "(\"{% ... %}\") or a boolean", state=state.name)


def _rule(state: State, where: str, rule, out, *, top: bool):
    if not isinstance(rule, dict):
        out.add("ASL103", where, "a Choice rule must be an object", state=state.name)
        return
    operators = []
    for key in rule:
        if key in OPERATORS:
            operators.append(key)
        elif key in ("Variable", "Comment") or (top and key in _TOP_ONLY):
            continue
        elif key in _TOP_ONLY:
            out.add("ASL102", f"{where}/{key}", f"'{key}' is not allowed in a rule nested in "
                    "And, Or or Not", state=state.name, at_key=True)
        elif key in ("Condition", "Output"):
            out.add("ASL402", f"{where}/{key}", f"'{key}' is a JSONata field; this Choice state "
                    "uses JSONPath", state=state.name, at_key=True)
        else:
            close = difflib.get_close_matches(key, sorted(OPERATORS), n=1, cutoff=0.75)
            out.add("ASL102", f"{where}/{key}", f"'{key}' is not a Choice rule operator",
                    state=state.name, at_key=True,
                    hint=f"did you mean '{close[0]}'?" if close else None)
    if not operators:
        out.add("ASL101", where, "the rule has no comparison operator (or And, Or, Not)",
                state=state.name)
        return
    if len(operators) > 1:
        out.add("ASL105", f"{where}/{operators[1]}", "a Choice rule has exactly one comparison "
                f"operator; this one has {', '.join(operators)}", state=state.name, at_key=True)
        return
    operator = operators[0]
    operand = rule[operator]
    if operator in _BOOLEANS:
        if "Variable" in rule:
            out.add("ASL102", f"{where}/Variable", f"Variable is not allowed with {operator}",
                    state=state.name, at_key=True)
        if operator == "Not":
            _rule(state, f"{where}/Not", operand, out, top=False)
        elif not isinstance(operand, list) or not operand:
            out.add("ASL103", f"{where}/{operator}", f"{operator} must be a non-empty array of rules",
                    state=state.name)
        else:
            for i, sub in enumerate(operand):
                _rule(state, f"{where}/{operator}/{i}", sub, out, top=False)
        return
    if "Variable" not in rule:
        out.add("ASL101", where, f"the {operator} rule needs a Variable", state=state.name)
    else:
        _one_value_path(state, f"{where}/Variable", rule["Variable"], out)
    _operand(state, f"{where}/{operator}", operator, operand, out)


def _operand(state: State, where: str, operator: str, operand, out):
    if operator in _TYPE_TESTS:
        if type(operand) is not bool:
            out.add("ASL103", where, f"{operator} takes true or false", state=state.name)
    elif operator == "StringMatches" or operator.startswith("String") and not operator.endswith("Path"):
        if type(operand) is not str:
            out.add("ASL103", where, f"{operator} takes a string", state=state.name)
    elif operator.endswith("Path"):
        _one_value_path(state, where, operand, out)
    elif operator.startswith("Numeric"):
        if type(operand) not in (int, float):
            out.add("ASL103", where, f"{operator} takes a number", state=state.name)
    elif operator.startswith("Boolean"):
        if type(operand) is not bool:
            out.add("ASL103", where, f"{operator} takes true or false", state=state.name)
    elif parse_timestamp(operand) is None:
        out.add("ASL103", where, f"{operator} takes an RFC 3339 timestamp: String does not match "
                "RFC3339 timestamp", state=state.name, hint="for example 2016-03-14T01:59:00Z")


def _one_value_path(state: State, where: str, text, out):
    if not isinstance(text, str):
        out.add("ASL103", where, "expected a path (a string)", state=state.name)
        return
    try:
        path = compile_path(text)
    except DefinitionError as err:
        out.add("ASL301", where, first_line(err.message), state=state.name)
        return
    if not path.definite:
        out.add("ASL302", where, f"'{text}' can select more than one value; a Choice rule compares "
                "one value (names and indexes only)", state=state.name)


# ---- logic -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Interval:
    low: object = None          # None: unbounded
    low_closed: bool = False
    high: object = None
    high_closed: bool = False

    def empty(self) -> bool:
        if self.low is None or self.high is None:
            return False
        if self.low > self.high:
            return True
        return self.low == self.high and not (self.low_closed and self.high_closed)

    def within(self, other: "_Interval") -> bool:
        """Whether every value of self is in other."""
        if other.low is not None:
            if self.low is None or self.low < other.low or (
                    self.low == other.low and self.low_closed and not other.low_closed):
                return False
        if other.high is not None:
            if self.high is None or self.high > other.high or (
                    self.high == other.high and self.high_closed and not other.high_closed):
                return False
        return True

    def meet(self, other: "_Interval") -> "_Interval":
        low, low_closed = self.low, self.low_closed
        if other.low is not None and (low is None or other.low > low or (
                other.low == low and not other.low_closed)):
            low, low_closed = other.low, other.low_closed
        high, high_closed = self.high, self.high_closed
        if other.high is not None and (high is None or other.high < high or (
                other.high == high and not other.high_closed)):
            high, high_closed = other.high, other.high_closed
        return _Interval(low, low_closed, high, high_closed)


@dataclass
class _Conjunction:
    intervals: dict          # (variable, family) -> _Interval
    opaque: frozenset        # canonical text of parts that are not intervals
    contradiction: bool = False


def _literal_interval(operator: str, value):
    for family in _FAMILIES:
        if operator.startswith(family):
            relation = operator[len(family):]
            if relation not in _RELATIONS:
                return None
            if family == "Timestamp":
                value = parse_timestamp(value)
            if value is None or (family == "Numeric" and type(value) not in (int, float)) or (
                    family == "String" and type(value) is not str) or (
                    family == "Boolean" and type(value) is not bool):
                return None
            return family, {"Equals": _Interval(value, True, value, True),
                            "LessThan": _Interval(high=value),
                            "LessThanEquals": _Interval(high=value, high_closed=True),
                            "GreaterThan": _Interval(low=value),
                            "GreaterThanEquals": _Interval(low=value, low_closed=True)}[relation]
    return None


def _conjunction(rule: dict) -> _Conjunction:
    body = {k: v for k, v in rule.items() if k not in ("Next", "Assign", "Comment")}
    if set(body) == {"And"} and isinstance(body["And"], list):
        result = _Conjunction({}, frozenset())
        for sub in body["And"]:
            if not isinstance(sub, dict):
                return _Conjunction({}, frozenset({_canonical(body)}))
            part = _conjunction(sub)
            result.opaque |= part.opaque
            result.contradiction |= part.contradiction
            for key, interval in part.intervals.items():
                have = result.intervals.get(key)
                result.intervals[key] = interval if have is None else have.meet(interval)
        _check_types(result)
        return result
    operators = [k for k in body if k != "Variable"]
    variable = body.get("Variable")
    if len(operators) == 1 and isinstance(variable, str):
        found = _literal_interval(operators[0], body[operators[0]])
        if found:
            family, interval = found
            return _Conjunction({(variable, family): interval}, frozenset())
    return _Conjunction({}, frozenset({_canonical(body)}))


def _check_types(conjunction: _Conjunction):
    types: dict[str, set] = {}
    for (variable, family), interval in conjunction.intervals.items():
        types.setdefault(variable, set()).add(_VALUE_TYPE[family])
        if interval.empty():
            conjunction.contradiction = True
    if any(len(kinds) > 1 for kinds in types.values()):
        conjunction.contradiction = True


def _implies(later: _Conjunction, earlier: _Conjunction) -> bool:
    """Whether every input matching ``later`` matches ``earlier``."""
    if not earlier.intervals and not earlier.opaque:
        return False
    if not earlier.opaque <= later.opaque:
        return False
    return all(key in later.intervals and later.intervals[key].within(interval)
               for key, interval in earlier.intervals.items())


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _logic(state: State, rules: list, out):
    seen: list[tuple[int, _Conjunction]] = []
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict):
            continue
        try:
            conjunction = _conjunction(rule)
        except TypeError:        # values that do not order (checked as shape problems above)
            continue
        if conjunction.contradiction:
            out.add("ASL504", state.at("Choices", i), "this rule can never match: its conditions "
                    "contradict each other", state=state.name)
            continue
        for j, earlier in seen:
            if _implies(conjunction, earlier):
                out.add("ASL505", state.at("Choices", i), f"this rule is never chosen: rule {j} "
                        "before it matches every input it matches", state=state.name)
                break
        seen.append((i, conjunction))


def _jsonata_logic(state: State, rules: list, out):
    seen: dict[str, int] = {}
    always = None
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict) or "Condition" not in rule:
            continue
        condition = rule["Condition"]
        text = condition[2:-2].strip() if is_expression(condition) else json.dumps(condition)
        if always is not None:
            out.add("ASL505", state.at("Choices", i), f"this rule is never chosen: rule {always} "
                    "before it always matches", state=state.name)
        elif text == "false":
            out.add("ASL504", state.at("Choices", i, "Condition"), "this rule can never match: its "
                    "Condition is false", state=state.name)
        elif text in seen:
            out.add("ASL505", state.at("Choices", i), f"this rule is never chosen: rule {seen[text]} "
                    "before it has the same Condition", state=state.name)
        seen.setdefault(text, i)
        if text == "true" and always is None:
            always = i
