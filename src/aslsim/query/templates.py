"""Payload templates in either query language, compiled once into one tree of value nodes.

JSONPath (``compile_template``): keys ending in ``.$`` hold a path, a context path, a variable
path or an intrinsic call; every other value is literal. JSONata (``compile_jsonata_template``):
any string that is exactly ``{% expr %}``, anywhere inside the value, is an expression. Both
compile to the same nodes (constants, objects, arrays, and the leaves that read something), each
with one method, ``resolve(env)``, against the evaluation context the engine gives:

    env.document     what ``$`` stands for in a JSONPath field (the effective input, the result...)
    env.context      the Context object (``$$``, ``$states.context``)
    env.variables    the workflow variables in scope (``$name``)
    env.random       the execution's seeded ``random.Random``
    env.now_ms       the virtual clock (``$now()``)
    env.input, env.result, env.error_output    JSONata's ``$states`` (ABSENT where AWS has none)
"""
from __future__ import annotations

import re
from typing import Any

from ..definition.limits import PAYLOAD_BYTES
from ..errors import DefinitionError, PayloadTooLarge, StatesError
from . import merging
from .jsonpath import _MISSES, PathValue, _list, compile_path, inline_reader


class _Absent:
    """``$states.result`` / ``$states.errorOutput`` where the state has none."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()


def is_expression(value: Any) -> bool:
    """Whether a JSONata-mode value is one whole ``{% ... %}`` expression."""
    return isinstance(value, str) and len(value) >= 4 and value.startswith("{%") and value.endswith("%}")


# --- the nodes --------------------------------------------------------------------------------

class Constant:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def resolve(self, env):
        return self.value


class Object:
    __slots__ = ("items", "children", "resolve")

    def __init__(self, items: tuple):
        self.children = items
        self.items = tuple((key, node.resolve) for key, node in items)
        self.resolve = _generated_object(self) or self.resolve_each

    def resolve_each(self, env):
        return {key: resolve(env) for key, resolve in self.items}


class Array:
    __slots__ = ("nodes", "children")

    def __init__(self, nodes: tuple):
        self.children = nodes
        self.nodes = tuple(node.resolve for node in nodes)

    def resolve(self, env):
        return [resolve(env) for resolve in self.nodes]


# -- an object of paths as one function ----------------------------------------------------------
# A JSONPath object whose values are constants, paths and intrinsics resolves in one generated
# function: a dict display whose paths are plain indexing. Where one misses, the object is
# resolved again value by value, so that the first value that fails fails as it words it.

_DRAWS = frozenset({"States.UUID", "States.MathRandom"})   # resolved twice, they would draw twice


def _generated_object(node: "Object"):
    names = {"_list": _list, "_MISSES": _MISSES, "each": node.resolve_each}
    source = _object_source(node, names)
    if source is None:
        return None
    code = ("def resolve(env):\n    data = env.document\n    try:\n        return " + source
            + "\n    except _MISSES:\n        return each(env)\n")
    exec(code, names)
    return names["resolve"]


def _object_source(node: "Object", names: dict) -> str | None:
    from .intrinsics import Intrinsic
    parts = []
    for key, child in node.children:
        tag = f"n{len(names)}"
        names[tag] = key
        if isinstance(child, Constant):
            names[tag + "c"] = child.value
            value = tag + "c"
        elif isinstance(child, PathValue):
            inline = inline_reader(child.path, tag)
            if inline is None:
                names[tag + "r"] = child.resolve
                value = f"{tag}r(env)"
            else:
                value, used = inline
                names.update(used)
        elif isinstance(child, Object):
            value = _object_source(child, names)
            if value is None:
                return None
        elif isinstance(child, Intrinsic) and (inline := _format_source(child, names, tag)) is not None:
            value = inline
        elif isinstance(child, (Array, Intrinsic)) and not _draws(child):
            names[tag + "r"] = child.resolve
            value = f"{tag}r(env)"
        else:
            return None
        parts.append(f"{tag}: {value}")
    return "{" + ", ".join(parts) + "}"


def _format_source(node, names: dict, tag: str) -> str | None:
    """States.Format of a literal template and paths, as one expression (see _formatter)."""
    from .intrinsics import format_value
    pieces = node._template
    if node.name != "States.Format" or pieces is None or len(pieces) != len(node.args):
        return None
    names[tag + "f"] = format_value
    parts = [f"{tag}p0"]
    names[tag + "p0"] = pieces[0]
    for i, (arg, piece) in enumerate(zip(node.args[1:], pieces[1:]), 1):
        inline = inline_reader(arg.path, f"{tag}a{i}") if isinstance(arg, PathValue) else None
        if inline is None:
            return None
        source, used = inline
        names.update(used)
        names[f"{tag}p{i}"] = piece
        parts.append(f"(_v if type(_v := {source}) is str else {tag}f(_v))")
        parts.append(f"{tag}p{i}")
    return "''.join((" + ", ".join(parts) + "))"


def _draws(node) -> bool:
    """Whether resolving ``node`` may draw from the execution's random numbers."""
    if getattr(node, "name", None) in _DRAWS:
        return True
    children = getattr(node, "args", None) or getattr(node, "children", None) or ()
    return any(_draws(c[1] if isinstance(c, tuple) else c) for c in children)


