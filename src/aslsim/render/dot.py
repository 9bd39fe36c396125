"""The graph as Graphviz DOT (``dot -Tsvg machine.dot``).

A Parallel or Map state is a node at the top of its own cluster, with its branches (clusters
again) below it; edges leaving it are clipped to the cluster's border (``ltail``), so the flow
reads as "the box finishes, then...". Node ids are generated; labels are DOT-quoted.
"""
from __future__ import annotations

from .graph_model import Cluster, GraphModel, Node

_NODE_STYLE = {
    "Task": 'shape=box, style="rounded,filled", fillcolor="#dbeafe", color="#1d4ed8"',
    "Pass": 'shape=box, style="rounded,filled,dashed", fillcolor="#f1f5f9", color="#64748b"',
    "Wait": 'shape=hexagon, style=filled, fillcolor="#fef9c3", color="#a16207"',
    "Choice": 'shape=diamond, style=filled, fillcolor="#ede9fe", color="#6d28d9"',
    "Succeed": 'shape=doublecircle, style=filled, fillcolor="#dcfce7", color="#15803d"',
    "Fail": 'shape=octagon, style=filled, fillcolor="#fee2e2", color="#b91c1c", fontcolor="#7f1d1d"',
    "Parallel": 'shape=box, style="filled,bold", fillcolor="#e0f2fe", color="#0369a1"',
    "Map": 'shape=box, style="filled,bold", fillcolor="#fae8ff", color="#a21caf"',
}
_EDGE_STYLE = {
    "catch": 'style=dashed, color="#dc2626", fontcolor="#dc2626"',
    "retry": 'style=dotted, color="#d97706", fontcolor="#d97706"',
    "default": 'style=bold',
    "start": 'color="#475569"',
}
_CLUSTER_STYLE = {
    "parallel": 'style="rounded,filled", fillcolor="#f0f9ff", color="#0369a1"',
    "map": 'style="rounded,filled", fillcolor="#fdf4ff", color="#a21caf"',
    "branch": 'style="rounded,dashed", fillcolor="#ffffff", color="#94a3b8"',
}
START_ID, END_ID = "start_", "end_"


def render(model: GraphModel) -> str:
    """DOT text for the model: one ``digraph`` with a cluster per Parallel, branch and Map."""
    ids = {name: f"s{node.index}" for name, node in model.nodes.items()}
    lines = [f"digraph {quote(model.name)} {{",
             "  compound=true;",
             '  graph [fontname="Helvetica", fontsize=11, nodesep=0.4, ranksep=0.5];',
             '  node [fontname="Helvetica", fontsize=11];',
             '  edge [fontname="Helvetica", fontsize=9, color="#334155"];',
             f'  {START_ID} [label="Start", shape=circle, style=filled, fillcolor="#1f2937", '
             'fontcolor=white, width=0.5, fixedsize=true];']
    lines += _members(model, model.top, ids, "  ")
    if any(edge.kind == "end" for edge in model.edges):
        lines.append(f'  {END_ID} [label="End", shape=circle, style=filled, fillcolor="#1f2937", '
                     'fontcolor=white, width=0.5, fixedsize=true];')
    for edge in model.edges:
        lines.append("  " + _edge(model, edge, ids))
    lines.append("}")
    return "\n".join(lines) + "\n"


def _members(model: GraphModel, names: list[str], ids: dict, indent: str) -> list[str]:
    lines = []
    for name in names:
        node = model.nodes[name]
        if node.container:
            lines += _cluster(model, model.clusters[node.container], node, ids, indent)
        else:
            lines.append(indent + _node(node, ids))
    return lines


def _node(node: Node, ids: dict) -> str:
    label = node.name if not node.detail else f"{node.name}\n{node.detail}"
    return (f"{ids[node.name]} [label={quote(label)}, tooltip={quote(node.type)}, "
            f"{_NODE_STYLE.get(node.type, _NODE_STYLE['Task'])}];")


def _cluster(model: GraphModel, cluster: Cluster, owner: Node | None, ids: dict, indent: str) -> list[str]:
    lines = [f"{indent}subgraph cluster_{cluster.id} {{",
             f"{indent}  graph [label={quote(cluster.label if cluster.kind == 'branch' else '')}, "
             f"{_CLUSTER_STYLE[cluster.kind]}];"]
    if owner is not None:
        lines.append(f"{indent}  " + _node(owner, ids))
    lines += _members(model, cluster.members, ids, indent + "  ")
    for child in cluster.children:
        lines += _cluster(model, model.clusters[child], None, ids, indent + "  ")
    lines.append(f"{indent}}}")
    return lines


def _edge(model: GraphModel, edge, ids: dict) -> str:
    source = ids[edge.source] if edge.source else START_ID
    target = ids[edge.target] if edge.target else END_ID
    attributes = []
    if edge.label:
        attributes.append(f"label={quote(edge.label)}")
    if edge.kind in _EDGE_STYLE:
        attributes.append(_EDGE_STYLE[edge.kind])
    owner = model.nodes.get(edge.source)
    # an edge out of a Parallel/Map leaves from its box, not from the node heading the box
    if owner is not None and owner.container and edge.kind not in ("start", "retry") \
            and edge.target != edge.source:      # a loop back into the box stays on its node
        attributes.append(f"ltail=cluster_{owner.container}")
    return f"{source} -> {target}" + (f" [{', '.join(attributes)}];" if attributes else ";")


def quote(text: str) -> str:
    """A DOT double-quoted string; backslashes doubled so Graphviz reads no escape sequence."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "")
    return '"' + escaped.replace("\n", "\\n") + '"'
