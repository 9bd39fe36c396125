"""Pictures of a state machine: its graph as Mermaid, Graphviz DOT, SVG or a standalone HTML page."""
