"""The graph as one HTML page: the inline SVG, its CSS and a legend; opens offline, fetches nothing."""
from __future__ import annotations

from xml.sax.saxutils import escape

from . import svg
from .graph_model import GraphModel

_PAGE_STYLE = """
body { margin: 0; padding: 24px; background: #f8fafc; color: #0f172a;
       font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; }
h1 { font-size: 20px; margin: 0 0 4px; }
p.comment { margin: 0 0 16px; color: #475569; max-width: 70em; }
.graph { background: #ffffff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 8px;
         overflow: auto; max-width: 100%; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 18px; margin: 0 0 16px; padding: 0;
          list-style: none; font-size: 13px; color: #334155; }
.legend li { display: flex; align-items: center; gap: 6px; }
.legend .swatch { display: inline-block; width: 22px; height: 14px; border-radius: 4px;
                  border: 1.5px solid; box-sizing: border-box; }
.legend .line { display: inline-block; width: 26px; height: 0; border-top: 2px solid; }
"""

_EDGE_LEGEND = [("next", "solid", "Next"), ("choice", "solid", "Choice rule (labelled)"),
                ("default", "solid", "Default"), ("catch", "dashed", "Catch (its errors)"),
                ("retry", "dotted", "Retry (loop, ×MaxAttempts)")]


def render(model: GraphModel, *, title: str | None = None, overlay: dict | None = None) -> str:
    """A complete HTML document showing the machine's graph."""
    heading = title or model.name
    comment = f'<p class="comment">{escape(model.comment)}</p>' if model.comment else ""
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(heading)} - aslsim graph</title>",
        f"<style>{_PAGE_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(heading)}</h1>",
        comment,
        legend(model),
        f'<div class="graph">{svg.render(model, overlay=overlay)}</div>',
        "</body>",
        "</html>",
    ]) + "\n"


def legend(model: GraphModel) -> str:
    """The state types and edge kinds this graph uses, with their colours."""
    types = [kind for kind in svg.COLOURS if any(node.type == kind for node in model.nodes.values())]
    kinds = {edge.kind for edge in model.edges}
    items = []
    for kind in types:
        fill, stroke = svg.COLOURS[kind]
        items.append(f'<li><span class="swatch" style="background:{fill};border-color:{stroke}"></span>'
                     f"{kind}</li>")
    for kind, line, text in _EDGE_LEGEND:
        if kind in kinds:
            colour = svg.EDGE_COLOURS[kind]
            items.append(f'<li><span class="line" style="border-top-style:{line};'
                         f'border-color:{colour}"></span>{escape(text)}</li>')
    return '<ul class="legend">' + "".join(items) + "</ul>"
