"""``$merge([A, B, ...])`` merged in Python: what jlens would answer, without converting objects
that are merged unchanged into the engine and back out.

AWS documents ``$merge([$states.input, {...}])`` as JSONata's ResultPath. jlens evaluating it
converts the whole input in and the whole result out; merged here, each item is evaluated on
its own (a plain path read by reference, anything else by jlens) and the objects are shared.
The answer is jlens's only where nothing is unusual, so ``merged`` gives up (None) and the
expression is evaluated as written whenever:

* an item is not an object: undefined (the array constructor drops it), an array (it flattens
  one), a scalar (``$merge`` fails); or an item fails;
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

import orjson

__all__ = ["split_items", "shared_size", "plain_size"]

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


def plain_size(value: dict) -> int | None:
    """The length of the JSON text of an object jlens made (None where orjson refuses it)."""
    try:
        return len(_dumps(value))
    except TypeError:
        return None
