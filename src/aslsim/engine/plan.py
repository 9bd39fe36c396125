"""The engine's compiled form of a state machine, built once when it is loaded.

Each state gets a ``Plan``: its executor (from the table in ``executors``), the data flow of its
query language, its dynamic fields as compiled values, the size bound of its output, and for a
Parallel or a Map the plans of the graphs it runs. A run only walks plans: nothing at run time
asks which query language a state uses or which kind of value a field holds.
"""
from __future__ import annotations

from ..definition.model import NULL_PATH, Graph
from .dataflow import flow_of
from .executors import EXECUTORS
from .sizes import UNKNOWN, Bound, bound_of, measure

_NO_RESULT, _PASS_RESULT, _RESULT = "none", "pass", "result"


class PlanGraph:
    """A graph (the machine's top level, a branch, a Map's processor) of plans."""

    __slots__ = ("graph", "start_at", "plans")

    def __init__(self, graph: Graph):
        self.graph = graph
        self.start_at = graph.start_at
        self.plans = {name: Plan(state) for name, state in graph.states.items()}


class Plan:
    """One state, ready to run. Executors keep their own compiled fields on it (``prepare``)."""

    def __init__(self, state):
        self.state = state
        self.name = state.name
        self.type = state.type
        self.flow = flow_of(state)
        self.entered_type = state.type + "StateEntered"
        self.exited_type = state.type + "StateExited"
        self.aborted_type = state.type + "StateAborted"
        branches = getattr(state, "branches", ())
        self.branches = tuple(PlanGraph(graph) for graph in branches)
        processor = getattr(state, "processor", None)
        self.processor = PlanGraph(processor) if processor is not None else None
        executor = EXECUTORS[state.type]
        self.execute, self.waits = executor.choose(state)
        executor.prepare(self)
        self._bound = _output_bound(state, self.flow)
        parameters = getattr(state, "parameters", None)
        self.arguments_bound = bound_of(parameters) if parameters is not None else None

    def output_bound(self, input_size: int, ctx) -> int:
        """A bound (bytes) on this state's output, from its input's bound and its result's."""
        return self._bound(input_size, ctx)

    def __repr__(self) -> str:
        return f"<Plan {self.type} {self.name!r}>"


def _output_bound(state, flow):
    """The function (input bound, ctx) -> output bound for this state."""
    if state.type == "Pass":
        kind = _PASS_RESULT
    elif state.type in ("Task", "Parallel", "Map"):
        kind = _RESULT
    else:
        kind = _NO_RESULT
    if flow.jsonata:
        if state.output is not None:
            output = bound_of(state.output)
            if output is None:
                return lambda size, ctx: UNKNOWN
            return lambda size, ctx: output.at(size, ctx.run.context_bound)
        if kind == _RESULT:
            return lambda size, ctx: ctx.result_size
        return lambda size, ctx: size
    if kind == _NO_RESULT:
        return _subset(state, lambda size, ctx: size)
    if kind == _PASS_RESULT:
        if state.has_result:
            result = Bound(b=measure(state.result))
        else:
            result = bound_of(state.parameters) if state.parameters is not None else Bound(a=1)
        if result is None:
            return lambda size, ctx: UNKNOWN

        def result_bound(size, ctx):
            return result.at(size, ctx.run.context_bound)
    else:
        def result_bound(size, ctx):
            return ctx.result_size
    selector = getattr(state, "result_selector", None)
    if selector is not None:
        selected = bound_of(selector)
        if selected is None:
            return lambda size, ctx: UNKNOWN
        inner = result_bound

        def result_bound(size, ctx):
            return selected.at(inner(size, ctx), ctx.run.context_bound)
    path = state.result_path
    if path is NULL_PATH:
        return _subset(state, lambda size, ctx: size)
    if path is None:
        return _subset(state, result_bound)
    overhead = 8 * len(path.text) + 16      # the objects ResultPath creates on its way

    def placed(size, ctx):
        return size + result_bound(size, ctx) + overhead
    return _subset(state, placed)


def _subset(state, bound):
    """OutputPath keeps a part of the value (null: ``{}``)."""
    if state.output_path is NULL_PATH:
        return lambda size, ctx: 2
    return bound


def compile_plan(graph: Graph) -> PlanGraph:
    return PlanGraph(graph)
