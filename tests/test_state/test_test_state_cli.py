"""aslsim test-state on the command line."""
import json

from click.testing import CliRunner

from aslsim.cli import main

MACHINE = {"StartAt": "Call", "States": {
    "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f"},
             "OutputPath": "$.Payload", "Next": "Done"},
    "Done": {"Type": "Succeed"}}}


def test_a_state_of_a_machine_file_is_tested_with_a_mock(tmp_path):
    file = tmp_path / "m.asl.json"
    file.write_text(json.dumps(MACHINE))
    result = CliRunner().invoke(main, ["test-state", str(file), "--state", "Call", "--input", "{}",
                                       "--mock", json.dumps({"result": '{"Payload": {"x": 1}}'}),
                                       "--inspection-level", "DEBUG"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert (answer["status"], answer["nextState"], answer["output"]) == ("SUCCEEDED", "Done", '{"x":1}')
    assert json.loads(answer["inspectionData"]["result"]) == {"Payload": {"x": 1}}


def test_a_failing_state_exits_1_and_a_refused_request_exits_2(tmp_path):
    file = tmp_path / "m.asl.json"
    file.write_text(json.dumps(MACHINE))
    failed = CliRunner().invoke(main, ["test-state", str(file), "--state", "Call",
                                       "--mock", '{"errorOutput": {"error": "E", "cause": "c"}}'])
    assert failed.exit_code == 1 and json.loads(failed.output)["error"] == "E"
    refused = CliRunner().invoke(main, ["test-state", str(file)])
    assert refused.exit_code == 2 and "stateName is required" in refused.output
    bad = CliRunner().invoke(main, ["test-state", str(file), "--state", "Call", "--input", "{nope"])
    assert bad.exit_code == 2 and "--input: not valid JSON" in bad.output
