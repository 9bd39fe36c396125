"""The command-line options that say which machine of a file to use and with which values:
``--state-machine NAME`` and ``--sub KEY=VALUE``, shared by run, graph, validate and test."""
from __future__ import annotations

import click

from .errors import InputError

STATE_MACHINE_HELP = ("The state machine to use when the file holds several (a template's "
                      "logical id or the machine's name); also the machine's name, its entry in a "
                      "mock config's StateMachines.")
SUB_HELP = ("A value for a ${KEY} placeholder, a template parameter, a Terraform variable or a "
            "Serverless option (stage, region); repeatable. See docs/sources.md.")


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
