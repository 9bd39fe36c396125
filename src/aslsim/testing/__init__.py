"""Testing workflows: assertions with readable failures, declarative case files, the pytest plugin.

``from aslsim.testing import expect, assert_path, ...`` works anywhere; the pytest fixtures
(``aslsim_run``, ``load_machine``, ...) come with the plugin, which pytest loads by itself once
aslsim is installed. This package does not import pytest: ``aslsim test`` must start without it.
"""
from .assertions import (Expect, WorkflowAssertionError, assert_called, assert_called_with,
                         assert_call_time, assert_calls, assert_calls_in_order, assert_cause,
                         assert_error, assert_failed, assert_not_called, assert_not_visited,
                         assert_output, assert_output_contains, assert_path,
                         assert_path_starts_with, assert_status, assert_succeeded,
                         assert_variable, assert_variables, assert_visited,
                         assert_visited_in_order, calls_to, describe, expect, format_path)
from .cases import Case, CaseFileError, MachineFinder, MachineNotFound, read_cases

__all__ = [
    "expect", "Expect", "WorkflowAssertionError", "describe", "format_path", "calls_to",
    "assert_status", "assert_succeeded", "assert_failed", "assert_error", "assert_cause",
    "assert_output", "assert_output_contains",
    "assert_path", "assert_path_starts_with", "assert_visited_in_order", "assert_visited",
    "assert_not_visited",
    "assert_called", "assert_called_with", "assert_not_called", "assert_calls",
    "assert_calls_in_order", "assert_call_time",
    "assert_variables", "assert_variable",
    "read_cases", "Case", "CaseFileError", "MachineFinder", "MachineNotFound",
]
