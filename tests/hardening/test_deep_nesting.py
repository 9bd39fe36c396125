"""Deep nesting: a definition nested up to aslsim's depth limit loads, validates, runs, draws and
reports; deeper (150 nested Parallel states) is one clear refusal naming where, from every
command, never a RecursionError."""
import json

import pytest

import aslsim
from aslsim import jsonvalues
from helpers_hardening import assert_clear_refusal, cli


def nested_parallels(levels: int) -> dict:
    inner = {"StartAt": "S0", "States": {"S0": {"Type": "Pass", "End": True}}}
    for i in range(1, levels + 1):
        inner = {"StartAt": f"S{i}", "States": {f"S{i}": {"Type": "Parallel", "Branches": [inner], "End": True}}}
    return inner


def depth(value, level=1):
    if isinstance(value, dict):
        return max([depth(v, level + 1) for v in value.values()] or [level])
    if isinstance(value, list):
        return max([depth(v, level + 1) for v in value] or [level])
    return level


def test_sixty_nested_parallels_are_within_the_limit_and_work_everywhere(tmp_path):
    definition = nested_parallels(60)
    assert depth(definition) <= jsonvalues.MAX_DEPTH
    path = tmp_path / "deep.asl.json"
    path.write_text(json.dumps(definition))
    execution = aslsim.load(path).run({"x": 1})
    assert execution.status == "SUCCEEDED"
    expected = {"x": 1}
    for _ in range(60):
        expected = [expected]          # each Parallel's output is the list of its branches'
    assert execution.output == expected
    assert cli("validate", path).exit_code == 0
    for output_format in ("mermaid", "dot", "svg", "html"):
        assert cli("graph", path, "--format", output_format).exit_code == 0
    assert cli("run", path, "--report", tmp_path / "r.html").exit_code == 0


def test_a_hundred_and_fifty_nested_parallels_are_refused_clearly(tmp_path):
    path = tmp_path / "deeper.asl.json"
    path.write_text(json.dumps(nested_parallels(150)))
    with pytest.raises(aslsim.DefinitionError, match="nests deeper than 256 levels") as caught:
        aslsim.load(path)
    assert caught.value.file == str(path) and caught.value.state is not None
    result = cli("validate", path)
    assert result.exit_code == 1 and "error ASL103" in result.stdout and "nests deeper" in result.stdout
    assert "Traceback" not in result.output
    assert_clear_refusal(cli("run", path), "deeper.asl.json", "nests deeper than 256 levels")
    assert_clear_refusal(cli("graph", path), "deeper.asl.json", "nests deeper than 256 levels")


def test_a_deep_yaml_definition_is_refused_clearly(tmp_path):
    path = tmp_path / "deep.asl.yaml"
    path.write_text("StartAt: P\nStates:\n  P:\n    Type: Pass\n    End: true\n    Result: " + "[" * 3000 + "]" * 3000 + "\n")
    assert_clear_refusal(cli("run", path), "deep.asl.yaml")
    result = cli("validate", path)
    assert result.exit_code in (1, 2) and "Traceback" not in result.output and "error ASL" in result.stdout
