"""``aslsim replay DEFINITION HISTORY.json``: exit 0 same, 1 diverged, 2 unreadable input,
3 an internal error of aslsim (reported, never a traceback)."""
from __future__ import annotations

import json
import sys
import traceback

import click

EXIT_SAME, EXIT_DIVERGED, EXIT_UNREADABLE, EXIT_INTERNAL = 0, 1, 2, 3


@click.command("replay")
@click.argument("definition", type=click.Path(dir_okay=False))
@click.argument("history", type=click.Path(dir_okay=False))
@click.option("--express", is_flag=True, help="Run as an EXPRESS execution.")
@click.option("--mocks", "mocks_file", type=click.Path(dir_okay=False),
              help="JSON file of answers for Tasks the recording never ran (the format of `aslsim run --mocks`).")
@click.option("--input", "input_text", help="The execution input as JSON, instead of the recorded one "
                                            "(for a recording whose input holds placeholders).")
@click.option("--state-machine-name", "machine_name", help="The machine's name (default: the file name).")
@click.option("--placeholder", "placeholders", multiple=True, metavar="WORD",
              help="A word that stands for any value in the recording. Repeatable.")
@click.option("--time-tolerance", type=float, default=1.0, show_default=True,
              help="Seconds by which recorded and local times may differ.")
@click.option("--s3", "s3_folder", type=click.Path(file_okay=False),
              help="Folder of S3 buckets a Distributed Map reads (the recording does not hold them).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: one object with the status, the counts and the divergence.")
@click.option("--write-case", "case_file", type=click.Path(dir_okay=False),
              help="Also save the replay as a case file (NAME.aslsim.yaml) that `aslsim test` and pytest run.")
def replay_command(definition, history, express, mocks_file, input_text, machine_name, placeholders,
                   time_tolerance, s3_folder, output_format, case_file):
    """Replay a recorded execution HISTORY (from `aws stepfunctions get-execution-history`) against
    DEFINITION on virtual time, with the answers the history holds, and show where it diverges."""
    from ..machine import load
    from ..errors import DefinitionError, InputError
    from ..services.mocks import Mocks
    from .replayer import replay
    options = {}
    try:
        machine = load(definition, name=machine_name)
        if input_text is not None:
            try:
                options["input"] = json.loads(input_text)
            except json.JSONDecodeError as err:
                raise InputError(f"--input: not valid JSON: {err.msg} at column {err.colno}") from None
        mocks = Mocks.from_file(mocks_file) if mocks_file else None
        result = replay(machine, history, mocks=mocks, express=express, placeholders=placeholders,
                        time_tolerance=time_tolerance, s3=s3_folder, **options)
        if case_file:
            written = result.write_case(case_file)
    except (DefinitionError, InputError) as err:
        click.echo(f"aslsim: {err}", err=True)
        sys.exit(EXIT_UNREADABLE)
    except Exception as err:  # a bug in aslsim: say where, keep the details for a bug report
        last = traceback.extract_tb(err.__traceback__)[-1]
        click.echo(f"aslsim: internal error: {type(err).__name__}: {err} (at {last.filename}:"
                   f"{last.lineno}); please report it with the definition and the history", err=True)
        sys.exit(EXIT_INTERNAL)
    if output_format == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(result.render())
    if case_file:
        click.echo(f"case: {written}", err=True)
    sys.exit(EXIT_SAME if result.same else EXIT_DIVERGED)
