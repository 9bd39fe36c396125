"""``aslsim graph DEFINITION``: the state graph as Mermaid, DOT, SVG or an HTML page."""
from __future__ import annotations

import sys

import click

from ..errors import DefinitionError, InputError
from ..machine_options import state_machine_option, sub_option, substitutions

FORMATS = ("mermaid", "dot", "svg", "html")
EXIT_INVALID, EXIT_INTERNAL = 2, 3


def draw(machine, output_format: str) -> str:
    """The text of ``machine``'s graph in ``output_format`` (one of FORMATS)."""
    from . import dot, graph_model, html, mermaid, svg
    model = graph_model.build(machine)
    if output_format == "mermaid":
        return mermaid.render(model)
    if output_format == "dot":
        return dot.render(model)
    if output_format == "svg":
        return svg.render(model) + "\n"
    return html.render(model)


@click.command("graph")
@click.argument("definition", type=click.Path(dir_okay=False))
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="mermaid",
              show_default=True,
              help="mermaid: paste into a README or a pull request; dot: for Graphviz; "
                   "svg / html: a picture laid out by aslsim, one file, opens offline.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output.")
@state_machine_option
@sub_option
def graph_command(definition, output_format, output, state_machine, subs):
    """Draw DEFINITION's state graph: states by type, Choice rules, Catch and Retry edges.
    DEFINITION is a definition or a template, serverless.yml or .tf file holding machines."""
    from ..machine import load
    try:
        machine = load(definition, state_machine=state_machine, substitutions=substitutions(subs))
    except (DefinitionError, InputError) as err:
        click.echo(f"aslsim: {err}", err=True)
        sys.exit(EXIT_INVALID)
    try:
        text = draw(machine, output_format)
    except Exception as err:  # a bug in aslsim: a message to report, never a traceback
        click.echo(f"aslsim: internal error while drawing {definition}: {type(err).__name__}: {err}; "
                   "please report it with the definition", err=True)
        sys.exit(EXIT_INTERNAL)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        with open(output, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as err:
        click.echo(f"aslsim: {output}: cannot write the graph: {err.strerror}", err=True)
        sys.exit(EXIT_INVALID)
