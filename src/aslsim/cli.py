"""The ``aslsim`` command line: run a definition offline and print what happened.

Exit status: 0 the execution SUCCEEDED; 1 it FAILED, TIMED_OUT or was ABORTED; 2 the definition,
the input or the mocks are invalid; 3 an internal error of aslsim (reported, never a traceback).
"""
from __future__ import annotations

import json
import os
import sys
import traceback

import click
from click.core import ParameterSource

from .errors import DefinitionError, InputError
from .machine_options import lambda_option, local_lambdas, state_machine_option, sub_option, substitutions

EXIT_SUCCEEDED, EXIT_FAILED, EXIT_INVALID, EXIT_INTERNAL = 0, 1, 2, 3


def _fail(message: str, code: int):
    click.echo(f"aslsim: {message}", err=True)
    sys.exit(code)


def _read_input(input_text, input_file):
    from . import jsonvalues
    if input_text is not None and input_file is not None:
        raise InputError("give --input or --input-file, not both")
    if input_file is not None:
        try:
            with open(input_file, "rb") as f:
                text, where = f.read().decode("utf-8"), input_file
        except OSError as err:
            raise InputError(f"{input_file}: cannot read the input file: {err.strerror}") from None
        except UnicodeDecodeError as err:
            raise InputError(f"{input_file}: the input file is not UTF-8 text ({err.reason} at "
                             f"byte {err.start})") from None
    elif input_text is not None:
        text, where = input_text, "--input"
    else:
        return {}
    try:
        return jsonvalues.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{where}: the input is not valid JSON: {err.msg} at line {err.lineno} "
                         f"column {err.colno}") from None
    except jsonvalues.NotJSON as err:
        raise InputError(f"{where}: the input is not valid JSON: {err}") from None


def _internal(err: Exception):
    last = traceback.extract_tb(err.__traceback__)[-1]
    _fail(f"internal error: {type(err).__name__}: {err} (at {last.filename}:{last.lineno}); "
          "please report it with the definition and input", EXIT_INTERNAL)


def _print_execution(execution, output_format, show_history, show_path):
    if output_format == "json":
        document = execution.to_dict()
        if show_history:
            document["history"] = execution.history
        click.echo(_json_text(document))
    elif show_history:
        click.echo(_json_text(execution.history))
    else:
        if execution.status == "SUCCEEDED":
            click.echo(_json_text(execution.output))
        else:
            from .services.regions import mismatch_hints
            click.echo(f"{execution.status}: {execution.error}", err=True)
            if execution.cause:
                click.echo(f"cause: {execution.cause}", err=True)
            for hint in mismatch_hints(execution.calls, execution.execution_arn):
                click.echo(f"hint: {hint}", err=True)
        if show_path:
            for name in execution.flat_path():
                click.echo(name)


def _json_text(value) -> str:
    """JSON as AWS prints it (never NaN); a lone surrogate is printed escaped, not lost."""
    text = json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value, indent=2, allow_nan=False)
    return text


def _write_report(execution, machine, file):
    try:
        execution.report(file, machine)
    except OSError as err:
        _fail(f"--report: cannot write {file}: {err.strerror}", EXIT_INVALID)
    click.echo(f"report: {file}", err=True)


def _mock_config(file, test_case):
    """The mock config to run with, or None.

    As in Step Functions Local, SFN_MOCK_CONFIG only makes test cases available: without
    --test-case nothing is mocked from it. An explicit --mock-config needs a --test-case.
    """
    from .services.mock_config import MockConfig
    if file is None:
        if test_case is not None:
            raise InputError("--test-case names a test case of a mock config: give --mock-config "
                             "FILE or set SFN_MOCK_CONFIG")
        return None
    source = click.get_current_context().get_parameter_source("mock_config_file")
    if test_case is None and source == ParameterSource.ENVIRONMENT:
        return None
    return MockConfig.load(file)   # without a test case, run() says which ones the file has


@click.group()
@click.version_option(package_name="aslsim")
def main():
    """Run AWS Step Functions state machines offline, on virtual time."""


@main.command()
@click.argument("definition", type=click.Path(dir_okay=False))
@click.option("--input", "input_text", help="Execution input as JSON text.")
@click.option("--input-file", type=click.Path(dir_okay=False), help="Read the execution input from a JSON file.")
@click.option("--mocks", "mocks_file", type=click.Path(dir_okay=False),
              help='JSON file of Task answers by state name: {"State": {"return": ...}}.')
@click.option("--mock-config", "mock_config_file", type=click.Path(dir_okay=False), envvar="SFN_MOCK_CONFIG",
              help="Step Functions Local MockConfigFile (default: $SFN_MOCK_CONFIG); use with --test-case.")