_VARIABLE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def _query_error(expression: str, field: str, problem: str) -> StatesError:
    return StatesError("States.QueryEvaluationError",
                       f"The JSONata expression '{expression}' specified for the field '{field}' {problem}",
                       prefix_state=True, location=field)


_jsonata = None     # the JSONata module: loaded only by definitions that use it


class Expression:
    """A ``{% %}`` leaf: one JSONata expression, bound to ``$states`` and the variables it names."""

    __slots__ = ("expression", "field", "variables", "_context", "_rng", "_input_document", "_path",
                 "_input_only", "_merge")

    def __init__(self, text: str, field: str):
        global _jsonata
        if _jsonata is None:
            from . import jsonata
            _jsonata = jsonata
        jsonata = _jsonata
        body = text[2:-2].strip()
        try:
            self.expression = jsonata.compile_expression(body)
        except jsonata.JsonataSyntaxError as err:
            raise DefinitionError(f"the JSONata expression '{body}' is not valid: {err}", field=field) from None
        self.field = field
        # the workflow variables this expression can read (everything else is a JSONata name)
        read = self.expression.bindings_read()
        if read is None:
            read = set(_VARIABLE.findall(body))
        self.variables = tuple(sorted(set(read) - {"states"}))
        # whether $states.context is read: building the Context object is the dear part
        self._context = self.expression.may_read("states", "context")
        self._rng = self.expression.needs_rng   # making the seeded generator is dear: only if used
        self._input_document = self.expression.reads_input_as_document
        # reads $states.input alone: no bindings to make at all
        self._input_only = (self._input_document and not self.variables
                            and self.expression.reads_only_input)
        # "$states.result.Payload.body.make", "$make": read here when it finds a plain value
        match = _PLAIN_PATH.fullmatch(body)
        self._path = None
        if match and (match.group(1) == "states" or match.group(1) in self.variables):
            steps = tuple(match.group(2).split(".")[1:])
            if match.group(1) != "states" or (steps and steps[0] in _STATES_READS):
                self._path = (match.group(1), steps)
        self._merge = self._merge_items(body)

    def _merge_items(self, body: str) -> tuple | None:
        """For ``$merge([A, B, ...])``, each item as a plain path (a (root, steps) tuple) or a plain
        object constructor (merging.Constructor), merged in Python (see merging.py); None: evaluated as written."""
        items = merging.split_items(body)
        if (items is None or self._rng or self.expression.isolated or "merge" in self.variables):
            return None   # $random's draws, the sandbox, a variable shadowing $merge: as written
        compiled = []
        for item in items:
            match = _PLAIN_PATH.fullmatch(item)
            root = match.group(1) if match else None
            steps = tuple(match.group(2).split(".")[1:]) if match else ()
            if root == "states" and steps and steps[0] in _STATES_READS or root in self.variables:
                compiled.append(_INPUT if (root, steps) == _INPUT else (root, steps))
                continue
            # Anything else is evaluated as written: an item jlens evaluated alone could hide
            # a key whose value is a function, which jlens leaves out of what it gives back,
            # where the whole expression would have let it replace an earlier item's value.
            built = merging.Constructor.of(merging.parse_object(item), self.variables, ABSENT)
            if built is None:
                return None
            compiled.append(built)
        return tuple(compiled)

    def states(self, env, with_input: bool = True) -> dict:
        """The ``$states`` binding for one evaluation."""
        states = {"input": env.input} if with_input else {}
        result = env.result
        if result is not ABSENT:
            states["result"] = result
        error_output = env.error_output
        if error_output is not ABSENT:
            states["errorOutput"] = error_output
        if self._context:
            states["context"] = env.context
        return states

    def resolve(self, env):
        if self._path is not None:
            value = _plain_read(self._path, env)
            if value is not _UNSURE:
                return value
        if self._merge is not None:
            value = self._merged(env)
            if value is not None:
                return value
        jsonata = _jsonata
        fast = self._input_document
        if self._input_only:
            bindings = None
        else:
            bindings = {"states": self.states(env, not fast)}
            if self.variables:
                scope = env.variables
                for name in self.variables:
                    try:
                        bindings[name] = scope[name]
                    except KeyError:
                        pass
        try:
            if fast:
                value = self.expression.evaluate_input_as_document(
                    bindings, env.input, now_ms=env.now_ms, rng=env.random if self._rng else None,
                    max_result_bytes=PAYLOAD_BYTES)
            else:
                value = self.expression.evaluate(bindings, now_ms=env.now_ms,
                                                 rng=env.random if self._rng else None,
                                                 max_result_bytes=PAYLOAD_BYTES)
        except jsonata.ResultTooLarge:
            raise PayloadTooLarge(f"The JSONata expression '{self.expression.text}' specified for the "
                                  f"field '{self.field}'") from None
        except jsonata.UnsupportedResultType:
            raise _query_error(self.expression.text, self.field, "returned an unsupported result type.") from None
        except jsonata.JsonataError as err:
            raise _query_error(self.expression.text, self.field,
                               f"threw an error during evaluation. {err}") from None
        if value is jsonata.UNDEFINED:
            raise _query_error(self.expression.text, self.field, "returned nothing (undefined).")
        return value

    def _merged(self, env) -> dict | None:
        """The ``$merge`` merged in Python, None where jlens must say (see merging.py)."""
        merged = {}
        total = 0
        for item in self._merge:
            if type(item) is tuple:
                value = env.input if item is _INPUT else merging.plain_value(item, env, ABSENT)
                if type(value) is not dict:
                    return None
            else:
                value = item.build(env)
                if value is None:
                    return None
            size = merging.shared_size(value)
            if size is None:
                return None
            total += size
            merged.update(value)
        return merged if total <= PAYLOAD_BYTES else None


