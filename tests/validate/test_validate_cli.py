"""``aslsim validate``: exit codes, the four output formats, code selection, and the example
workflows validating clean."""
import json
from pathlib import Path

from click.testing import CliRunner

from aslsim.cli import main

ROOT = Path(__file__).resolve().parents[2]
BROKEN = '{\n  "StartAt": "A",\n  "States": {\n    "A": {"Type": "Pass", "Next": "B"}\n  }\n}\n'
WARNING_ONLY = json.dumps({"StartAt": "T", "States": {"T": {
    "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "End": True,
    "Parameters": {"QueueUrl": "q", "MessageBody": "hello"}}}})


def validate(*args):
    return CliRunner().invoke(main, ["validate", *map(str, args)])


def test_the_example_workflows_validate_clean():
    result = validate(ROOT / "statemachines")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("state machines checked: no problems")


def test_errors_exit_1_with_compiler_style_lines(tmp_path):
    file = tmp_path / "bad.asl.json"
    file.write_text(BROKEN)
    result = validate(file)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{file}:3:3: error ASL203 the state machine has no terminal state: no state has "
        "\"End\": true and there is no Succeed or Fail state",
        f"{file}:4:35: error ASL201 [State \"A\"] Next 'B' does not name a state in the state machine",
        "1 state machine checked: 2 errors, 0 warnings"]


def test_an_unreadable_file_exits_2_and_the_other_files_are_still_checked(tmp_path):
    (tmp_path / "a.asl.json").write_text("{ nope")
    (tmp_path / "b.asl.json").write_text(BROKEN)
    result = validate(tmp_path, "--format", "json")
    assert result.exit_code == 2
    report = json.loads(result.output)
    files = {Path(f["file"]).name: f for f in report["files"]}
    assert files["a.asl.json"]["error"].startswith("not valid JSON")
    assert [d["code"] for d in files["b.asl.json"]["diagnostics"]] == ["ASL203", "ASL201"]
    assert report["summary"] == {"checked": 2, "errors": 3, "warnings": 0, "unreadable": 1,
                                 "files_with_errors": 2}


def test_a_missing_file_exits_2():
    result = validate("no/such/file.asl.json")
    assert result.exit_code == 2
    assert "no/such/file.asl.json: error ASL001 no such file" in result.output


def test_warnings_pass_unless_warnings_are_errors(tmp_path):
    file = tmp_path / "w.asl.json"
    file.write_text(WARNING_ONLY)
    assert validate(file).exit_code == 0
    assert validate(file, "--warnings-as-errors").exit_code == 1


def test_select_and_ignore_take_codes_and_prefixes(tmp_path):
    file = tmp_path / "bad.asl.json"
    file.write_text(BROKEN)
    only = json.loads(validate(file, "--format", "json", "--select", "ASL201").output)
    assert [d["code"] for d in only["files"][0]["diagnostics"]] == ["ASL201"]
    result = validate(file, "--ignore", "ASL2")
    assert result.exit_code == 0
    assert validate(file, "--ignore", "ASL201,ASL203").exit_code == 0


def test_json_diagnostics_have_every_field(tmp_path):
    file = tmp_path / "bad.asl.json"
    file.write_text(BROKEN)
    report = json.loads(validate(file, "--format", "json").output)
    assert report["files"][0]["diagnostics"][1] == {
        "code": "ASL201", "severity": "error", "file": str(file), "line": 4, "column": 35,
        "pointer": "/States/A/Next", "state": "A",
        "message": "Next 'B' does not name a state in the state machine", "hint": None}


def test_sarif_has_the_required_structure_and_rules(tmp_path):
    file = tmp_path / "bad.asl.json"
    file.write_text(BROKEN)
    result = validate(file, "--format", "sarif")
    assert result.exit_code == 1
    sarif = json.loads(result.output)
    assert sarif["version"] == "2.1.0" and "$schema" in sarif
    [run] = sarif["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert {"id", "shortDescription", "fullDescription", "help", "defaultConfiguration"} <= set(rules[0])
    assert [r["ruleId"] for r in run["results"]] == ["ASL203", "ASL201"]
    second = run["results"][1]
    assert rules[second["ruleIndex"]]["id"] == "ASL201"
    assert second["level"] == "error"
    assert second["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": str(file)}, "region": {"startLine": 4, "startColumn": 35}}


def test_github_annotations(tmp_path):
    file = tmp_path / "bad.asl.json"
    file.write_text(BROKEN)
    lines = validate(file, "--format", "github").output.splitlines()
    assert lines[1] == (f"::error file={file},line=4,col=35,title=ASL201::[State \"A\"] Next 'B' "
                        "does not name a state in the state machine")
    warning = tmp_path / "w.asl.json"
    warning.write_text(WARNING_ONLY)
    [line] = validate(warning, "--format", "github").output.splitlines()
    assert line.startswith(f"::warning file={warning},line=1,col=")
    assert ",title=ASL605::" in line


def test_globs_are_expanded(tmp_path):
    (tmp_path / "one.asl.json").write_text(BROKEN)
    (tmp_path / "two.asl.json").write_text(BROKEN)
    report = json.loads(validate(str(tmp_path / "*.asl.json"), "--format", "json").output)
    assert sorted(Path(f["file"]).name for f in report["files"]) == ["one.asl.json", "two.asl.json"]
