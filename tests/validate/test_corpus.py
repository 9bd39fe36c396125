"""The agreement corpus: every file gets exactly the error codes expected.json lists, the examples
and every definition AWS accepted get none, and nothing asl-validator flags goes unflagged by
aslsim unless expected.json explains it as an asl-validator false error.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from aslsim.validate import RULES, validate_paths

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import compare_validators  # noqa: E402
import validation_corpus as corpus  # noqa: E402

ENTRIES = corpus.corpus_entries()


def _codes(path: Path, severity: str) -> set[str]:
    return {d.code for result in validate_paths([str(path)]) for d in result.diagnostics
            if d.severity == severity}


def _describe(path: Path) -> str:
    return "\n".join(f"  {d.severity} {d.code} {d.pointer}: {d.message}"
                     for result in validate_paths([str(path)]) for d in result.diagnostics)


def test_every_corpus_file_has_an_expectation():
    assert sorted(e.name for e in ENTRIES) == corpus.corpus_files_on_disk()


def test_expectations_use_known_codes_in_the_right_folder():
    for entry in ENTRIES:
        assert set(entry.errors) | set(entry.warnings) <= set(RULES), entry.name
        folder = entry.name.split("/")[0]
        assert bool(entry.errors) == (folder == "invalid"), entry.name
        if folder == "warning":
            assert entry.warnings, entry.name


# statelint cannot run here (a Ruby gem; RubyGems is unreachable), so the corpus carries a file for
# each of its rule families (../shared/spec/VALIDATION.md section 2), marked in expected.json.
STATELINT_FAMILIES = [
    "not allowed", "required field", "forbidden field", "only one of", "non-empty required",
    "should be", "not one of the allowed values", "positive-integer", "nonnegative-integer",
    "< 99999999", ">= 1", "timestamp", "referencePath", "StartAt value", "No state found named",
    "No transition found", "is also defined", "No terminal state found",
    "can only appear in the last element", "by itself", "\"InputPath\" is not a JSONPath",
    "\"OutputPath\" is not a JSONPath", "\"ItemsPath\" is not a JSONPath",
    "should be non-null", "\"Variable\" of Choice state", "not a JSONPath or intrinsic",
    "intrinsic regex"]


def test_every_statelint_rule_family_has_a_corpus_file_it_catches():
    rules = [e.statelint.get("rule", "") for e in ENTRIES if e.statelint.get("expect") == "caught"]
    assert [f for f in STATELINT_FAMILIES if not any(f in rule for rule in rules)] == []


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_corpus_file_gets_the_expected_codes(entry):
    errors, warnings = _codes(entry.path, "error"), _codes(entry.path, "warning")
    found = _describe(entry.path)
    assert errors == set(entry.errors), f"{entry.name} ({entry.why}); aslsim said:\n{found}"
    assert set(entry.warnings) <= warnings, f"{entry.name} ({entry.why}); aslsim said:\n{found}"


@pytest.mark.parametrize("path", corpus.example_files(), ids=lambda p: p.name)
def test_example_has_no_errors(path):
    assert _codes(path, "error") == set(), _describe(path)


def test_no_error_on_any_definition_aws_accepted(tmp_path):
    written = corpus.write_conformance_files(tmp_path)
    assert len(written) > 300
    refused = {}
    for result in validate_paths([str(p) for p in written]):
        if result.errors:
            case = written[Path(result.file)]
            refused[case] = [f"{d.code} {d.pointer}: {d.message}" for d in result.errors]
    assert refused == {}


def test_every_definition_aws_refused_gets_an_error():
    refused = corpus.refused_conformance_definitions()
    assert refused, "the conformance set records CreateStateMachine refusals"
    from aslsim.validate import validate_definition
    missed = [case for case, definition in refused.items()
              if not any(d.severity == "error" for d in validate_definition(definition))]
    assert missed == []


def test_aslsim_flags_every_corpus_file_asl_validator_flags():
    """Runs the npm asl-validator (installed into .cache/ on first use; needs node and npm)."""
    try:
        modules = compare_validators.install_asl_validator()
    except compare_validators.ToolMissing as err:
        pytest.fail(f"cannot run asl-validator for the agreement check: {err}")
    rows = compare_validators.compare(compare_validators.corpus_group(), modules)
    only_asl_validator = [row for row in rows if row.asl_validator and not row.aslsim]
    unexplained = [f"{row.label}: {row.asl_validator[0]}" for row in only_asl_validator
                   if not row.explained]
    assert unexplained == []
    assert len(rows) == len(ENTRIES)
