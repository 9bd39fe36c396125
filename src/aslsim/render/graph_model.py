"""A state machine as a picture's raw material: nodes, edges and nested clusters.

One model for every output format and for both query languages. Structure comes from the
compiled machine (validated: every Next names a state); the text of Choice rules comes from the
definition as written, since the compiled conditions no longer read like the source.

Edges, by kind:
- ``start``: ``""`` -> the machine's StartAt; a Parallel/Map state -> each branch's StartAt;
- ``next``, ``choice`` (one per rule, labelled with the rule), ``default``, ``catch`` (one per
  catcher, labelled with its ErrorEquals), ``retry`` (one self-loop per state with a Retry);
- ``end``: a top-level state that ends the execution -> ``""``. A state that ends a branch has
  no edge: the branch's box ends there and the Parallel/Map state carries on.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace

from ..definition.model import ChoiceState, CompiledMachine, Graph, MapState, ParallelState
from ..query.templates import is_expression

# Longest edge label before it is shortened with an ellipsis: a picture, not a listing.
LABEL_LIMIT = 48


@dataclass(frozen=True)
class Node:
    name: str
    type: str                        # the ASL Type: Task, Choice, Parallel, ...
    index: int                       # position in definition order, for stable ids
    cluster: str | None              # id of the innermost cluster holding it, None at top level
    detail: str = ""                 # a short second line: the Task's resource, the Wait's time
    container: str | None = None     # id of the cluster a Parallel/Map state owns


@dataclass(frozen=True)
class Edge:
    source: str                      # state name; "" is the execution's Start
    target: str                      # state name; "" is the execution's End
    kind: str                        # start | next | choice | default | catch | retry | end
    label: str = ""


@dataclass
class Cluster:
    id: str
    kind: str                        # parallel | map | branch
    state: str                       # the Parallel/Map state it belongs to
    label: str
    parent: str | None               # enclosing cluster id
    start_at: str = ""
    members: list[str] = field(default_factory=list)     # state names directly inside
    children: list[str] = field(default_factory=list)    # cluster ids directly inside


@dataclass
class GraphModel:
    name: str
    start_at: str
    nodes: dict[str, Node]           # every state, nested ones included, by name
    edges: list[Edge]
    clusters: dict[str, Cluster]
    top: list[str]                   # state names at the top level, in definition order
    comment: str | None = None


def build(machine) -> GraphModel:
    """The graph of ``machine`` (an ``aslsim.StateMachine`` or its compiled machine)."""
    compiled: CompiledMachine = getattr(machine, "_compiled", machine)
    name = getattr(machine, "name", "StateMachine")
    model = GraphModel(name=name, start_at=compiled.graph.start_at, nodes={}, edges=[],
                       clusters={}, top=[], comment=compiled.comment)
    _Builder(model).graph(compiled.graph, compiled.source or {}, None, model.top)
    model.edges.insert(0, Edge("", compiled.graph.start_at, "start"))
    return model


class _Builder:
    def __init__(self, model: GraphModel):
        self.model = model

    def graph(self, graph: Graph, source: dict, cluster: str | None, members: list[str]):
        raw_states = source.get("States") or {}
        for name, state in graph.states.items():
            raw = raw_states.get(name) or {}
            members.append(name)
            # the node is placed before its branches' states, so ids follow definition order
            node = Node(name=name, type=state.type, index=len(self.model.nodes), cluster=cluster,
                        detail=_detail(state, raw))
            self.model.nodes[name] = node
            container = self.container(state, raw, cluster)
            if container:
                self.model.nodes[name] = replace(node, container=container)
            self.edges(state, raw, top_level=cluster is None)

    def new_id(self) -> str:
        """c0, c1... for Parallel and Map boxes; a branch is its Parallel's id + b<i>."""
        return f"c{sum(1 for c in self.model.clusters.values() if c.kind != 'branch')}"

    def container(self, state, raw: dict, parent: str | None) -> str | None:
        if isinstance(state, ParallelState):
            cid = self.new_id()
            box = Cluster(cid, "parallel", state.name, state.name, parent)
            self.model.clusters[cid] = box
            for i, branch in enumerate(state.branches):
                bid = f"{cid}b{i}"
                raw_branch = (raw.get("Branches") or [{}] * len(state.branches))[i]
                inner = Cluster(bid, "branch", state.name, f"Branch {i + 1}", cid,
                                start_at=branch.start_at)
                self.model.clusters[bid] = inner
                box.children.append(bid)
                self.model.edges.append(Edge(state.name, branch.start_at, "start"))
                self.graph(branch, raw_branch, bid, inner.members)
            return cid
        if isinstance(state, MapState):
            cid = self.new_id()
            kind = "Distributed Map" if state.distributed else "Map"
            box = Cluster(cid, "map", state.name, f"{kind}: {state.name}", parent,
                          start_at=state.processor.start_at)
            self.model.clusters[cid] = box
            raw_processor = raw.get("ItemProcessor") or raw.get("Iterator") or {}
            self.model.edges.append(Edge(state.name, state.processor.start_at, "start"))
            self.graph(state.processor, raw_processor, cid, box.members)
            return cid
        return None

    def edges(self, state, raw: dict, *, top_level: bool):
        add = self.model.edges.append
        if isinstance(state, ChoiceState):
            raw_rules = raw.get("Choices") or []
            for i, rule in enumerate(state.choices):
                text = rule_label(raw_rules[i]) if i < len(raw_rules) else ""
                add(Edge(state.name, rule.next, "choice", text))
            if state.default is not None:
                add(Edge(state.name, state.default, "default", "Default"))
        elif state.next is not None:
            add(Edge(state.name, state.next, "next"))
        retriers = getattr(state, "retriers", ())
        if retriers:
            add(Edge(state.name, state.name, "retry", retry_label(retriers)))
        for catcher in getattr(state, "catchers", ()):
            add(Edge(state.name, catcher.next, "catch", _shorten(", ".join(catcher.errors))))
        ends = state.end or state.type in ("Succeed", "Fail")
        if ends and top_level:
            add(Edge(state.name, "", "end"))


