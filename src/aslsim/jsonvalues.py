"""What aslsim takes as a JSON value, checked where values come in: definitions, execution
inputs, mocks, handler results and the files they are read from.

AWS reads every payload as JSON text, so NaN, Infinity and numbers beyond a double (``1e999``)
are refused, as are Python values JSON has no form for (a set, a datetime, a non-string key) and
lone surrogates, which UTF-8 text cannot carry. Nesting is capped at ``MAX_DEPTH`` levels: a
limit of aslsim's own (AWS documents none below the payload size), so that no deeper value can
reach a recursive walk and end in a RecursionError. Once a value has passed here, nothing inside
an execution has to ask again.
"""
from __future__ import annotations

import json
import marshal
import math
import sys
from typing import Any

__all__ = ["MAX_DEPTH", "NotJSON", "check", "copy", "loads", "parse", "pointer_parts"]

MAX_DEPTH = 256
# Python refuses to read or print integers longer than this many digits (its default guard
# against quadratic conversions); a longer number cannot be carried through a run.
_MAX_DIGITS = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 4300
_SAFE_BITS = int((_MAX_DIGITS - 1) * 3.3)     # a little under the digit limit


# The marshal texts of values lately found plainly JSON: the same mocks and input, checked on
# every run, are then known by a text marshal writes in C, a quarter of the walk's time.
_PLAIN: dict[bytes, None] = {}
_PLAIN_ENTRIES, _PLAIN_TEXT_BYTES = 64, 1 << 16


class NotJSON(ValueError):
    """A value or text that is not JSON as AWS reads it; ``pointer`` is where (a JSON Pointer)."""

    def __init__(self, message: str, pointer: str = ""):
        self.message = message
        self.pointer = pointer
        shown = pointer if len(pointer) <= 80 else pointer[:77] + "..."
        super().__init__(f"{message} (at {shown})" if pointer else message)


def check(value: Any) -> None:
    """Raise NotJSON, naming the place, when ``value`` is not a JSON value aslsim can carry."""
    try:
        # marshal writes exact builtin types only, each with its type and value, in order: equal
        # texts are equal values of the same types, which this check finds JSON alike
        text = marshal.dumps(value)
    except ValueError:     # a type marshal does not write, or too deep: walked below
        text = None
    if text is not None and text in _PLAIN:
        return
    if _plainly_json(value):
        if text is not None and len(text) <= _PLAIN_TEXT_BYTES:
            if len(_PLAIN) >= _PLAIN_ENTRIES:
                _PLAIN.clear()
            _PLAIN[text] = None
        return
    if _first_problem(value, with_path=False) is not None:
        message, parts = _first_problem(value, with_path=True)
        raise NotJSON(message, _pointer(parts))


