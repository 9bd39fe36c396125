"""The command-line options several commands share: which machine of a file to use and with
which values (``--state-machine NAME``, ``--sub KEY=VALUE``: run, graph, validate, test), and the
local Lambda handlers that answer its Tasks (``--lambda FUNCTION=HANDLER``: run, serve)."""
from __future__ import annotations

import click

from .errors import InputError

STATE_MACHINE_HELP = ("The state machine to use when the file holds several (a template's "
                      "logical id or the machine's name); also the machine's name, its entry in a "
                      "mock config's StateMachines.")
SUB_HELP = ("A value for a ${KEY} placeholder, a template parameter, a Terraform variable or a "
            "Serverless option (stage, region); repeatable. See docs/sources.md.")
LAMBDA_HELP = ("Answer Lambda FUNCTION (name or ARN) with a local Python handler, "
               "e.g. checkSize=handlers/check_size.py:handler. Repeatable.")


def state_machine_option(command):
    return click.option("--state-machine", "state_machine", metavar="NAME", help=STATE_MACHINE_HELP)(command)


def sub_option(command):
    return click.option("--sub", "subs", multiple=True, metavar="KEY=VALUE", help=SUB_HELP)(command)


def substitutions(specs) -> dict | None:
    """--sub KEY=VALUE options as a dict (None when none were given); InputError when malformed."""
    out = {}
    for spec in specs or ():
        key, sep, value = spec.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--sub {spec!r}: expected KEY=VALUE, e.g. --sub Timeout=30")
        out[key.strip()] = value
    return out or None


def lambda_option(command):
    return click.option("--lambda", "lambda_specs", multiple=True, metavar="FUNCTION=HANDLER",
                        help=LAMBDA_HELP)(command)


def local_lambdas(specs):
    """--lambda FUNCTION=HANDLER options as LocalLambdas (None when none were given); handler
    paths are relative to the current directory. InputError when malformed."""
    if not specs:
        return None
    from .services.lambda_local import LocalLambdas
    out = {}
    for spec in specs:
        function, sep, handler = spec.partition("=")
        if not sep or not function or not handler:
            raise InputError(f"--lambda {spec!r}: expected FUNCTION=HANDLER, e.g. "
                             "checkSize=handlers/check_size.py:handler")
        out[function] = handler
    return LocalLambdas(out)