# A JSONata expression that is a variable and names: jlens's answer is the value found there,
# when every step is an object's field and the value is one that jlens gives back unchanged.
_PLAIN_PATH = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z_][A-Za-z0-9_]*)*)")
_STATES_READS = merging.STATES_READS
_UNSURE = object()
_INPUT = ("states", ("input",))      # $states.input, read at once
_SAFE_INTEGER = 2 ** 53
_SHORT_TEXT = PAYLOAD_BYTES // 6      # characters whose JSON (6 bytes each at most) fits the limit


def _plain_read(path: tuple, env) -> Any:
    """The value of a plain path expression, or _UNSURE where jlens must say (a field missing,
    an array on the way, which JSONata maps over, a container or number it would convert)."""
    value = merging.plain_value(path, env, ABSENT)
    if value is merging.MISSING:
        return _UNSURE
    kind = type(value)
    if kind is str:
        return value if len(value) <= _SHORT_TEXT else _UNSURE
    if value is None or kind is bool:
        return value
    if kind is int:
        return value if -_SAFE_INTEGER <= value <= _SAFE_INTEGER else _UNSURE
    if kind is float:
        return int(value) if value.is_integer() and abs(value) < 1e21 else value
    return _UNSURE


class Template:
    """A compiled payload template or JSONata value (Parameters, ResultSelector, Arguments,
    Output, Assign, Items, Condition, ...): ``resolve(env)`` builds its value."""

    __slots__ = ("source", "field", "root", "constant", "resolve")

    def __init__(self, source: Any, field: str, root):
        self.source = source
        self.field = field
        self.root = root
        self.constant = isinstance(root, Constant)
        self.resolve = root.resolve   # one call per resolve, not two

    @property
    def text(self) -> str:
        """The expression text when the whole value is one expression (for messages)."""
        root = self.root
        return root.expression.text if isinstance(root, Expression) else str(self.source)


