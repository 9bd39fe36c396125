"""The graph as a Mermaid flowchart: pastes into a README or a pull request and the forge draws it.

Node ids are generated (``s0``, ``s1``...): a state name can be anything, Mermaid keywords
included. Labels are quoted, with the characters Mermaid or HTML would read written as Mermaid's
entity codes (``#quot;``). A Parallel or Map state is a subgraph; edges to and from it attach to
the subgraph.
"""
from __future__ import annotations

from .graph_model import GraphModel, Node

# Shape brackets by state type; Parallel and Map are subgraphs.
_SHAPES = {"Task": ("[", "]"), "Pass": ("(", ")"), "Wait": ("{{", "}}"), "Choice": ("{", "}"),
           "Succeed": ("([", "])"), "Fail": ("[[", "]]")}

CLASS_DEFS = {
    "task": "fill:#dbeafe,stroke:#1d4ed8,color:#0b1f4d",
    "pass": "fill:#f1f5f9,stroke:#64748b,color:#1e293b",
    "wait": "fill:#fef9c3,stroke:#a16207,color:#422006",
    "choice": "fill:#ede9fe,stroke:#6d28d9,color:#2e1065",
    "succeed": "fill:#dcfce7,stroke:#15803d,color:#052e16",
    "fail": "fill:#fee2e2,stroke:#b91c1c,color:#450a0a",
    "terminal": "fill:#1f2937,stroke:#1f2937,color:#ffffff",
}
_CLUSTER_STYLE = {"parallel": "fill:#f0f9ff,stroke:#0369a1", "map": "fill:#fdf4ff,stroke:#a21caf",
                  "branch": "fill:#ffffff,stroke:#94a3b8,stroke-dasharray:4 3"}
_LINK_STYLE = {"catch": "stroke:#dc2626,color:#dc2626", "retry": "stroke:#d97706,color:#d97706"}
_ARROWS = {"catch": "-.->", "retry": "-.->", "default": "-->"}

START_ID, END_ID = "start_", "end_"


def render(model: GraphModel) -> str:
    """Mermaid ``flowchart TD`` text for the model."""
    ids = {name: f"s{node.index}" for name, node in model.nodes.items()}
    lines = ["flowchart TD", f'  {START_ID}(("Start"))']
    lines += _members(model, model.top, ids, "  ")
    has_end = any(edge.kind == "end" for edge in model.edges)
    if has_end:
        lines.append(f'  {END_ID}(("End"))')
    links: dict[str, list[int]] = {}
    count = 0
    for edge in model.edges:
        if edge.kind == "start" and edge.source:
            continue        # a branch starts where its box starts: the subgraph says it
        source = ids[edge.source] if edge.source else START_ID
        target = ids[edge.target] if edge.target else END_ID
        if edge.kind == "retry" and model.nodes[edge.source].container:
            continue        # no self-loop on a subgraph: the subgraph's title says "retry"
        arrow = _ARROWS.get(edge.kind, "-->")
        label = f'|"{escape(edge.label)}"|' if edge.label else ""
        lines.append(f"  {source} {arrow}{label} {target}")
        links.setdefault(edge.kind, []).append(count)
        count += 1
    for name, style in CLASS_DEFS.items():
        lines.append(f"  classDef {name} {style}")
    lines.append(f"  class {START_ID}{',' + END_ID if has_end else ''} terminal")
    for kind, style in _LINK_STYLE.items():
        if links.get(kind):
            lines.append(f"  linkStyle {','.join(map(str, links[kind]))} {style}")
    return "\n".join(lines) + "\n"


def _members(model: GraphModel, names: list[str], ids: dict, indent: str) -> list[str]:
    lines = []
    for name in names:
        node = model.nodes[name]
        if node.container:
            lines += _subgraph(model, node, ids, indent)
            continue
        opening, closing = _SHAPES.get(node.type, ("[", "]"))
        lines.append(f'{indent}{ids[name]}{opening}"{escape(name)}"{closing}:::{node.type.lower()}')
    return lines


def _subgraph(model: GraphModel, node: Node, ids: dict, indent: str) -> list[str]:
    cluster = model.clusters[node.container]
    title = cluster.label if cluster.kind == "map" else f"Parallel: {node.name}"
    retry = next((e.label for e in model.edges if e.kind == "retry" and e.source == node.name), "")
    if retry:
        title += f" ({retry})"
    lines = [f'{indent}subgraph {ids[node.name]}["{escape(title)}"]', f"{indent}  direction TB"]
    if cluster.kind == "map":
        lines += _members(model, cluster.members, ids, indent + "  ")
    for child_id in cluster.children:
        child = model.clusters[child_id]
        lines.append(f'{indent}  subgraph {ids[node.name]}_{child_id}["{escape(child.label)}"]')
        lines.append(f"{indent}    direction TB")
        lines += _members(model, child.members, ids, indent + "    ")
        lines.append(f"{indent}  end")
        lines.append(f"{indent}  style {ids[node.name]}_{child_id} {_CLUSTER_STYLE['branch']}")
    lines.append(f"{indent}end")
    lines.append(f"{indent}style {ids[node.name]} {_CLUSTER_STYLE[cluster.kind]}")
    return lines


# Characters that end a quoted label or that Mermaid/HTML would interpret, as Mermaid entity
# codes (Mermaid reads "#name;" and "#decimal;" in labels). A lone ">" is plain text to both, and
# stays as written so that "$.size > 1048576" reads well in the Markdown source.
_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", "&": "#amp;", "`": "#96;",
             "|": "#124;", "\n": " ", "\r": " ", "\t": " "}


def escape(text: str) -> str:
    """A label safe inside Mermaid double quotes."""
    return "".join(_ENTITIES.get(ch, ch) for ch in text)
