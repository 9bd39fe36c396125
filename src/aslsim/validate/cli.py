"""``aslsim validate PATH...``: exit 0 when clean, 1 on errors, 2 when a file cannot be read."""
from __future__ import annotations

import sys

import click

from ..errors import InputError
from ..machine_options import state_machine_option, sub_option, substitutions

EXIT_CLEAN, EXIT_PROBLEMS, EXIT_UNREADABLE = 0, 1, 2


def _codes(values) -> list[str]:
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


@click.command("validate")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(["text", "json", "sarif", "github"]),
              default="text", show_default=True, help="How to print the diagnostics.")
@click.option("--warnings-as-errors", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Report only these codes or prefixes (ASL2, ASL501); comma-separated, repeatable.")
@click.option("--ignore", multiple=True, metavar="CODES",
              help="Do not report these codes or prefixes; comma-separated, repeatable.")
@state_machine_option
@sub_option
@click.option("--skip-files-without-machines", is_flag=True,
              help="Pass over a template, serverless.yml or .tf file that holds no state machine "
                   "instead of reporting it (the pre-commit hook is given every such file).")
def validate_command(paths, output_format, warnings_as_errors, select, ignore, state_machine, subs,
                     skip_files_without_machines):
    """Check state machine definitions without running them: JSON and YAML definitions and the
    machines of SAM / CloudFormation / CDK templates, serverless.yml and Terraform files. PATHS
    are files, folders (searched for *.asl.json, *.asl.yaml and files holding machines) or globs."""
    from importlib import metadata       # imported here: `aslsim run` should not pay for them

    from .files import validate_paths
    from .formats import render, summary
    try:
        values = substitutions(subs)
    except InputError as err:
        click.echo(f"aslsim: {err}", err=True)
        sys.exit(EXIT_UNREADABLE)
    results = validate_paths(paths, select=_codes(select), ignore=_codes(ignore),
                             state_machine=state_machine, substitutions=values,
                             skip_files_without_machines=skip_files_without_machines)
    try:
        version = metadata.version("aslsim")
    except metadata.PackageNotFoundError:
        version = "0"
    click.echo(render(results, output_format, version))
    counts = summary(results)
    if counts["unreadable"]:
        sys.exit(EXIT_UNREADABLE)
    if counts["errors"] or (warnings_as_errors and counts["warnings"]):
        sys.exit(EXIT_PROBLEMS)
    sys.exit(EXIT_CLEAN)
