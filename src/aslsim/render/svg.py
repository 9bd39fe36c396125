"""The graph as a standalone SVG, laid out by ``layout.py``: no browser script, no network.

Contract with the execution report (``render/report.py``), kept stable::

    from aslsim.render import graph_model, svg
    model = graph_model.build(machine)            # machine: aslsim.StateMachine
    text = svg.render(model, overlay=None)         # -> "<svg ...>...</svg>"

- every state: ``<g class="state state-<type lowercased>" data-state="<name>" id="s-<n>">`` with
  a ``<title>``, its shape (class ``shape``) and ``<text>``; a Parallel/Map state is the node
  heading its cluster box;
- every edge: ``<g class="edge edge-<kind>" data-from="<name>" data-to="<name or ''>"
  data-kind="next|choice|default|catch|retry|start|end">`` with a ``<path>`` and, when labelled,
  a ``<text class="label">``; ``data-from=""`` is the execution's Start, ``data-to=""`` its End;
- clusters: ``<g class="cluster cluster-parallel|cluster-map|cluster-branch" data-state="<name>">``
  (a branch's ``data-state`` is its Parallel state's name; it also has ``data-branch="<i>"``);
- the Start/End circles: ``<g class="terminal terminal-start|terminal-end">``.

``overlay`` (optional) marks an execution on the picture:
``{"State name": {"css": "visited failed", "badge": "×3"}, "edges": {("from", "to"): "visited"}}``.
A state's ``css`` classes are added to its ``<g>`` and its ``badge`` is drawn at its top-right
corner (``<g class="badge">``); an edge's classes are added to every edge between those two
states (``""`` for Start/End). The ``"edges"`` entry is told apart from a state that happens to be
named "edges" by its tuple keys. Classes ``visited``, ``failed``, ``caught``, ``retried``,
``current`` and ``unvisited`` have a default style in ``STYLE``; others are the caller's to style.
"""
from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from . import layout as layout_module
from .graph_model import GraphModel, Node
from .layout import DETAIL_SIZE, FONT_SIZE, Box, Layout, Route

# Fill and stroke by state type; the legend of the HTML page reads the same table.
COLOURS = {
    "Task": ("#dbeafe", "#1d4ed8"), "Pass": ("#f1f5f9", "#64748b"), "Wait": ("#fef9c3", "#a16207"),
    "Choice": ("#ede9fe", "#6d28d9"), "Succeed": ("#dcfce7", "#15803d"),
    "Fail": ("#fee2e2", "#b91c1c"), "Parallel": ("#e0f2fe", "#0369a1"), "Map": ("#fae8ff", "#a21caf"),
}
EDGE_COLOURS = {"next": "#334155", "choice": "#334155", "default": "#334155", "start": "#475569",
                "end": "#334155", "catch": "#dc2626", "retry": "#d97706"}

STYLE = "\n".join([
    ".aslsim-graph { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; }",
    ".aslsim-graph text { font-size: %dpx; fill: #0f172a; }" % FONT_SIZE,
    ".aslsim-graph text.detail { font-size: %dpx; fill: #475569; }" % DETAIL_SIZE,
    ".aslsim-graph .shape { stroke-width: 1.5; }",
    *(f".aslsim-graph .state-{kind.lower()} .shape {{ fill: {fill}; stroke: {stroke}; }}"
      for kind, (fill, stroke) in COLOURS.items()),
    ".aslsim-graph .state-parallel .shape, .aslsim-graph .state-map .shape { stroke-width: 2.2; }",
    ".aslsim-graph .cluster rect { stroke-width: 1.2; }",
    ".aslsim-graph .cluster-parallel rect { fill: #f0f9ff; stroke: #0369a1; }",
    ".aslsim-graph .cluster-map rect { fill: #fdf4ff; stroke: #a21caf; }",
    ".aslsim-graph .cluster-branch rect { fill: #ffffff; stroke: #94a3b8; stroke-dasharray: 4 3; }",
    ".aslsim-graph .cluster text { font-size: %dpx; fill: #64748b; }" % DETAIL_SIZE,
    ".aslsim-graph .terminal circle { fill: #1f2937; }",
    ".aslsim-graph .terminal text { fill: #ffffff; font-size: %dpx; }" % DETAIL_SIZE,
    ".aslsim-graph .edge path { fill: none; stroke-width: 1.4; marker-end: url(#arrow); }",
    *(f".aslsim-graph .edge-{kind} path {{ stroke: {colour}; }}" for kind, colour in EDGE_COLOURS.items()),
    ".aslsim-graph .edge-catch path { stroke-dasharray: 6 4; marker-end: url(#arrow-catch); }",
    ".aslsim-graph .edge-retry path { stroke-dasharray: 2 3; marker-end: url(#arrow-retry); }",
    ".aslsim-graph .edge-default path { stroke-width: 2; }",
    ".aslsim-graph .edge text.label { font-size: %dpx; fill: #334155; }" % DETAIL_SIZE,
    ".aslsim-graph .edge-catch text.label { fill: #b91c1c; }",
    ".aslsim-graph .edge-retry text.label { fill: #b45309; }",
    ".aslsim-graph .edge rect.label-bg { fill: #ffffff; opacity: 0.85; }",
    # execution overlay (the report adds its own rules on top of these)
    ".aslsim-graph .state.visited .shape { stroke: #15803d; stroke-width: 3; }",
    ".aslsim-graph .state.failed .shape { fill: #fecaca; stroke: #b91c1c; stroke-width: 3; }",
    ".aslsim-graph .state.caught .shape { stroke: #ea580c; stroke-width: 3; }",
    ".aslsim-graph .state.current .shape { stroke: #2563eb; stroke-width: 3.5; }",
    ".aslsim-graph .state.unvisited, .aslsim-graph .edge.unvisited { opacity: 0.45; }",
    ".aslsim-graph .edge.visited path { stroke: #15803d; stroke-width: 2.6; marker-end: url(#arrow-visited); }",
    ".aslsim-graph .edge.failed path { stroke: #b91c1c; stroke-width: 2.6; marker-end: url(#arrow-catch); }",
    ".aslsim-graph .badge rect { fill: #1f2937; }",
    ".aslsim-graph .badge text { fill: #ffffff; font-size: %dpx; font-weight: 600; }" % DETAIL_SIZE,
])

