"""What both Map flavours share: the items they iterate over, each item's input (ItemSelector,
which alone sees ``$$.Map.Item``), MaxConcurrency."""
from __future__ import annotations

from ..definition.limits import PAYLOAD_BYTES
from ..errors import StatesError, runtime_error
from ..query.jsonpath import dumps, json_type
from ..query.templates import ABSENT
from .context import StateContext
from .dataflow import read_path
from .failures import data_limit
from .sizes import bound_of, measure
from .values import max_concurrency


def prepare(plan) -> None:
    """Compile what a Map state (inline or distributed) reads when it starts."""
    state = plan.state
    plan.items = _jsonata_items(state) if plan.flow.jsonata else _jsonpath_items(state)
    plan.max_concurrency = max_concurrency(state.max_concurrency)
    plan.selector_bound = bound_of(state.item_selector, item=True) if state.item_selector is not None else None


class _jsonpath_items:
    """ItemsPath (default ``$``) over the effective input."""

    __slots__ = ("path",)

    def __init__(self, state):
        self.path = state.items_path

    def resolve(self, ctx) -> list:
        path = self.path
        items = ctx.data if path is None else read_path(path, ctx.data, ctx)
        if not isinstance(items, list):
            raise runtime_error(f"Invalid path '{path.text}' : the value is not a JSON array: {dumps(items)}"
                                if path is not None else
                                f"Map state input must be an array but was: {dumps(items)}")
        return items


class _jsonata_items:
    """Items (default the state input) as JSONata."""

    __slots__ = ("template",)

    def __init__(self, state):
        self.template = state.items

    def resolve(self, ctx) -> list:
        template = self.template
        if template is None:
            items = ctx.input
        else:
            ctx.result = ctx.error_output = ABSENT
            items = template.resolve(ctx)
            if not isinstance(items, list):
                raise StatesError(
                    "States.QueryEvaluationError",
                    f"The JSONata expression '{template.text}' specified for the field 'Items' returned an "
                    f"unexpected result type. Expected 'array', but was '{json_type(items)}' for value: "
                    f"{dumps(items)}", prefix_state=True, location="Items")
        if not isinstance(items, list):
            # recorded (test_map_state_items_input_types): an EvaluationFailed without a location
            raise StatesError("States.QueryEvaluationError",
                              f"Map state input must be an array but was: {dumps(items)}",
                              prefix_state=True, location="")
        return items


def items_size(ctx, items: list) -> int:
    """A bound on the size of any one item: the state's input holds them, unless JSONata made them."""
    if ctx.plan.flow.jsonata and ctx.plan.items.template is not None:
        return measure(items)
    return ctx.frame.size


# $$.Map.Item.Source of an item taken from the state's data (documented)
STATE_DATA = "STATE_DATA"


class ItemSelection:
    """Each item's input after ItemSelector, which alone sees ``$$.Map.Item``, and a bound on
    its size: ``select(index, item, frame)`` -> (input, size), in the variables scope of the
    iteration's ``frame``. ``item_bound`` bounds the size of any one item (``b``: of any one
    input); ``sources[index]`` names where an ItemReader read the item (None: the items are the
    state's data).

    ``$$.Map.Item`` holds Index, Value and Source as the guide lists them. Its Key ("only valid
    for JSON objects") never applies: a Map iterates arrays only (recorded), so it is absent."""

    __slots__ = ("resolve", "item_ctx", "name", "b", "sources")

    def __init__(self, ctx, item_bound: int, sources=None):
        self.sources = sources
        self.name = ctx.state.name
        selector = ctx.state.item_selector
        self.resolve = selector.resolve if selector is not None else None
        document = ctx.frame.size
        if selector is not None:
            # one context serves every item: each selection is made and done before the next
            self.item_ctx = item_ctx = StateContext(ctx.run, ctx.frame, ctx.state, ctx.plan, ctx.input, 0)
            item_ctx.data = item_ctx.document = ctx.data
        bound = self._bound(ctx, document, item_bound)
        if bound > PAYLOAD_BYTES and (selector is None or ctx.plan.selector_bound is not None):
            # a loose bound would measure every item: measure the state's data once instead
            exact = measure(ctx.data)
            if sources is None and not (ctx.plan.flow.jsonata and ctx.plan.items.template is not None):
                item_bound = min(item_bound, exact)    # the items are parts of the data
            document = min(document, exact)
            bound = self._bound(ctx, document, item_bound)
        self.b = bound

    def _bound(self, ctx, document: int, item_bound: int) -> int:
        """A bound on the size of any one item's input, the items bounded by ``item_bound``."""
        if self.resolve is None:
            return item_bound
        bound = ctx.plan.selector_bound
        if bound is None:
            return PAYLOAD_BYTES + 1
        # the Context object holds the item beside the execution's input
        return (bound.a * document + bound.c * (ctx.run.context_bound + item_bound)
                + bound.i * item_bound + bound.b)

    def select(self, index: int, item, frame) -> tuple:
        if self.resolve is None:
            size = self.b
            if size > PAYLOAD_BYTES:
                size = _checked(item, self.name)
            return item, size
        item_ctx = self.item_ctx
        item_ctx.frame = frame
        item_ctx.entered_ms = item_ctx.run.scheduler.now
        sources = self.sources
        item_ctx.map_item = {"Index": index, "Value": item,
                             "Source": STATE_DATA if sources is None else sources[index]}
        item_ctx._context = None
        value = self.resolve(item_ctx)
        size = self.b
        if size > PAYLOAD_BYTES:
            size = _checked(value, self.name)
        return value, size


def _checked(value, name: str) -> int:
    size = measure(value)
    if size > PAYLOAD_BYTES:
        raise data_limit(name)
    return size