@click.option("--test-case", help="The test case of the mock config to run this machine with.")
@state_machine_option
@click.option("--state-machine-name", "machine_name", hidden=True,
              help="The older name of --state-machine.")
@sub_option
@lambda_option
@click.option("--aws", type=click.Choice(["moto"]),
              help="Answer the remaining Tasks with moto's in-memory AWS (state lasts for this run).")
@click.option("--s3", "s3_folder", type=click.Path(file_okay=False),
              help="Folder whose sub-folders are S3 buckets: what Distributed Maps read (ItemReader) "
                   "and write (ResultWriter).")
@click.option("--region", default="us-east-1", show_default=True,
              help="The state machine's region: in its ARNs, and where moto answers.")
@click.option("--account", default="123456789012", show_default=True,
              help="The state machine's AWS account id: in its ARNs, and where moto answers.")
@click.option("--start-time", help="Virtual clock start, ISO-8601 (default 2025-01-01T00:00:00Z).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for jitter, UUIDs and random values.")
@click.option("--express", is_flag=True,
              help="Run as an EXPRESS execution (default: the type the template gives, else STANDARD).")
@click.option("--path", "show_path", is_flag=True, help="Print the states entered, one per line, after the output.")
@click.option("--history", "show_history", is_flag=True, help="Print the event history as JSON instead of the output.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: one object {status, output, error, cause, path, startDate, stopDate}.")
@click.option("--report", "report_file", type=click.Path(dir_okay=False),
              help="Also write an HTML report of the execution (graph, path taken, timeline) to this file.")
def run(definition, input_text, input_file, mocks_file, mock_config_file, test_case, state_machine,
        machine_name, subs, lambda_specs, aws, s3_folder, region, account, start_time, seed, express,
        show_path, show_history, output_format, report_file):
    """Run DEFINITION and print the execution's output. DEFINITION is a definition (JSON or
    YAML) or a file holding machines: a SAM / CloudFormation template (CDK's cdk.out/*.template
    .json too), a serverless.yml or a Terraform .tf file."""
    from .machine import load
    from .definition.timestamps import parse_timestamp
    from .services.mocks import Mocks
    try:
        if state_machine and machine_name and state_machine != machine_name:
            raise InputError("give --state-machine or its older name --state-machine-name, not both")
        machine = load(definition, state_machine=state_machine or machine_name,
                       substitutions=substitutions(subs))
        execution_input = _read_input(input_text, input_file)
        mocks = Mocks.from_file(mocks_file) if mocks_file else Mocks()
        mock_config = _mock_config(mock_config_file, test_case)
        if start_time is not None and parse_timestamp(start_time) is None:
            raise InputError(f"--start-time: {start_time!r} is not an ISO-8601 timestamp such as "
                             "2025-01-01T00:00:00Z")
        if aws == "moto":
            from .services import moto_backend  # noqa: F401  before the handlers load (see run())
        execution = machine.run(execution_input, mocks=mocks, seed=seed, start_time=start_time,
                                mock_config=mock_config,
                                test_case=test_case if mock_config is not None else None,
                                lambdas=local_lambdas(lambda_specs), aws=aws, s3=s3_folder,
                                region=region, account=account,
                                execution_type="EXPRESS" if express else None)
    except (DefinitionError, InputError) as err:
        _fail(str(err), EXIT_INVALID)
    except Exception as err:  # a bug in aslsim: say where, keep the details for a bug report
        _internal(err)
    try:
        _print_execution(execution, output_format, show_history, show_path)
        if report_file:
            _write_report(execution, machine, report_file)
    except OSError as err:     # a closed pipe, a full disk: the run happened, its output is lost
        if isinstance(err, BrokenPipeError):
            # nobody reads standard output any more: do not let the exit's flush fail again
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        _fail(f"cannot write the output: {err.strerror or err}", EXIT_INVALID)
    except Exception as err:  # a bug in aslsim: say where, keep the details for a bug report
        _internal(err)
    sys.exit(EXIT_SUCCEEDED if execution.status == "SUCCEEDED" else EXIT_FAILED)


# Sub-commands live beside what they drive; each imports its heavy parts only when it runs.
from .testing.cli_test import test_command  # noqa: E402
from .validate.cli import validate_command  # noqa: E402
from .render.cli import graph_command  # noqa: E402
from .replaying.cli import replay_command  # noqa: E402
from .server.cli import serve_command  # noqa: E402
from .test_state_cli import test_state_command  # noqa: E402

for _command in (test_command, validate_command, graph_command, replay_command, serve_command,
                 test_state_command):
    main.add_command(_command)


if __name__ == "__main__":
    main()
