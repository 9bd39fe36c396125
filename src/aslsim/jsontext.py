"""Compact JSON text, exactly as ``json.dumps(value, separators=(",", ":"), ensure_ascii=False)``
writes it, made by orjson, which writes it about ten times faster.

The two agree on every JSON value aslsim carries except a few, which are written by ``json``:
numbers below 1e-4 in magnitude (orjson writes ``0.00001`` and ``1e-7`` where Python writes
``1e-05`` and ``1e-07``; such a text holds ``e-`` or ``0.0000``, which is looked for in the
text, stray matches inside strings costing only speed), and values orjson refuses (integers
beyond 64 bits, nesting beyond 255 levels, lone surrogates).
"""
from __future__ import annotations

import json

import orjson

__all__ = ["size", "text"]

_dumps = orjson.dumps
_PYTHON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def text(value) -> str:
    """The JSON text of ``value``."""
    try:
        written = _dumps(value).decode()
    except TypeError:           # orjson.JSONEncodeError: a value orjson does not write
        return _PYTHON(value)
    if _may_hold_tiny_float(written):
        return _PYTHON(value)
    return written


def size(value) -> int:
    """The length of ``value``'s JSON text in UTF-8 bytes."""
    try:
        raw = _dumps(value)
    except TypeError:
        return len(_PYTHON(value).encode("utf-8", "surrogatepass"))
    if _may_hold_tiny_float(raw.decode()):
        return len(_PYTHON(value).encode("utf-8", "surrogatepass"))
    return len(raw)


def _may_hold_tiny_float(written: str) -> bool:
    # A one-character search is a memchr; a two-character one stops at every "e" of every key,
    # several times dearer. Most payloads hold no "-" (or no "."), and are passed on that alone.
    return ("-" in written and "e-" in written) or ("." in written and "0.0000" in written)
