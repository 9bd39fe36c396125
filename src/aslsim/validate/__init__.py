"""``aslsim validate``: static checks of state machine definitions, with stable codes and positions.

    from aslsim.validate import Diagnostic, validate_definition, validate_paths
    validate_definition(text_or_dict, file="a.asl.json")   # -> list[Diagnostic], by position
    validate_paths(["a.json", "dir/", "**/*.asl.yaml"])     # -> list[FileResult], one per machine

The codes are in rules.py and docs/validate.md.
"""
from .diagnostics import Diagnostic, FileResult
from .files import validate_paths
from .rules import RULES, Rule
from .validator import validate_definition

__all__ = ["Diagnostic", "FileResult", "RULES", "Rule", "validate_definition", "validate_paths"]