# --- JSONPath templates -----------------------------------------------------------------------

def compile_dynamic_value(text: Any, field: str):
    """The value of a ``key.$`` field: a path, a context path, a variable path or an intrinsic."""
    if isinstance(text, str):
        stripped = text.strip()
        if stripped.startswith("$"):
            try:
                return PathValue(compile_path(stripped), field)
            except DefinitionError as err:
                raise err.located(field=field) from None
        if stripped.startswith("States."):
            from .intrinsics import compile_intrinsic
            try:
                return compile_intrinsic(stripped, field=field)
            except DefinitionError as err:
                raise err.located(field=field) from None
    raise DefinitionError(f"The value for the field '{field}' must be a valid JSONPath or a valid "
                          "intrinsic function call", field=field)


def _compile_jsonpath(value: Any, where: str):
    if isinstance(value, dict):
        items = []
        names: dict = {}
        dynamic = False
        for key, sub in value.items():
            if key.endswith(".$"):
                name = key[:-2]
                node = compile_dynamic_value(sub, key)
                dynamic = True
            else:
                name = key
                node = _compile_jsonpath(sub, f"{where}/{key}")
                dynamic = dynamic or not isinstance(node, Constant)
            if name in names:
                raise DefinitionError(f"The field '{name}' appears twice once '.$' is removed "
                                      f"('{names[name]}' and '{key}')", field=f"{where}/{key}")
            names[name] = key
            items.append((name, node))
        if not dynamic:
            return Constant({name: node.value for name, node in items})
        return Object(tuple(items))
    if isinstance(value, list):
        nodes = [_compile_jsonpath(v, f"{where}/{i}") for i, v in enumerate(value)]
        if all(isinstance(n, Constant) for n in nodes):
            return Constant([n.value for n in nodes])
        return Array(tuple(nodes))
    return Constant(value)


def compile_template(source: Any, field: str) -> Template:
    """Compile a JSONPath payload template; ``field`` names it in error messages (``Parameters``)."""
    try:
        return Template(source, field, _compile_jsonpath(source, field))
    except DefinitionError as err:
        raise err.located(field=field) from None


# --- JSONata values ---------------------------------------------------------------------------

def _compile_jsonata(value: Any, field: str):
    if is_expression(value):
        return Expression(value, field)
    if isinstance(value, dict):
        items = tuple((k, _compile_jsonata(v, f"{field}/{k}")) for k, v in value.items())
        if all(isinstance(n, Constant) for _, n in items):
            return Constant(value)
        return Object(items)
    if isinstance(value, list):
        nodes = tuple(_compile_jsonata(v, f"{field}/{i}") for i, v in enumerate(value))
        if all(isinstance(n, Constant) for n in nodes):
            return Constant(value)
        return Array(nodes)
    return Constant(value)


def compile_jsonata_template(source: Any, field: str) -> Template:
    """Compile a JSONata-mode value: ``{% %}`` strings anywhere inside it are expressions."""
    return Template(source, field, _compile_jsonata(source, field))
