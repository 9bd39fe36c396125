"""``$merge([A, B, ...])`` merged in Python: what jlens would answer, without converting objects
that are merged unchanged into the engine and back out.

AWS documents ``$merge([$states.input, {...}])`` as JSONata's ResultPath. jlens evaluating it
converts the whole input in and the whole result out. Merged here, each item is a plain path
(``$states.input``, ``$states.result.Payload``, ``$var.x``) read by reference, or an object
constructor of literal keys and plain values (``{'last': {'step': 3, 'prev': $states.input.a}}``)
built in Python, and the objects are shared. Any other item makes the whole expression be
evaluated as written: evaluated alone by jlens, an item could hide a key whose value is a
function (jlens leaves such keys out of what it gives back), which in the whole expression would
have replaced an earlier item's value. The answer is jlens's only where nothing is unusual, so
the merge gives up, and the expression is evaluated as written, whenever:

* an item is not an object: undefined (the array constructor drops it), an array (it flattens
  one), a scalar (``$merge`` fails); or a path finds nothing, or passes an array (JSONata maps);
* a value read by reference is not one jlens gives back unchanged: a float (jlens turns 3.0
  into 3 and -0.0 into 0), an integer beyond 2**53 - 1 (it rounds them), a lone surrogate or
  nesting beyond 255 levels (orjson refuses both). Strings are looked at in the JSON text, so
  a string with a digit before a ``.`` or an ``e`` also gives up, costing only speed;
* the items' JSON texts together are larger than the result-size limit (the result is no
  larger than its items; jlens counts a string's characters, not its escapes, so it never
  measures more than this text).

jlens keeps an object's keys in insertion order, integer-like keys included, and ``$merge``
keeps each key where it first came with the last value given, as ``dict.update`` does.
"""
from __future__ import annotations

import re
from typing import Any

import orjson

__all__ = ["MISSING", "STATES_READS", "split_items", "parse_object", "shared_size", "plain_value", "Constructor"]

_CALL = re.compile(r"\s*\$merge\s*\(\s*\[(.*)\]\s*\)\s*", re.DOTALL)
_OPEN, _CLOSE = "([{", ")]}"
_FLOAT = re.compile(r"[0-9][.eE]")
_dumps = orjson.dumps
_STRICT = orjson.OPT_STRICT_INTEGER      # refuses integers beyond 2**53 - 1


def split_items(text: str) -> list[str] | None:
    """The items' texts when ``text`` is ``$merge([A, B, ...])``, None when it is not or when it
    holds anything this scan might misread (a comment, a ``/``, which may open a regular
    expression, an unbalanced bracket) or a binding ``:=``."""
    match = _CALL.fullmatch(text)
    if match is None or ":=" in text:   # a binding: the items' names might not be the variables
        return None
    inner = match.group(1)
    items, start, depth, i, n = [], 0, 0, 0, len(inner)
    while i < n:
        char = inner[i]
        if char in "'\"`":
            i = _skip_quoted(inner, i)
            if i < 0:
                return None
            continue
        if char == "/":
            return None
        if char in _OPEN:
            depth += 1
        elif char in _CLOSE:
            depth -= 1
            if depth < 0:        # "$merge([a]) & ([b])": the brackets are not the call's
                return None
        elif char == "," and depth == 0:
            items.append(inner[start:i].strip())
            start = i + 1
        i += 1
    if depth:
        return None
    items.append(inner[start:].strip())
    return items if all(items) else None


def _skip_quoted(text: str, i: int) -> int:
    """The index after the string or backtick name opening at ``i``; -1 when it never ends."""
    quote = text[i]
    i += 1
    n = len(text)
    while i < n:
        char = text[i]
        if char == "\\" and quote != "`":
            i += 2
            continue
        if char == quote:
            return i + 1
        i += 1
    return -1


def shared_size(value: dict) -> int | None:
    """The length of ``value``'s JSON text when jlens would give ``value`` back unchanged (see the
    module's docstring), else None."""
    try:
        raw = _dumps(value, option=_STRICT)
    except TypeError:
        return None
    # orjson writes every float with a "." or an "e+"/"e-": only then is the text searched
    # (looked for in the str: faster than in the bytes)
    text = raw.decode()
    if ("." in text or "e+" in text or "e-" in text) and _FLOAT.search(text) is not None:
        return None
    return len(raw)


# An object constructor of literal keys and plain values, built in Python (Constructor below): nested constructors, plain paths, integers, strings without escapes, true,
# false, null. Anything else (an escape, a float, an operator, a call) is left to jlens.
_TOKEN = re.compile(r"""\s*(?:([{}:,])|'([^'\\]*)'|"([^"\\]*)"|"""
                    r"""(\$[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)(?![\w.`])|"""
                    r"""(0|-?[1-9][0-9]{0,14})(?![\w.])|(true|false|null)(?![\w.$]))""")
_LITERALS = {"true": True, "false": False, "null": None}


def parse_object(text: str) -> tuple | None:
    """``text`` as ("object", ((key, node), ...)) when it is an object constructor of that plain
    kind, its values ("literal", value), ("path", name, steps) or objects; None otherwise."""
    tokens = []
    i, n = 0, len(text)
    while i < n:
        match = _TOKEN.match(text, i)
        if match is None:
            if text[i:].strip():
                return None
            break
        tokens.append(match)
        i = match.end()
    node, end = _object(tokens, 0)
    return node if node is not None and end == len(tokens) else None


