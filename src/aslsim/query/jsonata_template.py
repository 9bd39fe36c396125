"""JSONata-mode values: any string that is exactly ``{% expr %}``, anywhere inside a value, is an
expression; every other string is literal. Compiled once; rendered against ``$states`` and the
workflow variables the expressions mention.
"""
from __future__ import annotations

import re
from typing import Any

from ..errors import DefinitionError, StatesError
from . import jsonata

_VARIABLE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}") and len(value) >= 4


def _query_error(expression: str, field: str, problem: str) -> StatesError:
    return StatesError("States.QueryEvaluationError",
                       f"The JSONata expression '{expression}' specified for the field '{field}' {problem}",
                       prefix_state=True, location=field)


class _Expression:
    __slots__ = ("expression", "field", "variables")

    def __init__(self, text: str, field: str):
        body = text[2:-2].strip()
        try:
            self.expression = jsonata.compile_expression(body)
        except jsonata.JsonataSyntaxError as err:
            raise DefinitionError(f"the JSONata expression '{body}' is not valid: {err}", field=field) from None
        self.field = field
        # the workflow variables this expression can read (everything else is a JSONata name)
        self.variables = tuple(sorted(set(_VARIABLE.findall(body)) - {"states"}))

    def render(self, env, states: dict) -> Any:
        bindings = {"states": states}
        scope = env.variables
        for name in self.variables:
            try:
                bindings[name] = scope[name]
            except KeyError:
                pass
        try:
            value = self.expression.evaluate(bindings, now_ms=env.run.clock.now, rng=env.run.rng)
        except jsonata.UnsupportedResultType:
            raise _query_error(self.expression.text, self.field, "returned an unsupported result type.") from None
        except jsonata.JsonataError as err:
            raise _query_error(self.expression.text, self.field,
                               f"threw an error during evaluation. {err}") from None
        if value is jsonata.UNDEFINED:
            raise _query_error(self.expression.text, self.field, "returned nothing (undefined).")
        return value


class _Constant:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def render(self, env, states):
        return self.value


class _Object:
    __slots__ = ("items",)

    def __init__(self, items):
        self.items = items

    def render(self, env, states):
        return {key: node.render(env, states) for key, node in self.items}


class _Array:
    __slots__ = ("nodes",)

    def __init__(self, nodes):
        self.nodes = nodes

    def render(self, env, states):
        return [node.render(env, states) for node in self.nodes]


def _compile(value: Any, field: str):
    if is_expression(value):
        return _Expression(value, field)
    if isinstance(value, dict):
        items = tuple((k, _compile(v, f"{field}/{k}")) for k, v in value.items())
        if all(isinstance(n, _Constant) for _, n in items):
            return _Constant(value)
        return _Object(items)
    if isinstance(value, list):
        nodes = tuple(_compile(v, f"{field}/{i}") for i, v in enumerate(value))
        if all(isinstance(n, _Constant) for n in nodes):
            return _Constant(value)
        return _Array(nodes)
    return _Constant(value)


class JsonataTemplate:
    """A compiled JSONata-mode value (Arguments, Output, Assign, Items, Condition, ...)."""

    __slots__ = ("source", "field", "_root")

    def __init__(self, source: Any, field: str):
        self.source = source
        self.field = field
        self._root = _compile(source, field)

    @property
    def text(self) -> str:
        """The expression text when the whole value is one expression (for messages)."""
        root = self._root
        return root.expression.text if isinstance(root, _Expression) else str(self.source)

    def render(self, env, states: dict) -> Any:
        return self._root.render(env, states)


def compile_jsonata_template(source: Any, field: str) -> JsonataTemplate:
    return JsonataTemplate(source, field)
