"""Time ``aslsim graph`` on a 200-state machine in every format: python bench/render.py [--states N]

Each figure is the median of several runs of the whole path from a loaded machine to the text
(graph model included); the SVG and HTML include the layout. Graphviz's ``dot -Tsvg`` on our DOT
output is timed in the same run, when installed, as a point of comparison (it is a separate
process, so its figure includes starting it).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests" / "render"))   # the synthetic machine the tests draw

import aslsim  # noqa: E402
from aslsim.render import dot, graph_model, html, layout, mermaid, svg  # noqa: E402
from render_machines import big_machine  # noqa: E402


def median_ms(work, repeat: int) -> float:
    work()                                   # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--states", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    machine = aslsim.load(big_machine(args.states), name=f"synthetic_{args.states}")
    model = graph_model.build(machine)
    cases = {
        "graph model": lambda: graph_model.build(machine),
        "mermaid": lambda: mermaid.render(graph_model.build(machine)),
        "dot": lambda: dot.render(graph_model.build(machine)),
        "layout": lambda: layout.compute(graph_model.build(machine)),
        "svg": lambda: svg.render(graph_model.build(machine)),
        "html": lambda: html.render(graph_model.build(machine)),
    }
    figures = {name: median_ms(work, args.repeat) for name, work in cases.items()}
    dot_text = dot.render(model)
    if shutil.which("dot"):
        figures["graphviz dot -Tsvg (comparison)"] = median_ms(
            lambda: subprocess.run(["dot", "-Tsvg"], input=dot_text, capture_output=True, check=True,
                                   text=True), max(3, args.repeat // 3))
    print(f"{len(model.nodes)} states, {len(model.edges)} edges, {len(model.clusters)} clusters; "
          f"median of {args.repeat} runs")
    for name, ms in figures.items():
        print(f"  {name:34s} {ms:8.1f} ms")
    if "graphviz dot -Tsvg (comparison)" in figures:
        ratio = figures["graphviz dot -Tsvg (comparison)"] / figures["svg"]
        print(f"  our SVG (layout included) takes 1/{ratio:.1f} of Graphviz's time on the same graph")


if __name__ == "__main__":
    main()