def _object(tokens: list, i: int) -> tuple:
    """The object opening at ``tokens[i]`` and the index after it; (None, i) where there is none."""
    if i >= len(tokens) or tokens[i].group(1) != "{":
        return None, i
    i += 1
    fields = []
    if i < len(tokens) and tokens[i].group(1) == "}":
        return ("object", ()), i + 1
    while True:
        if i + 2 >= len(tokens):
            return None, i
        key = tokens[i].group(2) if tokens[i].group(2) is not None else tokens[i].group(3)
        if key is None or tokens[i + 1].group(1) != ":" or any(key == k for k, _ in fields):
            return None, i       # a duplicate key is JSONata's error (D1009)
        value, i = _value(tokens, i + 2)
        if value is None or i >= len(tokens):
            return None, i
        fields.append((key, value))
        mark = tokens[i].group(1)
        i += 1
        if mark == "}":
            return ("object", tuple(fields)), i
        if mark != ",":
            return None, i


def _value(tokens: list, i: int) -> tuple:
    token = tokens[i]
    if token.group(1) == "{":
        return _object(tokens, i)
    if token.group(2) is not None or token.group(3) is not None:
        text = token.group(2) if token.group(2) is not None else token.group(3)
        return ("literal", text), i + 1
    if token.group(4) is not None:
        name, *steps = token.group(4)[1:].split(".")
        return ("path", name, tuple(steps)), i + 1
    if token.group(5) is not None:
        return ("literal", int(token.group(5))), i + 1
    if token.group(6) is not None:
        return ("literal", _LITERALS[token.group(6)]), i + 1
    return None, i


# --- reading the items against the evaluation context (see templates) ---------------------------

# $states.<field> -> the evaluation context's attribute
# The $states fields a plain path may start with, and the names the evaluation context gives them.
STATES_READS = {"input": "input", "result": "result", "errorOutput": "error_output", "context": "context"}
MISSING = object()


def plain_value(path: tuple, env, absent) -> Any:
    """The value the plain path ``(root, steps)`` finds, by reference; a non-object (MISSING)
    where it finds none (``absent``: $states.result where the state has none), or where an
    array on the way would make JSONata map over it."""
    root, steps = path
    if root == "states":
        value = getattr(env, STATES_READS[steps[0]])
        if value is absent:
            return MISSING
        steps = steps[1:]
    else:
        try:
            value = env.variables[root]
        except KeyError:
            return MISSING
    for step in steps:
        if type(value) is not dict or step not in value:
            return MISSING
        value = value[step]
    return value


class Constructor:
    """A plain object constructor (``parse_object``) built in Python, each path's value by
    reference (checked, as a path item is, by ``shared_size``): ``build(env)`` gives the object,
    or None where a path finds nothing (then the ``$merge`` is evaluated as written)."""

    __slots__ = ("fields", "build", "_absent")

    def __init__(self, fields: tuple, absent):
        self.fields = fields
        self._absent = absent
        self.build = self._first_build    # generated when first used: a state may never run

    def _first_build(self, env):
        # one generated function, a dict display of plain indexing: a field or a step that is
        # missing, or not an object's (a list's, a string's...), raises; then there is no object
        code = ("def build(env):\n    try:\n        return " + _source(self.fields)
                + "\n    except (KeyError, TypeError):\n        return None\n")
        absent = self._absent

        def present(value):
            if value is absent:
                raise KeyError("absent")
            return value

        names = {"_present": present}
        exec(compile(code, "<jsonata object>", "exec"), names)
        self.build = names["build"]
        return self.build(env)

    @classmethod
    def of(cls, node: tuple | None, variables: tuple, absent) -> "Constructor | None":
        """The constructor of ``node`` when each path in it reads ``$states`` or one of the
        workflow ``variables``; None otherwise."""
        fields = None if node is None else cls._fields(node, variables)
        return None if fields is None else cls(fields, absent)

    @classmethod
    def _fields(cls, node: tuple, variables: tuple) -> tuple | None:
        """(key, kind, value) of each field: kind 0 a literal, 1 a path, 2 an object's fields."""
        fields = []
        for key, (kind, *rest) in node[1]:
            if kind == "literal":
                fields.append((key, 0, rest[0]))
            elif kind == "path":
                root, steps = rest
                if not (root == "states" and steps and steps[0] in STATES_READS or root in variables):
                    return None          # not a variable: a name of JSONata's own
                fields.append((key, 1, (root, steps)))
            else:
                inner = cls._fields((kind, *rest), variables)
                if inner is None:
                    return None
                fields.append((key, 2, inner))
        return tuple(fields)


def _source(fields: tuple) -> str:
    """The dict display that builds ``fields`` from ``env``."""
    parts = []
    for key, kind, value in fields:
        if kind == 0:
            source = repr(value)
        elif kind == 1:
            root, steps = value
            if root == "states":
                source, steps = "env." + STATES_READS[steps[0]], steps[1:]
            else:
                source = f"env.variables[{root!r}]"
            if steps:       # (the absent value has no items: indexing it raises TypeError)
                source += "".join(f"[{step!r}]" for step in steps)
            else:
                source = f"_present({source})"
        else:
            source = _source(value)
        parts.append(f"{key!r}: {source}")
    return "{" + ", ".join(parts) + "}"