def retry_label(retriers) -> str:
    """"retry ×3" for one catch-all retrier; the errors too when there are several."""
    if len(retriers) == 1 and retriers[0].errors == ("States.ALL",):
        return f"retry ×{retriers[0].max_attempts}"
    parts = [f"{', '.join(r.errors)} ×{r.max_attempts}" for r in retriers]
    return _shorten("retry " + "; ".join(parts))


# -- Choice rules as short readable text ---------------------------------------------------

_OPERATORS = {"Equals": "==", "LessThan": "<", "GreaterThan": ">", "LessThanEquals": "<=",
              "GreaterThanEquals": ">="}
_KINDS = ("String", "Numeric", "Boolean", "Timestamp")
_TESTS = {"IsPresent": "present", "IsNull": "null", "IsNumeric": "numeric", "IsString": "a string",
          "IsBoolean": "a boolean", "IsTimestamp": "a timestamp"}


def rule_label(rule: dict) -> str:
    """A Choice rule as one short line: ``$.size > 1048576``, a JSONata Condition as written."""
    if "Condition" in rule:
        condition = rule["Condition"]
        if isinstance(condition, str):
            text = condition.strip()
            if is_expression(text):
                text = text[2:-2]
            return _shorten(" ".join(text.split()))
        return _shorten(json.dumps(condition))
    return _shorten(_condition(rule))


def _condition(rule: dict) -> str:
    for combinator, word in (("And", " and "), ("Or", " or ")):
        if combinator in rule and isinstance(rule[combinator], list):
            parts = [_condition(r) if isinstance(r, dict) else "?" for r in rule[combinator]]
            return word.join(_grouped(p) for p in parts)
    if isinstance(rule.get("Not"), dict):
        return f"not {_grouped(_condition(rule['Not']))}"
    variable = rule.get("Variable", "?")
    for key, value in rule.items():
        if key in _TESTS:
            return f"{variable} is {'' if value else 'not '}{_TESTS[key]}"
        if key in ("StringMatches", "StringMatchesPath"):
            return f"{variable} matches {_operand(key, value)}"
        base = key[:-4] if key.endswith("Path") else key
        for kind in _KINDS:
            if base.startswith(kind) and base[len(kind):] in _OPERATORS:
                return f"{variable} {_OPERATORS[base[len(kind):]]} {_operand(key, value)}"
    return "?"


def _operand(key: str, value) -> str:
    if key.endswith("Path"):
        return str(value)                       # a path or variable, shown as written
    return json.dumps(value, ensure_ascii=False)


def _grouped(text: str) -> str:
    return f"({text})" if " and " in text or " or " in text else text


def _shorten(text: str) -> str:
    return text if len(text) <= LABEL_LIMIT else text[:LABEL_LIMIT - 1].rstrip() + "…"


# -- the second line of a node ---------------------------------------------------------------

def _detail(state, raw: dict) -> str:
    if state.type == "Task":
        return _shorten(_resource(getattr(state, "resource", "") or ""))
    if state.type == "Wait":
        for key in ("Seconds", "Timestamp", "SecondsPath", "TimestampPath"):
            if key in raw:
                value = raw[key]
                text = f"{value}s" if key == "Seconds" and isinstance(value, int) else str(value)
                return _shorten(f"{key.removesuffix('Path').lower()} {text}")
    if isinstance(state, ParallelState):
        count = len(state.branches)
        return f"{count} branch{'es' if count != 1 else ''}"
    if isinstance(state, MapState):
        return "distributed map" if state.distributed else "inline map"
    return ""


_STATES_ARN = re.compile(r"^arn:[^:]+:states:::(?P<service>.+)$")
_LAMBDA_ARN = re.compile(r"^arn:[^:]+:lambda:[^:]*:[^:]*:function:(?P<name>[^:]+)")
_ACTIVITY_ARN = re.compile(r"^arn:[^:]+:states:[^:]*:[^:]*:activity:(?P<name>.+)$")


def _resource(resource: str) -> str:
    """``arn:aws:states:::lambda:invoke`` -> ``lambda:invoke``; aws-sdk integrations lose the prefix."""
    match = _STATES_ARN.match(resource)
    if match:
        service = match["service"]
        return service.removeprefix("aws-sdk:")
    match = _LAMBDA_ARN.match(resource)
    if match:
        return f"lambda:{match['name']}"
    match = _ACTIVITY_ARN.match(resource)
    if match:
        return f"activity:{match['name']}"
    return resource