_MARKERS = {"arrow": "#334155", "arrow-catch": "#dc2626", "arrow-retry": "#d97706",
            "arrow-visited": "#15803d"}


def render(model: GraphModel, *, overlay: dict | None = None, layout: Layout | None = None) -> str:
    """An ``<svg>`` element for the model (see the module docstring for its classes)."""
    placed = layout or layout_module.compute(model)
    state_marks, edge_marks = _split_overlay(overlay or {})
    width, height = round(placed.width), round(placed.height)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="aslsim-graph" role="img" '
           f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
           f'aria-label={quoteattr("State machine " + model.name)}>',
           f"<style>\n{STYLE}\n</style>", "<defs>"]
    for marker, colour in _MARKERS.items():
        out.append(f'<marker id="{marker}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" '
                   f'markerHeight="9" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
                   f'fill="{colour}"/></marker>')
    out.append("</defs>")
    out.append('<g class="clusters">')
    for cluster_id, box in placed.clusters.items():
        out.append(_cluster(model, cluster_id, box))
    out.append("</g>")
    out.append('<g class="edges">')
    for i, (edge, route) in enumerate(zip(model.edges, placed.routes)):
        out.append(_edge(i, edge, route, edge_marks.get((edge.source, edge.target), "")))
    out.append("</g>")
    out.append('<g class="states">')
    for name, node in model.nodes.items():
        out.append(_state(node, placed.nodes[name], state_marks.get(name, {})))
    out.append("</g>")
    out.append('<g class="terminals">')
    out.append(_terminal("start", "Start", placed.start))
    if placed.end is not None:
        out.append(_terminal("end", "End", placed.end))
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def _split_overlay(overlay: dict) -> tuple[dict, dict]:
    edges = overlay.get("edges")
    if isinstance(edges, dict) and all(isinstance(key, tuple) for key in edges):
        states = {k: v for k, v in overlay.items() if k != "edges"}
        return states, edges
    return overlay, {}


def _classes(*names: str) -> str:
    return quoteattr(" ".join(n for n in names if n))


def _state(node: Node, box: Box, mark: dict) -> str:
    kind = node.type.lower()
    parts = [f'<g class={_classes("state", "state-" + kind, mark.get("css", ""))} '
             f'data-state={quoteattr(node.name)} data-type="{node.type}" id="s-{node.index}">',
             f"<title>{escape(node.name)} ({node.type})</title>", _shape(node.type, box)]
    name = escape(layout_module.shown_name(node.name))
    if node.detail:
        parts.append(f'<text x="{box.cx:.1f}" y="{box.cy - 3:.1f}" text-anchor="middle">{name}</text>')
        parts.append(f'<text class="detail" x="{box.cx:.1f}" y="{box.cy + 11:.1f}" '
                     f'text-anchor="middle">{escape(node.detail)}</text>')
    else:
        parts.append(f'<text x="{box.cx:.1f}" y="{box.cy + 4:.1f}" text-anchor="middle">{name}</text>')
    badge = mark.get("badge")
    if badge:
        text = escape(str(badge))
        width = layout_module.text_width(str(badge), DETAIL_SIZE) + 10
        parts.append(f'<g class="badge"><rect x="{box.right - width / 2:.1f}" y="{box.y - 8:.1f}" '
                     f'width="{width:.1f}" height="16" rx="8"/><text x="{box.right:.1f}" '
                     f'y="{box.y + 4:.1f}" text-anchor="middle">{text}</text></g>')
    parts.append("</g>")
    return "".join(parts)