try:   # the C encoder and scanner called directly: json.dumps/loads's wrappers cost as much
    from json.encoder import c_make_encoder as _c_encoder
    from json.scanner import c_make_scanner as _c_scanner
    _ENCODE = _c_encoder(None, None, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    _SCAN = _c_scanner(json.JSONDecoder())
except (ImportError, TypeError):   # pragma: no cover - a Python without the C accelerator
    _ENCODE = _SCAN = None
_COMPACT = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def copy(value: Any) -> tuple[Any, str]:
    """A private copy of a value that passed ``check`` (or that a run made of such values), made
    through its compact JSON text, and that text (non-ASCII characters as they are)."""
    if _ENCODE is None:   # pragma: no cover
        text = _COMPACT(value)
        return json.loads(text), text
    text = "".join(_ENCODE(value, 0))
    return _SCAN(text, 0)[0], text


def loads(text: str | bytes) -> Any:
    """``json.loads`` as AWS reads JSON: NaN, Infinity, 1e999, over-long numbers, lone surrogates
    and too-deep nesting raise NotJSON; a syntax error raises json.JSONDecodeError as usual."""
    value = parse(text)
    check(value)
    return value


def parse(text: str | bytes) -> Any:
    """``loads`` without the walk over the value: for a caller that checks it with ``check``."""
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8")       # UnicodeDecodeError: not UTF-8 text
    try:
        value = json.loads(text, parse_constant=_constant, parse_float=_finite_float)
    except RecursionError:
        raise NotJSON(f"the JSON nests deeper than {MAX_DEPTH} levels, more than aslsim reads") from None
    except NotJSON:
        raise
    except json.JSONDecodeError:
        raise
    except ValueError as err:     # Python's guard on integer length
        if "digits" in str(err):
            raise NotJSON(f"a number has more than {_MAX_DIGITS} digits, more than aslsim reads") from None
        raise
    return value


def pointer_parts(pointer: str) -> list[str]:
    """The keys and indexes of a JSON Pointer, unescaped."""
    if not pointer:
        return []
    return [p.replace("~1", "/").replace("~0", "~") for p in pointer[1:].split("/")]


def _constant(name: str):
    raise NotJSON(f"{name} is not JSON: AWS refuses NaN and Infinity")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NotJSON(f"the number {text} is out of the range of a double: AWS refuses it")
    return value


def _pointer(parts) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _scalar_problem(value: Any) -> str | None:
    kind = type(value)
    if kind is str:
        if value.isascii():
            return None
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "a string holds a lone surrogate, which is not Unicode text"
        return None
    if value is None or kind is bool:
        return None
    if isinstance(value, int):
        if value.bit_length() > _SAFE_BITS:
            try:
                str(value)
            except ValueError:
                return f"a number has more than {_MAX_DIGITS} digits, more than aslsim reads"
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            name = "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"
            return f"{name} is not JSON: AWS refuses NaN and Infinity"
        return None
    return f"a {kind.__name__} is not a JSON value"


def _plainly_json(value: Any) -> bool:
    """True when ``value`` is built of plain dicts, lists, ASCII strings, bools, None, small ints
    and finite floats, nesting no deeper than MAX_DEPTH: JSON without asking _first_problem.
    False means "look closer" (tuples, subclasses, non-ASCII text, long ints too), never "not
    JSON". Mocks and inputs are checked on every run, so this walk is the common case's one."""
    stack = [(value, 1)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth = pop()
        if depth > MAX_DEPTH:
            return False
        kind = type(node)
        if kind is dict:
            for key in node:
                if type(key) is not str or not key.isascii():
                    return False
            items = node.values()
        elif kind is list:
            items = node
        else:
            return False
        for item in items:
            kind = type(item)
            if kind is str:
                if not item.isascii():
                    return False
            elif kind is dict or kind is list:
                push((item, depth + 1))
            elif kind is int:
                if item.bit_length() > _SAFE_BITS:
                    return False
            elif kind is float:
                if item - item != 0.0:      # inf - inf and nan - nan are nan
                    return False
            elif item is not None and kind is not bool:
                return False
    return True


def _first_problem(value: Any, *, with_path: bool):
    """(message, path parts) of the first value, in document order, that is not JSON, or None.
    Iterative, so that depth is measured rather than hit."""
    stack = [(value, 1, ())]
    while stack:
        node, depth, path = stack.pop()
        if isinstance(node, dict):
            if depth > MAX_DEPTH:
                return f"the value nests deeper than {MAX_DEPTH} levels, more than aslsim reads", path
            for key, item in reversed(node.items()):
                if type(key) is not str:
                    return f"the object key {key!r} is not a string", path
                problem = _scalar_problem(key)
                if problem:
                    return f"an object key: {problem}", path
                stack.append((item, depth + 1, path + (key,) if with_path else path))
        elif isinstance(node, (list, tuple)):
            if depth > MAX_DEPTH:
                return f"the value nests deeper than {MAX_DEPTH} levels, more than aslsim reads", path
            for i in range(len(node) - 1, -1, -1):
                item = node[i]
                stack.append((item, depth + 1, path + (i,) if with_path else path))
        else:
            problem = _scalar_problem(node)
            if problem:
                return problem, path
    return None
