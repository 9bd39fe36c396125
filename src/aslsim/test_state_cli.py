"""``aslsim test-state DEFINITION``: TestState offline, answered as AWS's TestState answers."""
from __future__ import annotations

import json
import sys

import click

from .errors import DefinitionError, InputError

EXIT_FAILED, EXIT_INVALID = 1, 2


def _json_option(text: str | None, option: str):
    if text is None:
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(f"{option}: not valid JSON: {err.msg} at line {err.lineno} column {err.colno}") from None


@click.command("test-state")
@click.argument("definition", type=click.Path(dir_okay=False))
@click.option("--state", "state_name", help="The state to test when DEFINITION is a whole state machine.")
@click.option("--input", "input_text", default="{}", show_default=True, help="The state's input, JSON.")
@click.option("--mock", "mock_text", help='TestState mock, JSON: {"result": "<JSON text>"} or '
                                          '{"errorOutput": {"error": "...", "cause": "..."}}.')
@click.option("--variables", "variables_text", help="Variable values the state sees, a JSON object.")
@click.option("--context", "context_text", help="Context object fields ($$), a JSON object.")
@click.option("--state-configuration", "configuration_text",
              help='JSON: {"retrierRetryCount": N, "errorCausedByState": "...", "mapIterationFailureCount": N}.')
@click.option("--inspection-level", type=click.Choice(["INFO", "DEBUG", "TRACE"]), default="INFO", show_default=True)
def test_state_command(definition, state_name, input_text, mock_text, variables_text, context_text,
                       configuration_text, inspection_level):
    """Test one state of DEFINITION alone and print TestState's response (status, output,
    error, cause, nextState, inspectionData). Exit 1 when the state FAILED."""
    from .machine import read_machine
    from .test_state import TestStateError, test_state
    try:
        document = read_machine(definition).definition
        result = test_state(document, _json_option(input_text, "--input"), state_name=state_name,
                            inspection_level=inspection_level, mock=_json_option(mock_text, "--mock"),
                            variables=_json_option(variables_text, "--variables"),
                            context=_json_option(context_text, "--context"),
                            state_configuration=_json_option(configuration_text, "--state-configuration"))
    except TestStateError as err:
        click.echo(f"aslsim: {err.code}: {err}", err=True)
        sys.exit(EXIT_INVALID)
    except (DefinitionError, InputError) as err:
        click.echo(f"aslsim: {err}", err=True)
        sys.exit(EXIT_INVALID)
    click.echo(json.dumps(result.to_api(), indent=2, ensure_ascii=False))
    sys.exit(EXIT_FAILED if result.status == "FAILED" else 0)
