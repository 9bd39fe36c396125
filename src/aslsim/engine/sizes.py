"""The 256 KiB payload limit, kept without serialising every payload.

AWS limits every state's input and output, every task result and every execution input to
262,144 bytes of UTF-8 JSON. Measuring each payload would double the cost of a state, so sizes
are *bounded*: each thread carries a bound on the size of its data, and each compiled value has a
linear bound ``a * document + c * context + b`` (its constants measured at load, each path read
from the document counting the document's whole size, an expression unknown). Only when a
bound passes the limit is the value measured, and the bound reset to the measure.
"""
from __future__ import annotations

from ..definition.limits import PAYLOAD_BYTES
from ..jsontext import size as json_size
from ..query.intrinsics import Intrinsic
from ..query.jsonpath import CONTEXT, INPUT, PathValue
from ..query.templates import Array, Constant, Expression, Object, Template
from .failures import data_limit

UNKNOWN = PAYLOAD_BYTES * 1024    # larger than any bound that can pass: measure


def measure(value) -> int:
    """The size of ``value`` as JSON in UTF-8."""
    return json_size(value)


# Intrinsics whose result size does not grow with their arguments: their bound in bytes.
_FIXED = {"States.MathAdd": 24, "States.ArrayLength": 24, "States.MathRandom": 24,
          "States.ArrayContains": 5, "States.UUID": 38, "States.Hash": 132,
          "States.ArrayRange": 1000 * 25}
# Others make at most about this many times the JSON of their arguments (plus 24 bytes each):
# Java prints containers with ", " and "=" and numbers as "1.0E-5"; a string's characters keep
# the bytes their escapes took.
_GROWTH = 3


class Bound:
    """``a * document + r * result + c * context + i * item + b`` bytes (the result: a state's,
    for the bound of its output; the item: a Map's, which only an ItemSelector reads)."""

    __slots__ = ("a", "r", "c", "b", "i")

    def __init__(self, a: int = 0, c: int = 0, b: int = 0, r: int = 0, i: int = 0):
        self.a, self.r, self.c, self.b, self.i = a, r, c, b, i

    def __add__(self, other: "Bound") -> "Bound":
        return Bound(self.a + other.a, self.c + other.c, self.b + other.b, self.r + other.r,
                     self.i + other.i)

    def scaled(self, factor: int) -> "Bound":
        return Bound(self.a * factor, self.c * factor, self.b * factor, self.r * factor,
                     self.i * factor)

    def at(self, document: int, context: int) -> int:
        return self.a * document + self.c * context + self.b


# ``$$.Map.Item.Index`` is a number; ``$$.Map.Item.Value`` is the item (in an ItemSelector)
_ITEM_INDEX, _ITEM_VALUE = ("Map", "Item", "Index"), ("Map", "Item", "Value")


def bound_of(value, item: bool = False) -> Bound | None:
    """The linear size bound of a compiled template or value node, or None when unknown.
    ``item``: the value is an ItemSelector, whose Context object holds the Map's item."""
    if value is None:
        return Bound()
    if isinstance(value, Template):
        return bound_of(value.root, item)
    if isinstance(value, Constant):
        return Bound(b=measure(value.value))
    if isinstance(value, Object):
        total = Bound(b=2 + max(len(value.children) - 1, 0))
        for key, child in value.children:
            node = bound_of(child, item)
            if node is None:
                return None
            total = total + node + Bound(b=json_size(key) + 1)
        return total
    if isinstance(value, Array):
        total = Bound(b=2 + max(len(value.children) - 1, 0))
        for child in value.children:
            node = bound_of(child, item)
            if node is None:
                return None
            total = total + node
        return total
    if isinstance(value, PathValue):
        root = value.path.root
        if root is INPUT:
            return Bound(a=1)
        if root is CONTEXT:
            return _context_bound(value.path.steps) if item else Bound(c=1)
        return None    # a variable: its size is not tracked
    if isinstance(value, Intrinsic):
        if value.name in _FIXED:
            return Bound(b=_FIXED[value.name])
        total = Bound(b=len(value.text) * 6)
        for arg in value.args:
            node = bound_of(arg, item) if not hasattr(arg, "template") else Bound(b=measure(arg.value))
            if node is None:
                return None
            total = total + node.scaled(_GROWTH) + Bound(b=24)
        return total
    if isinstance(value, Expression):
        return Bound(b=PAYLOAD_BYTES)   # jlens refuses a larger result (PayloadTooLarge)
    return None


def _context_bound(steps) -> Bound:
    """A path into an ItemSelector's Context object: the item's index, the item (or a part of
    it), or anything else the Context holds."""
    if steps:
        head = steps[:3]
        if head == _ITEM_INDEX and len(steps) == 3:
            return Bound(b=24)
        if head == _ITEM_VALUE:
            return Bound(i=1)
    return Bound(c=1)


# -- checks ----------------------------------------------------------------------------------

def measured(output, name: str) -> int:
    """The size of a state's output whose bound passed the payload limit; over it, the state fails."""
    size = measure(output)
    if size > PAYLOAD_BYTES:
        raise data_limit(name)
    return size


def checked_input(ctx, value, template) -> int:
    """A bound on the size of what Parameters / Arguments made of the state's input (a task's
    input, a branch's), measured when the bound passes the limit; over it, the state fails."""
    if template is None:
        return ctx.frame.size
    bound = ctx.plan.arguments_bound
    size = bound.at(ctx.frame.size, ctx.run.context_bound) if bound is not None else PAYLOAD_BYTES + 1
    if size > PAYLOAD_BYTES:
        size = measure(value)
        if size > PAYLOAD_BYTES:
            raise data_limit(ctx.state.name)
    return size


def results_size(ctx, results: list, frames) -> int:
    """The result array of the branches (or iterations) within the payload limit: its bound."""
    size = 2 + sum(f.size + 1 for f in frames)
    if size > PAYLOAD_BYTES:
        size = measure(results)
        if size > PAYLOAD_BYTES:
            raise data_limit(ctx.state.name)
    return size
