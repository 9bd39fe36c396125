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

    __slots__ = ("graph", "start_at", "plans", "never_waits")

    def __init__(self, graph: Graph):
        self.graph = graph
        self.start_at = graph.start_at
        self.plans = {name: Plan(state) for name, state in graph.states.items()}
        # no state of it ever lets virtual time pass or starts threads: a thread of this graph
        # runs to its end in one step of the scheduler
        self.never_waits = not any(plan.waits for plan in self.plans.values())


class Plan:
    """One state, ready to run. Executors keep their own compiled fields on it (``prepare``)."""

    def __init__(self, state):
        self.state = state
        self.name = state.name
        self.type = state.type
        self.flow = flow_of(state)
        # the walker applies InputPath only where there is one (JSONata states have none)
        self.reads_input_path = not self.flow.jsonata and state.input_path is not None
        # the coverage trace's entries for the transitions this state can make, made once
        self.transitions = {target: ("transition", state.name, target) for target in _targets(state)}
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
        bound = _output_bound(state, self.flow)
        self.size_a, self.size_r, self.size_c, self.size_b = bound.a, bound.r, bound.c, bound.b
        self.size_rc = bool(bound.r or bound.c)
        # the size bounds of the state's Assign blocks, by id (the plan keeps the state alive)
        blocks = [state.assign, *(rule.assign for rule in getattr(state, "choices", ())),
                  *(catcher.assign for catcher in getattr(state, "catchers", ()))]
        self.assign_bounds = {id(block): bound_of(block) for block in blocks if block is not None}
        parameters = getattr(state, "parameters", None)
        self.arguments_bound = bound_of(parameters) if parameters is not None else None
        # what the walker reads on every visit, in one tuple (one unpacking, not a dozen lookups)
        self.visit = (state, self.entered_type, self.exited_type, self.reads_input_path, self.waits,
                      self.execute, self.size_a, self.size_b, self.size_rc, self.transitions)

    def __repr__(self) -> str:
        return f"<Plan {self.type} {self.name!r}>"


def _output_bound(state, flow) -> Bound:
    """The linear bound of this state's output: ``a`` times its input's bound, ``r`` times its
    result's (``ctx.result_size``), ``c`` times the Context object's, plus ``b``."""
    if state.type == "Pass":
        kind = _PASS_RESULT
    elif state.type in ("Task", "Parallel", "Map"):
        kind = _RESULT
    else:
        kind = _NO_RESULT
    if flow.jsonata:
        if state.output is not None:
            return _known(bound_of(state.output))
        return Bound(r=1) if kind == _RESULT else Bound(a=1)
    if kind == _NO_RESULT:
        return _subset(state, Bound(a=1))
    if kind == _PASS_RESULT:
        if state.has_result:
            result = Bound(b=measure(state.result))
        else:
            result = bound_of(state.parameters) if state.parameters is not None else Bound(a=1)
    else:
        result = Bound(r=1)
    selector = getattr(state, "result_selector", None)
    if selector is not None and result is not None:
        result = _compose(bound_of(selector), result)
    if result is None:
        return Bound(b=UNKNOWN)
    path = state.result_path
    if path is NULL_PATH:
        return _subset(state, Bound(a=1))
    if path is None:
        return _subset(state, result)
    # the input, the result and the objects ResultPath creates on its way
    return _subset(state, Bound(a=1) + result + Bound(b=8 * len(path.text) + 16))


def _compose(outer: Bound | None, inner: Bound) -> Bound | None:
    """The bound of ``outer`` (over a document) applied to a document bounded by ``inner``."""
    if outer is None:
        return None
    return Bound(a=outer.a * inner.a, r=outer.a * inner.r, c=outer.a * inner.c + outer.c,
                 b=outer.a * inner.b + outer.b)


def _known(bound: Bound | None) -> Bound:
    return Bound(b=UNKNOWN) if bound is None else bound


def _subset(state, bound: Bound) -> Bound:
    """OutputPath keeps a part of the value (null: ``{}``)."""
    return Bound(b=2) if state.output_path is NULL_PATH else bound


def _targets(state) -> set:
    targets = {state.next, getattr(state, "default", None)}
    targets.update(rule.next for rule in getattr(state, "choices", ()))
    targets.update(catcher.next for catcher in getattr(state, "catchers", ()))
    return targets


def compile_plan(graph: Graph) -> PlanGraph:
    return PlanGraph(graph)
