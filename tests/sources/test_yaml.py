"""YAML as the deployment tools read it (YAML 1.2's core schema), and aliases that cannot explode."""
import subprocess
import sys
import time

import pytest

import aslsim
from aslsim.validate import validate_paths

# A Serverless-style definition (js-yaml reads YAML 1.2): Yes and No are state names
YES_NO = """\
StartAt: Is it ready?
States:
  Is it ready?:
    Type: Choice
    Choices:
      - Variable: $.ready
        BooleanEquals: true
        Next: Yes
    Default: No
  Yes:
    Type: Wait
    Timestamp: 2025-06-01T00:00:00Z
    Next: On
  On:
    Type: Succeed
  No:
    Type: Fail
    Error: NotReady
"""


def test_yes_no_and_on_are_state_names_and_an_unquoted_timestamp_stays_a_string(tmp_path):
    path = tmp_path / "flow.asl.yaml"
    path.write_text(YES_NO)
    machine = aslsim.load(path)
    assert set(machine.states) == {"Is it ready?", "Yes", "On", "No"}
    assert machine.definition["States"]["Yes"]["Timestamp"] == "2025-06-01T00:00:00Z"
    ready = machine.run({"ready": True})
    assert ready.status == "SUCCEEDED" and ready.flat_path() == ["Is it ready?", "Yes", "On"]
    assert machine.run({"ready": False}).error == "NotReady"
    assert [r.errors for r in validate_paths([str(path)])] == [[]]


def test_true_false_null_and_numbers_are_still_typed():
    machine = aslsim.load("StartAt: P\nStates:\n  P:\n    Type: Pass\n    Result: {a: true, b: null, "
                          "c: 0x1F, d: 1.5e3, e: on, f: 2025-01-01}\n    End: true\n")
    assert machine.run().output == {"a": True, "b": None, "c": 31, "d": 1500.0, "e": "on",
                                    "f": "2025-01-01"}


def _bomb() -> str:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        previous = chr(ord("a") + i - 1)
        lines.append(f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [" + ",".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\nStartAt: P\nStates: {P: {Type: Pass, Result: *i, End: true}}\n"


def test_an_alias_bomb_is_refused_at_once_by_load_and_validate(tmp_path):
    path = tmp_path / "bomb.asl.yaml"
    path.write_text(_bomb())
    assert len(path.read_bytes()) < 600
    started = time.perf_counter()
    with pytest.raises(aslsim.DefinitionError, match="aliases expand it past 1048576 bytes"):
        aslsim.load(path)
    [result] = validate_paths([str(path)])
    assert [d.code for d in result.diagnostics] == ["ASL001"]
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("command", [["run"], ["graph"], ["validate"]])
def test_an_alias_bomb_ends_each_command_with_exit_2(tmp_path, command):
    path = tmp_path / "bomb.asl.yaml"
    path.write_text(_bomb())
    done = subprocess.run([sys.executable, "-m", "aslsim.cli", *command, str(path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "aliases expand" in done.stdout + done.stderr


def test_an_alias_bomb_in_a_case_file_is_a_broken_case_file(tmp_path):
    case = tmp_path / "bomb.aslsim.yaml"
    case.write_text(_bomb().replace("StartAt: P", "machine: m.asl.json\ncases: []\nStartAt: P"))
    done = subprocess.run([sys.executable, "-m", "aslsim.cli", "test", str(case), "-p", "no:cacheprovider"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 1
    assert "aliases expand" in done.stdout


def test_a_definition_over_one_mebibyte_is_refused_by_load_and_reported_by_validate(tmp_path):
    big = {"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": "x" * 1_100_000, "End": True}}}
    with pytest.raises(aslsim.DefinitionError, match="over the 1048576-byte"):
        aslsim.load(big)
    path = tmp_path / "big.asl.json"
    path.write_text(__import__("json").dumps(big))
    [result] = validate_paths([str(path)])
    assert "ASL702" in [d.code for d in result.errors]
