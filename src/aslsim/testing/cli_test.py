"""``aslsim test [PATHS...]``: run the case files (``*.aslsim.yaml``) without writing Python.

The cases run under pytest with the aslsim plugin, restricted to case files, so the project's
pytest configuration applies (``aslsim_statemachines``, ``testpaths``) and any pytest option can
be added (``-k``, ``-x``, ``--junitxml``, ``--aslsim-cov``). pytest is imported only when the
command runs: ``aslsim run`` must keep working where pytest is not installed.
"""
from __future__ import annotations

import os
import sys

import click

EXIT_PASSED, EXIT_FAILED = 0, 1


@click.command("test", context_settings={"ignore_unknown_options": True,
                                         "allow_interspersed_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED, metavar="[PATHS]... [PYTEST OPTIONS]...")
def test_command(args):
    """Run the aslsim case files (*.aslsim.yaml, *.aslsim.json) found in PATHS.

    PATHS are files or folders (default: the project's testpaths, else the current folder).
    --state-machine NAME chooses the machine of files that hold several (when a case does not
    say), --sub KEY=VALUE gives placeholders and parameters their values (repeatable).
    Other options go to pytest, e.g. -k 'too small', -x, -v, --aslsim-statemachines DIR.
    Exit status: 0 when every case passed, 1 otherwise (a failure, a broken case file, or no
    case found).
    """
    try:
        import pytest
    except ImportError:
        click.echo("aslsim test runs the cases with pytest, which is not installed: "
                   "pip install pytest", err=True)
        sys.exit(EXIT_FAILED)
    # aslsim is imported (this command is part of it) before pytest marks the plugin's package
    # for assertion rewriting, which pytest reports as a warning the user can do nothing about
    options = ["--aslsim-cases-only",
               "-W", "ignore:Module already imported so cannot be rewritten; aslsim:"
                     "pytest.PytestAssertRewriteWarning"]
    args = _own_options(args)
    if os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        # pytest will not load the plugin by itself. Named by module, not by its entry point
        # "aslsim": pytest would warn that the (already imported) aslsim package cannot be
        # rewritten for assertions.
        options = ["-p", "aslsim.testing.plugin", *options]
    code = pytest.main([*options, *args])
    sys.exit(EXIT_PASSED if code == 0 else EXIT_FAILED)


def _own_options(args) -> list[str]:
    """--state-machine NAME and --sub KEY=VALUE, as run and graph spell them, for the plugin."""
    out, items = [], list(args)
    while items:
        item = items.pop(0)
        for own, plugin in (("--state-machine", "--aslsim-state-machine"), ("--sub", "--aslsim-sub")):
            if item == own and items:
                out += [plugin, items.pop(0)]
                break
            if item.startswith(own + "="):
                out += [plugin, item[len(own) + 1:]]
                break
        else:
            out.append(item)
    return out