def _shape(kind: str, box: Box) -> str:
    x, y, w, h, right, bottom = box.x, box.y, box.w, box.h, box.right, box.bottom
    if kind == "Choice":        # a hexagon: reads as a decision without a huge diamond
        points = [(x, box.cy), (x + 16, y), (right - 16, y), (right, box.cy), (right - 16, bottom),
                  (x + 16, bottom)]
        return _polygon(points)
    if kind == "Fail":          # an octagon, as on a stop sign
        c = 9
        points = [(x + c, y), (right - c, y), (right, y + c), (right, bottom - c), (right - c, bottom),
                  (x + c, bottom), (x, bottom - c), (x, y + c)]
        return _polygon(points)
    if kind == "Succeed":
        return f'<rect class="shape" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="{h / 2:.1f}"/>'
    if kind == "Wait":
        points = [(x + 10, y), (right - 10, y), (right, box.cy), (right - 10, bottom), (x + 10, bottom),
                  (x, box.cy)]
        return _polygon(points)
    radius = 3 if kind in ("Parallel", "Map") else 8
    dash = ' stroke-dasharray="5 3"' if kind == "Pass" else ""
    return (f'<rect class="shape" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" '
            f'rx="{radius}"{dash}/>')


def _polygon(points) -> str:
    return '<polygon class="shape" points="' + " ".join(f"{px:.1f},{py:.1f}" for px, py in points) + '"/>'


def _cluster(model: GraphModel, cluster_id: str, box: Box) -> str:
    cluster = model.clusters[cluster_id]
    attributes = f'class="cluster cluster-{cluster.kind}" data-state={quoteattr(cluster.state)}'
    title = ""
    if cluster.kind == "branch":
        attributes += f' data-branch="{cluster_id.rsplit("b", 1)[1]}"'
        title = (f'<text x="{box.x + 8:.1f}" y="{box.y + 14:.1f}">{escape(cluster.label)}</text>')
    return (f'<g {attributes} id="c-{cluster_id}"><rect x="{box.x:.1f}" y="{box.y:.1f}" '
            f'width="{box.w:.1f}" height="{box.h:.1f}" rx="10"/>{title}</g>')


def _edge(index: int, edge, route: Route, mark: str) -> str:
    head = (f'<g class={_classes("edge", "edge-" + edge.kind, mark)} data-from={quoteattr(edge.source)} '
            f'data-to={quoteattr(edge.target)} data-kind="{edge.kind}" id="e-{index}">')
    parts = [head, f'<path d="{_path_data(route)}"/>']
    if edge.label and route.label_at:
        x, y = route.label_at
        anchor = "start" if route.loop else "middle"
        width = layout_module.text_width(edge.label, DETAIL_SIZE) + 6
        left = x - 3 if route.loop else x - width / 2
        parts.append(f'<rect class="label-bg" x="{left:.1f}" y="{y - 10:.1f}" width="{width:.1f}" '
                     f'height="14" rx="3"/>')
        parts.append(f'<text class="label" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">'
                     f"{escape(edge.label)}</text>")
    parts.append("</g>")
    return "".join(parts)


def _path_data(route: Route) -> str:
    """Cubic curves through the route's points, leaving and reaching them vertically.

    Upward (cycle-closing) routes and retry loops leave sideways, so those curve horizontally.
    """
    points = route.points
    (x0, y0), (x1, y1) = points[0], points[-1]
    if route.loop:
        (ax, ay), (bx, by), (cx, cy), (dx, dy) = points
        return f"M{ax:.1f},{ay:.1f} C{bx:.1f},{by - 6:.1f} {cx:.1f},{cy + 6:.1f} {dx:.1f},{dy:.1f}"
    data = [f"M{x0:.1f},{y0:.1f}"]
    if y1 > y0:
        for (ax, ay), (bx, by) in zip(points, points[1:]):
            bend = (by - ay) / 2
            data.append(f"C{ax:.1f},{ay + bend:.1f} {bx:.1f},{by - bend:.1f} {bx:.1f},{by:.1f}")
    else:   # out of the right side, up the bends, into the target's right side
        data.append(f"Q{points[1][0]:.1f},{y0:.1f} {points[1][0]:.1f},{points[1][1]:.1f}")
        data += [f"L{x:.1f},{y:.1f}" for x, y in points[2:-1]]
        bx = points[-2][0]
        data.append(f"Q{bx:.1f},{y1:.1f} {x1:.1f},{y1:.1f}")
    return " ".join(data)


def _terminal(kind: str, text: str, box: Box) -> str:
    return (f'<g class="terminal terminal-{kind}"><circle cx="{box.cx:.1f}" cy="{box.cy:.1f}" '
            f'r="{box.w / 2:.1f}"/><text x="{box.cx:.1f}" y="{box.cy + 4:.1f}" '
            f'text-anchor="middle">{text}</text></g>')
