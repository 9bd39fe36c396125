"""Helpers for the hardening tests: run a CLI command in-process and see how it ended."""
from click.testing import CliRunner

from aslsim.cli import main


def cli(*args):
    """``aslsim ARGS`` in-process; click keeps stdout and stderr apart."""
    return CliRunner().invoke(main, [str(a) for a in args])


def assert_clear_refusal(result, *fragments):
    """Exit 2, a one-line ``aslsim:`` message holding every fragment, never a traceback."""
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
